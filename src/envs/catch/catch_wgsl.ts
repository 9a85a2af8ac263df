/**
 * WGSL twin of the catch task (`catch_cpu.ts` is the reference). The
 * header is generated from {@linkcode CATCH_SPEC} and {@linkcode CATCH_PARAMS}
 * and the other constants are interpolated from them as exact float32
 * literals, so the two twins cannot drift.
 *
 * @module
 */

import { taskHeaderWgsl, wgslFloat } from "../task.ts";
import { CATCH_PARAMS as P, CATCH_SPEC, CATCH_T } from "./catch_params.ts";

const lit = wgslFloat;

const WALL = 1 - P.ballRadius;
const SPAN = 2 * (1 - P.ballRadius);

/**
 * WGSL source of the catch task: the generated header (`TASK_*`, `CATCH_*`), `task_reset`,
 * `task_step`, `task_observe` and `task_expert` with the signatures of the
 * environment contract (`src/envs/types.ts`). Expects `RNG_WGSL` to be
 * concatenated before it. Its own functions are named `catch_*`.
 *
 * @example
 * ```ts
 * import { CATCH_WGSL } from "./catch_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(CATCH_WGSL, /fn task_expert/);
 * ```
 */
export const CATCH_WGSL: string = /* wgsl */ `
${
  taskHeaderWgsl(CATCH_SPEC, {
    params: P,
    prefix: "CATCH",
    u32: ["balls", "modeDraw"],
  })
}const CATCH_T: u32 = ${CATCH_T}u;

fn task_reset(seed: u32, env: u32, episode: u32) -> array<f32, TASK_STATE_DIM> {
  let c = episode * 1024u;
  var s: array<f32, TASK_STATE_DIM>;
  var release = floor(rng_uniform(seed, env, c, 0u) * ${lit(P.firstRelease)});
  for (var i = 0u; i < CATCH_BALLS; i++) {
    let b = 2u + i * 6u;
    let w = c + 1u + i;
    s[b] = rng_uniform(seed, env, w, 0u) * ${lit(1.8)} - ${lit(0.9)};
    s[b + 1u] = ${lit(P.releaseHeight)};
    s[b + 2u] = (rng_uniform(seed, env, w, 1u) * 2.0 - 1.0) * ${
  lit(P.maxReleaseVx)
};
    s[b + 3u] = (rng_uniform(seed, env, w, 2u) * 2.0 - 1.0) * ${
  lit(P.maxReleaseVy)
};
    s[b + 4u] = 0.0;
    s[b + 5u] = release;
    release = release + (${
  lit(P.minGap)
} + floor(rng_uniform(seed, env, w, 3u) * ${lit(P.extraGap)}));
  }
  s[CATCH_T] = 0.0;
  return s;
}

fn task_step(s: ptr<function, array<f32, TASK_STATE_DIM>>, a: array<f32, TASK_ACTION_DIM>) -> vec3<f32> {
  let act = clamp(a[0], -1.0, 1.0);
  let px_max = ${lit(1 - P.paddleHalfWidth)};
  var pv = clamp((*s)[1] + ${lit(P.paddleAccel * P.dt)} * act, ${
  lit(-P.paddleMaxSpeed)
}, ${lit(P.paddleMaxSpeed)});
  var px = (*s)[0] + pv * ${lit(P.dt)};
  if (abs(px) > px_max) {
    px = clamp(px, -px_max, px_max);
    pv = 0.0;
  }
  (*s)[0] = px;
  (*s)[1] = pv;
  let t = (*s)[CATCH_T] + 1.0;
  (*s)[CATCH_T] = t;
  // Integer codes: float selects between 0 and -1 may come out as -0.
  var reward = 0i;
  var missed = false;
  var caught = 0u;
  for (var i = 0u; i < CATCH_BALLS; i++) {
    let b = 2u + i * 6u;
    let status = (*s)[b + 4u];
    if (status == 0.0) {
      if (t > (*s)[b + 5u]) { (*s)[b + 4u] = 1.0; }
    } else if (status == 1.0) {
      var x = (*s)[b];
      var vx = (*s)[b + 2u];
      let vy = (*s)[b + 3u] - ${lit(P.gravity * P.dt)};
      x = x + vx * ${lit(P.dt)};
      let y = (*s)[b + 1u] + vy * ${lit(P.dt)};
      if (x > ${lit(WALL)}) {
        x = ${lit(2 * WALL)} - x;
        vx = -vx;
      } else if (x < ${lit(-WALL)}) {
        x = ${lit(-2 * WALL)} - x;
        vx = -vx;
      }
      (*s)[b] = x;
      (*s)[b + 1u] = y;
      (*s)[b + 2u] = vx;
      (*s)[b + 3u] = vy;
      if (y <= 0.0) {
        if (abs(x - px) <= ${lit(P.paddleHalfWidth + P.ballRadius)}) {
          (*s)[b + 4u] = 2.0;
          reward = reward + 1i;
        } else {
          missed = true;
        }
      }
    }
    if ((*s)[b + 4u] == 2.0) { caught = caught + 1u; }
  }
  var done = 0u;
  var solved = 0u;
  if (missed) {
    done = 1u;
    reward = reward - 1i;
  } else if (caught == CATCH_BALLS) {
    done = 1u;
    solved = 1u;
  } else if (t >= ${lit(P.maxTimesteps)}) {
    done = 1u;
  }
  return vec3<f32>(f32(reward), f32(done), f32(solved));
}

fn task_observe(s: ptr<function, array<f32, TASK_STATE_DIM>>) -> array<f32, TASK_OBS_DIM> {
  var o: array<f32, TASK_OBS_DIM>;
  o[0] = (*s)[0];
  o[1] = (*s)[1];
  for (var i = 0u; i < CATCH_BALLS; i++) {
    let b = 2u + i * 6u;
    let q = 2u + i * 7u;
    let on = (*s)[b + 4u] == 1.0;
    for (var k = 0u; k < 4u; k++) { o[q + k] = select(0.0, (*s)[b + k], on); }
    o[q + 4u] = select(0.0, 1.0, on);
    let l = catch_landing((*s)[b], (*s)[b + 1u], (*s)[b + 2u], (*s)[b + 3u]);
    o[q + 5u] = select(0.0, l.x, on);
    o[q + 6u] = select(0.0, l.y * ${lit(P.dt)}, on);
  }
  return o;
}

// Landing point (walls folded in) and fractional steps until y <= 0.
fn catch_landing(x: f32, y: f32, vx: f32, vy: f32) -> vec2<f32> {
  let fa = ${lit(0.5 * P.gravity * P.dt * P.dt)};
  let b = fa - vy * ${lit(P.dt)};
  let disc = b * b + (4.0 * fa) * max(y, 0.0);
  let n = (sqrt(disc) - b) * ${lit(1 / (P.gravity * P.dt * P.dt))};
  let free = (x + ${lit(WALL)}) + (vx * ${lit(P.dt)}) * (n + 0.5);
  var u = free - ${lit(2 * SPAN)} * floor(free * ${lit(1 / (2 * SPAN))});
  if (u > ${lit(SPAN)}) { u = ${lit(2 * SPAN)} - u; }
  return vec2<f32>(u - ${lit(WALL)}, n);
}

fn task_expert(s: ptr<function, array<f32, TASK_STATE_DIM>>, seed: u32, env: u32, episode: u32) -> array<f32, TASK_ACTION_DIM> {
  let m = select(1.0, -1.0, rng_uniform(seed, env, episode * 1024u + CATCH_MODE_DRAW, 0u) < 0.5);
  var goal = m * ${lit(P.idleX)};
  var soonest = 3.0e38;
  for (var i = 0u; i < CATCH_BALLS; i++) {
    let b = 2u + i * 6u;
    if ((*s)[b + 4u] != 1.0) { continue; }
    let l = catch_landing((*s)[b], (*s)[b + 1u], (*s)[b + 2u], (*s)[b + 3u]);
    if (l.y < soonest) {
      soonest = l.y;
      goal = l.x + m * ${lit(P.catchOffset * P.paddleHalfWidth)};
    }
  }
  let px_max = ${lit(1 - P.paddleHalfWidth)};
  goal = clamp(goal, -px_max, px_max);
  let e = goal - (*s)[0];
  let ae = abs(e);
  let speed = min(${lit(P.kp)} * ae, sqrt(${lit(2 * P.brake)} * ae));
  let v = select(speed, -speed, e < 0.0);
  var out: array<f32, TASK_ACTION_DIM>;
  out[0] = clamp(${lit(P.kv)} * (v - (*s)[1]), -1.0, 1.0);
  return out;
}
`;
