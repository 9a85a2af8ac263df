/**
 * WGSL twin of the lander task (`lander_cpu.ts` is the reference). The
 * header is generated from {@linkcode LANDER_SPEC} and {@linkcode LANDER_PARAMS}
 * and the other constants are interpolated from them as exact float32
 * literals, so the two twins cannot drift.
 *
 * @module
 */

import { taskHeaderWgsl, wgslFloat } from "../task.ts";
import { LANDER_PARAMS as P, LANDER_SPEC } from "./lander_params.ts";

const lit = wgslFloat;

/**
 * WGSL source of the lander task: the generated header (`TASK_*`, `LANDER_*`), `task_reset`,
 * `task_step`, `task_observe` and `task_expert` with the signatures of the
 * environment contract (`src/envs/types.ts`). Expects `RNG_WGSL` to be
 * concatenated before it. Its own functions are named `lander_*`.
 *
 * @example
 * ```ts
 * import { LANDER_WGSL } from "./lander_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(LANDER_WGSL, /fn task_step/);
 * ```
 */
export const LANDER_WGSL: string = /* wgsl */ `
${
  taskHeaderWgsl(LANDER_SPEC, {
    params: P,
    prefix: "LANDER",
    u32: ["modeDraw"],
  })
}
fn lander_sin(x: f32) -> f32 {
  let c = clamp(x, -2.0, 2.0);
  let c2 = c * c;
  var p = c2 * ${lit(1 / 362880)} + ${lit(-1 / 5040)};
  p = c2 * p + ${lit(1 / 120)};
  p = c2 * p + ${lit(-1 / 6)};
  p = c2 * p + 1.0;
  return c * p;
}

fn lander_cos(x: f32) -> f32 {
  let c = clamp(x, -2.0, 2.0);
  let c2 = c * c;
  var p = c2 * ${lit(-1 / 3628800)} + ${lit(1 / 40320)};
  p = c2 * p + ${lit(-1 / 720)};
  p = c2 * p + ${lit(1 / 24)};
  p = c2 * p - 0.5;
  return c2 * p + 1.0;
}

fn task_reset(seed: u32, env: u32, episode: u32) -> array<f32, TASK_STATE_DIM> {
  let c = episode * 1024u;
  var s: array<f32, TASK_STATE_DIM>;
  s[0] = rng_uniform(seed, env, c, 0u) * ${lit(1.4)} - ${lit(0.7)};
  s[1] = rng_uniform(seed, env, c, 1u) * ${lit(0.2)} + 1.0;
  s[2] = rng_uniform(seed, env, c, 2u) * ${lit(0.6)} - ${lit(0.3)};
  s[3] = rng_uniform(seed, env, c, 3u) * ${lit(-0.2)};
  s[4] = rng_uniform(seed, env, c + 1u, 0u) * ${lit(0.3)} - ${lit(0.15)};
  s[5] = rng_uniform(seed, env, c + 1u, 1u) * ${lit(0.6)} - ${lit(0.3)};
  s[6] = rng_uniform(seed, env, c + 1u, 2u) * ${lit(1.4)} - ${lit(0.7)};
  s[7] = 0.0;
  return s;
}

fn task_step(s: ptr<function, array<f32, TASK_STATE_DIM>>, a: array<f32, TASK_ACTION_DIM>) -> vec3<f32> {
  let main_a = clamp(a[0], -1.0, 1.0);
  let side = clamp(a[1], -1.0, 1.0);
  var x = (*s)[0];
  var y = (*s)[1];
  var vx = (*s)[2];
  var vy = (*s)[3];
  var th = (*s)[4];
  var om = (*s)[5];
  let pad = (*s)[6];
  let t = (*s)[7] + 1.0;
  let thrust = ${lit(P.mainAccel)} * ((main_a + 1.0) * 0.5);
  let lateral = ${lit(P.sideAccel)} * side;
  let sn = lander_sin(th);
  let cs = lander_cos(th);
  let ax = cs * lateral - sn * thrust;
  let ay = (cs * thrust + sn * lateral) - ${lit(P.gravity)};
  let alpha = ${lit(P.tipGain)} * sn - ${lit(P.sideTorque)} * side;
  vx = vx + ax * ${lit(P.dt)};
  vy = vy + ay * ${lit(P.dt)};
  om = om + alpha * ${lit(P.dt)};
  x = x + vx * ${lit(P.dt)};
  y = y + vy * ${lit(P.dt)};
  th = th + om * ${lit(P.dt)};
  (*s)[0] = x;
  (*s)[1] = y;
  (*s)[2] = vx;
  (*s)[3] = vy;
  (*s)[4] = th;
  (*s)[5] = om;
  (*s)[7] = t;
  // Integer codes: float selects between 0 and -1 may come out as -0.
  var reward = 0i;
  var done = 0u;
  var solved = 0u;
  if (y <= 0.0) {
    let soft = vy >= ${lit(-P.maxLandingSpeed)} &&
      abs(vx) <= ${lit(P.maxLandingDrift)} &&
      abs(th) <= ${lit(P.maxLandingTilt)} && abs(x - pad) <= ${
  lit(P.padHalfWidth)
};
    done = 1u;
    solved = select(0u, 1u, soft);
    reward = select(-1i, 1i, soft);
  } else if (abs(x) > ${lit(P.halfWidth)} || y > ${lit(P.ceiling)} ||
      abs(th) > ${lit(P.maxTilt)}) {
    done = 1u;
    reward = -1i;
  } else if (t >= ${lit(P.maxTimesteps)}) {
    done = 1u;
  }
  return vec3<f32>(f32(reward), f32(done), f32(solved));
}

fn task_observe(s: ptr<function, array<f32, TASK_STATE_DIM>>) -> array<f32, TASK_OBS_DIM> {
  var o: array<f32, TASK_OBS_DIM>;
  o[0] = (*s)[0];
  o[1] = (*s)[1];
  o[2] = (*s)[2];
  o[3] = (*s)[3];
  o[4] = lander_sin((*s)[4]);
  o[5] = lander_cos((*s)[4]);
  o[6] = (*s)[5] * 0.25;
  o[7] = (*s)[6] - (*s)[0];
  return o;
}

fn task_expert(s: ptr<function, array<f32, TASK_STATE_DIM>>, seed: u32, env: u32, episode: u32) -> array<f32, TASK_ACTION_DIM> {
  let x = (*s)[0];
  let y = (*s)[1];
  let vx = (*s)[2];
  let vy = (*s)[3];
  let th = (*s)[4];
  let om = (*s)[5];
  let pad = (*s)[6];
  let offset = ${lit(P.approachOffset)};
  var m = select(1.0, -1.0, rng_uniform(seed, env, episode * 1024u + LANDER_MODE_DRAW, 0u) < 0.5);
  if (abs(pad + m * offset) > 0.7) { m = -m; }
  let h = clamp((y - ${lit(0.15)}) * 2.5, 0.0, 1.0);
  let xt = pad + (m * offset) * h;
  let vxd = clamp(${lit(P.kpX)} * (xt - x), ${lit(-P.maxCmdVx)}, ${
  lit(P.maxCmdVx)
});
  let axd = clamp(${lit(P.kvX)} * (vxd - vx), ${
  lit(-P.maxCmdTilt * P.gravity)
}, ${lit(P.maxCmdTilt * P.gravity)});
  let level = clamp(y * 6.0, 0.0, 1.0);
  let thd = clamp(-axd * ${lit(1 / P.gravity)}, ${lit(-P.maxCmdTilt)}, ${
  lit(P.maxCmdTilt)
}) * level;
  let alphad = ${lit(-P.kpTheta)} * (th - thd) - ${lit(P.kdTheta)} * om;
  let side = (${lit(P.tipGain)} * lander_sin(th) - alphad) * ${
  lit(1 / P.sideTorque)
};
  var vyd = -(${lit(0.12)} + 0.5 * max(y - ${lit(0.1)}, 0.0));
  if (y < ${lit(0.6)} && abs(x - xt) > ${lit(0.15)}) {
    vyd = 0.5 * (${lit(0.6)} - y);
  }
  if (y < ${lit(0.3)} && abs(x - pad) > ${lit(0.1)}) {
    vyd = 0.5 * (${lit(0.3)} - y);
  }
  let ayd = ${lit(P.kvY)} * (vyd - vy);
  let cs = max(lander_cos(th), 0.5);
  let u = ((${lit(P.gravity)} + ayd) * ${lit(1 / P.mainAccel)}) / cs;
  var out: array<f32, TASK_ACTION_DIM>;
  out[0] = clamp(2.0 * u - 1.0, -1.0, 1.0);
  out[1] = clamp(side, -1.0, 1.0);
  return out;
}
`;
