/**
 * CPU twin of the catch task (the reference for `catch_wgsl.ts`). Every
 * arithmetic operation is rounded with `Math.fround`, in the same order as
 * the WGSL, so the two twins agree to float32 rounding.
 *
 * State layout (`stateDim` 21): `[px, pv, ball 0, ball 1, ball 2, t]` with
 * each ball `[x, y, vx, vy, status, releaseStep]`, status 0 = waiting
 * (hidden), 1 = falling, 2 = caught.
 *
 * @module
 */

import { uniform } from "../../rng/rng.ts";
import type { EpisodeKey, RgbaImage, TaskCpu } from "../types.ts";
import {
  CATCH_BALL_OBS,
  CATCH_BALL_STRIDE,
  CATCH_PARAMS as P,
  CATCH_SPEC,
  CATCH_T,
} from "./catch_params.ts";
import { renderCatch } from "./catch_render.ts";

const f = Math.fround;

const DT = f(P.dt);
const GDT = f(P.gravity * P.dt);
const REACH = f(P.paddleHalfWidth + P.ballRadius);
const PX_MAX = f(1 - P.paddleHalfWidth);
const ACC_DT = f(P.paddleAccel * P.dt);
const VMAX = f(P.paddleMaxSpeed);
const WALL = f(1 - P.ballRadius);
const WALL2 = f(2 * (1 - P.ballRadius));
const SPAN = f(2 * (1 - P.ballRadius));
const INV_SPAN2 = f(1 / (4 * (1 - P.ballRadius)));
// Discrete fall: after n steps y = y0 + n·vy·dt − a·n(n+1), a = g·dt²/2.
const FALL_A = f(0.5 * P.gravity * P.dt * P.dt);
const INV_2A = f(1 / (P.gravity * P.dt * P.dt));
const OFFSET = f(P.catchOffset * P.paddleHalfWidth);
const IDLE = f(P.idleX);
const KP = f(P.kp);
const BRAKE2 = f(2 * P.brake);
const KV = f(P.kv);

function clip(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function reset(state: Float32Array, opts: EpisodeKey): void {
  const { seed, env, episode } = opts;
  const c = episode * 1024;
  state.fill(0);
  let release = Math.floor(f(uniform(seed, env, c, 0) * P.firstRelease));
  for (let i = 0; i < P.balls; i++) {
    const b = 2 + i * CATCH_BALL_STRIDE;
    const u = (lane: number) => uniform(seed, env, c + 1 + i, lane);
    state[b] = f(f(u(0) * f(1.8)) - f(0.9));
    state[b + 1] = f(P.releaseHeight);
    state[b + 2] = f(f(f(u(1) * 2) - 1) * f(P.maxReleaseVx));
    state[b + 3] = f(f(f(u(2) * 2) - 1) * f(P.maxReleaseVy));
    state[b + 4] = 0;
    state[b + 5] = release;
    release += P.minGap + Math.floor(f(u(3) * P.extraGap));
  }
}

function step(state: Float32Array, action: Float32Array, out: Float32Array) {
  const a = clip(action[0] ?? 0, -1, 1);
  // PADDLE: acceleration control with a speed limit, stopped by the walls.
  let pv = clip(f(state[1]! + f(ACC_DT * a)), -VMAX, VMAX);
  let px = f(state[0]! + f(pv * DT));
  if (Math.abs(px) > PX_MAX) {
    px = clip(px, -PX_MAX, PX_MAX);
    pv = 0;
  }
  state[0] = px;
  state[1] = pv;
  const t = f(state[CATCH_T]! + 1);
  state[CATCH_T] = t;
  // BALLS: release, fall, bounce off the walls, caught or missed at y = 0.
  let reward = 0, missed = false, caught = 0;
  for (let i = 0; i < P.balls; i++) {
    const b = 2 + i * CATCH_BALL_STRIDE;
    const status = state[b + 4]!;
    if (status === 0) {
      if (t > state[b + 5]!) state[b + 4] = 1;
    } else if (status === 1) {
      let x = state[b]!, vx = state[b + 2]!;
      const vy = f(state[b + 3]! - GDT);
      x = f(x + f(vx * DT));
      const y = f(state[b + 1]! + f(vy * DT));
      if (x > WALL) {
        x = f(WALL2 - x);
        vx = -vx;
      } else if (x < -WALL) {
        x = f(-WALL2 - x);
        vx = -vx;
      }
      state[b] = x;
      state[b + 1] = y;
      state[b + 2] = vx;
      state[b + 3] = vy;
      if (y <= 0) {
        if (Math.abs(f(x - px)) <= REACH) {
          state[b + 4] = 2;
          reward += 1;
        } else {
          missed = true;
        }
      }
    }
    if (state[b + 4] === 2) caught++;
  }
  let done = 0, solved = 0;
  if (missed) {
    done = 1;
    reward -= 1;
  } else if (caught === P.balls) {
    done = 1;
    solved = 1;
  } else if (t >= P.maxTimesteps) {
    done = 1;
  }
  out[0] = reward;
  out[1] = done;
  out[2] = solved;
}

function observe(state: Float32Array, obs: Float32Array): void {
  obs[0] = state[0]!;
  obs[1] = state[1]!;
  for (let i = 0; i < P.balls; i++) {
    const b = 2 + i * CATCH_BALL_STRIDE, o = 2 + i * CATCH_BALL_OBS;
    const on = state[b + 4] === 1;
    for (let k = 0; k < 4; k++) obs[o + k] = on ? state[b + k]! : 0;
    obs[o + 4] = on ? 1 : 0;
    const [x, n] = on ? predictCatchLanding(state.subarray(b, b + 4)) : [0, 0];
    obs[o + 5] = x;
    obs[o + 6] = f(n * DT);
  }
}

/**
 * The expert's mode for an episode: +1 (catch with the left half of the
 * paddle, wait right of centre) or -1 (mirrored), from
 * `uniform(seed, env, episode * 1024 + 1000)`.
 *
 * @param opts The episode key.
 * @returns -1 or 1.
 *
 * @example
 * ```ts
 * import { catchMode } from "./catch_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.equal(Math.abs(catchMode({ seed: 0, env: 3, episode: 1 })), 1);
 * ```
 */
export function catchMode(opts: EpisodeKey): number {
  const c = opts.episode * 1024 + P.modeDraw;
  return uniform(opts.seed, opts.env, c, 0) < 0.5 ? -1 : 1;
}

/**
 * Where a falling ball crosses y = 0 (walls folded in) and after how many
 * steps, from the discrete dynamics of the step.
 *
 * @param ball `[x, y, vx, vy]` of a falling ball.
 * @returns `[x, steps]` (fractional steps; the crossing is at `ceil(steps)`).
 *
 * @example
 * ```ts
 * import { predictCatchLanding } from "./catch_cpu.ts";
 * import assert from "node:assert/strict";
 * const [x, n] = predictCatchLanding([0, 1, 0, 0]);
 * assert.equal(x, 0);
 * assert.ok(n > 19 && n < 20);
 * ```
 */
export function predictCatchLanding(ball: ArrayLike<number>): [number, number] {
  const x = ball[0]!, y = ball[1]!, vx = ball[2]!, vy = ball[3]!;
  const b = f(FALL_A - f(vy * DT));
  const disc = f(f(b * b) + f(f(4 * FALL_A) * Math.max(y, 0)));
  const n = f(f(Math.fround(Math.sqrt(disc)) - b) * INV_2A);
  // Fold the free flight into [-WALL, WALL] (period 2 · SPAN).
  const free = f(f(x + WALL) + f(f(vx * DT) * f(n + 0.5)));
  let u = f(free - f(f(2 * SPAN) * Math.floor(f(free * INV_SPAN2))));
  if (u > SPAN) u = f(f(2 * SPAN) - u);
  return [f(u - WALL), n];
}

function expert(state: Float32Array, action: Float32Array, opts: EpisodeKey) {
  const m = catchMode(opts);
  let target = f(m * IDLE);
  let soonest = Infinity;
  for (let i = 0; i < P.balls; i++) {
    const b = 2 + i * CATCH_BALL_STRIDE;
    if (state[b + 4] !== 1) continue;
    const [x, n] = predictCatchLanding(state.subarray(b, b + 4));
    if (n < soonest) {
      soonest = n;
      target = f(x + f(m * OFFSET));
    }
  }
  target = clip(target, -PX_MAX, PX_MAX);
  // Commanded speed: linear near the target, a braking curve further out.
  const e = f(target - state[0]!), ae = Math.abs(e);
  const speed = Math.min(f(KP * ae), f(Math.sqrt(f(BRAKE2 * ae))));
  const v = e < 0 ? -speed : speed;
  action[0] = clip(f(KV * f(v - state[1]!)), -1, 1);
}

/**
 * The catch CPU twin (see `catch.ts` for the task documentation).
 *
 * @example
 * ```ts
 * import { CATCH_CPU } from "./catch_cpu.ts";
 * import { CATCH_T } from "./catch_params.ts";
 * import assert from "node:assert/strict";
 * const s = new Float32Array(CATCH_CPU.spec.stateDim);
 * CATCH_CPU.reset(s, { seed: 1, env: 0, episode: 0 });
 * CATCH_CPU.step(s, new Float32Array([0.5]), new Float32Array(3));
 * assert.equal(s[CATCH_T], 1);
 * ```
 */
export const CATCH_CPU: TaskCpu = {
  spec: CATCH_SPEC,
  reset,
  step,
  observe,
  expert,
  render(state, opts): RgbaImage {
    return renderCatch(state, opts);
  },
};
