/**
 * CPU twin of the lander task (the reference for `lander_wgsl.ts`). Every
 * arithmetic operation is rounded with `Math.fround`, in the same order as
 * the WGSL, and sine/cosine are the same odd/even polynomials on both sides,
 * so the two twins agree to float32 rounding.
 *
 * State layout (`stateDim` 8): `[x, y, vx, vy, θ, ω, padX, t]`.
 *
 * @module
 */

import { uniform } from "../../rng/rng.ts";
import type { EpisodeKey, RgbaImage, TaskCpu } from "../types.ts";
import { LANDER_PARAMS as P, LANDER_SPEC } from "./lander_params.ts";
import { renderLander } from "./lander_render.ts";

const f = Math.fround;

const DT = f(P.dt);
const G = f(P.gravity);
const INV_G = f(1 / P.gravity);
const MAIN = f(P.mainAccel);
const INV_MAIN = f(1 / P.mainAccel);
const SIDE = f(P.sideAccel);
const TORQUE = f(P.sideTorque);
const INV_TORQUE = f(1 / P.sideTorque);
const TIP = f(P.tipGain);
const OFFSET = f(P.approachOffset);
const KP_X = f(P.kpX);
const MAX_VX = f(P.maxCmdVx);
const KV_X = f(P.kvX);
const MAX_AX = f(P.maxCmdTilt * P.gravity);
const MAX_TILT = f(P.maxCmdTilt);
const KP_TH = f(P.kpTheta);
const KD_TH = f(P.kdTheta);
const KV_Y = f(P.kvY);

function clip(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Float32 sine polynomial (Taylor to x^9 on the argument clamped to
 * [-2, 2]; error below 1e-5 on |x| ≤ 1.6), identical to the WGSL `lander_sin`.
 *
 * @param x Angle in radians.
 * @returns sin(x) to ~1e-5 for |x| ≤ 1.6.
 *
 * @example
 * ```ts
 * import { landerSin } from "./lander_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(landerSin(0.5) - Math.sin(0.5)) < 1e-6);
 * ```
 */
export function landerSin(x: number): number {
  const c = clip(x, -2, 2);
  const c2 = f(c * c);
  let p = f(f(c2 * f(1 / 362880)) + f(-1 / 5040));
  p = f(f(c2 * p) + f(1 / 120));
  p = f(f(c2 * p) + f(-1 / 6));
  p = f(f(c2 * p) + 1);
  return f(c * p);
}

/**
 * Float32 cosine polynomial (Taylor to x^10 on the argument clamped to
 * [-2, 2]), identical to the WGSL `lander_cos`.
 *
 * @param x Angle in radians.
 * @returns cos(x) to ~1e-5 for |x| ≤ 1.6.
 *
 * @example
 * ```ts
 * import { landerCos } from "./lander_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(landerCos(0.5) - Math.cos(0.5)) < 1e-6);
 * ```
 */
export function landerCos(x: number): number {
  const c = clip(x, -2, 2);
  const c2 = f(c * c);
  let p = f(f(c2 * f(-1 / 3628800)) + f(1 / 40320));
  p = f(f(c2 * p) + f(-1 / 720));
  p = f(f(c2 * p) + f(1 / 24));
  p = f(f(c2 * p) + -0.5);
  return f(f(c2 * p) + 1);
}

function reset(state: Float32Array, opts: EpisodeKey): void {
  const { seed, env, episode } = opts;
  const c = episode * 1024;
  const u = (k: number, lane: number) => uniform(seed, env, c + k, lane);
  state[0] = f(f(u(0, 0) * f(1.4)) - f(0.7)); // x
  state[1] = f(f(u(0, 1) * f(0.2)) + 1); // y
  state[2] = f(f(u(0, 2) * f(0.6)) - f(0.3)); // vx
  state[3] = f(u(0, 3) * f(-0.2)); // vy
  state[4] = f(f(u(1, 0) * f(0.3)) - f(0.15)); // theta
  state[5] = f(f(u(1, 1) * f(0.6)) - f(0.3)); // omega
  state[6] = f(f(u(1, 2) * f(1.4)) - f(0.7)); // pad x
  state[7] = 0; // t
}

function step(state: Float32Array, action: Float32Array, out: Float32Array) {
  const main = clip(action[0] ?? 0, -1, 1);
  const side = clip(action[1] ?? 0, -1, 1);
  let x = state[0]!, y = state[1]!, vx = state[2]!, vy = state[3]!;
  let th = state[4]!, om = state[5]!;
  const pad = state[6]!;
  const t = f(state[7]! + 1);
  const thrust = f(MAIN * f(f(main + 1) * 0.5));
  const lateral = f(SIDE * side);
  const sn = landerSin(th), cs = landerCos(th);
  const ax = f(f(cs * lateral) - f(sn * thrust));
  const ay = f(f(f(cs * thrust) + f(sn * lateral)) - G);
  const alpha = f(f(TIP * sn) - f(TORQUE * side));
  vx = f(vx + f(ax * DT));
  vy = f(vy + f(ay * DT));
  om = f(om + f(alpha * DT));
  x = f(x + f(vx * DT));
  y = f(y + f(vy * DT));
  th = f(th + f(om * DT));
  state[0] = x;
  state[1] = y;
  state[2] = vx;
  state[3] = vy;
  state[4] = th;
  state[5] = om;
  state[7] = t;
  let done = 0, solved = 0, reward = 0;
  if (y <= 0) {
    done = 1;
    const soft = vy >= f(-P.maxLandingSpeed) &&
      Math.abs(vx) <= f(P.maxLandingDrift) &&
      Math.abs(th) <= f(P.maxLandingTilt) &&
      Math.abs(f(x - pad)) <= f(P.padHalfWidth);
    solved = soft ? 1 : 0;
    reward = soft ? 1 : -1;
  } else if (
    Math.abs(x) > f(P.halfWidth) || y > f(P.ceiling) ||
    Math.abs(th) > f(P.maxTilt)
  ) {
    done = 1;
    reward = -1;
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
  obs[2] = state[2]!;
  obs[3] = state[3]!;
  obs[4] = landerSin(state[4]!);
  obs[5] = landerCos(state[4]!);
  obs[6] = f(state[5]! * 0.25);
  obs[7] = f(state[6]! - state[0]!);
}

/**
 * The expert's approach side for an episode: -1 (from the left of the pad)
 * or +1 (from the right), from `uniform(seed, env, episode * 1024 + 1000)`.
 *
 * @param opts The episode key.
 * @returns -1 or 1.
 *
 * @example
 * ```ts
 * import { landerMode } from "./lander_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.equal(Math.abs(landerMode({ seed: 0, env: 3, episode: 1 })), 1);
 * ```
 */
export function landerMode(opts: EpisodeKey): number {
  const c = opts.episode * 1024 + P.modeDraw;
  return uniform(opts.seed, opts.env, c, 0) < 0.5 ? -1 : 1;
}

function expert(state: Float32Array, action: Float32Array, opts: EpisodeKey) {
  const x = state[0]!, y = state[1]!, vx = state[2]!, vy = state[3]!;
  const th = state[4]!, om = state[5]!, pad = state[6]!;
  // The corridor flips to the inner side when it would leave the arena.
  let m = landerMode(opts);
  if (Math.abs(f(pad + f(m * OFFSET))) > f(0.7)) m = -m;
  // HORIZONTAL: approach corridor beside the pad, closing in as we descend.
  const h = clip(f(f(y - f(0.15)) * 2.5), 0, 1);
  const xt = f(pad + f(f(m * OFFSET) * h));
  const vxd = clip(f(KP_X * f(xt - x)), -MAX_VX, MAX_VX);
  const axd = clip(f(KV_X * f(vxd - vx)), -MAX_AX, MAX_AX);
  // ATTITUDE: tilt toward the commanded acceleration, cancel the tipping.
  const level = clip(f(y * 6), 0, 1); // level out for the touchdown
  const thd = f(clip(f(-axd * INV_G), -MAX_TILT, MAX_TILT) * level);
  const alphad = f(f(-KP_TH * f(th - thd)) - f(KD_TH * om));
  const side = f(f(f(TIP * landerSin(th)) - alphad) * INV_TORQUE);
  // VERTICAL: descend proportionally to height; hold altitude off the pad.
  let vyd = f(-f(f(0.12) + f(0.5 * Math.max(f(y - f(0.1)), 0))));
  if (y < f(0.6) && Math.abs(f(x - xt)) > f(0.15)) {
    vyd = f(0.5 * f(f(0.6) - y)); // reach the corridor before descending
  }
  if (y < f(0.3) && Math.abs(f(x - pad)) > f(0.1)) {
    vyd = f(0.5 * f(f(0.3) - y));
  }
  const ayd = f(KV_Y * f(vyd - vy));
  const cs = Math.max(landerCos(th), 0.5);
  const u = f(f(f(G + ayd) * INV_MAIN) / cs);
  action[0] = clip(f(f(2 * u) - 1), -1, 1);
  action[1] = clip(side, -1, 1);
}

function render(
  state: Float32Array,
  opts?: { width?: number; height?: number },
): RgbaImage {
  return renderLander(state, opts);
}

/**
 * The lander CPU twin (see `lander.ts` for the task documentation).
 *
 * @example
 * ```ts
 * import { LANDER_CPU } from "./lander_cpu.ts";
 * import assert from "node:assert/strict";
 * const s = new Float32Array(LANDER_CPU.spec.stateDim);
 * LANDER_CPU.reset(s, { seed: 1, env: 0, episode: 0 });
 * const out = new Float32Array(3);
 * LANDER_CPU.step(s, new Float32Array([0, 0]), out);
 * assert.equal(s[7], 1);
 * ```
 */
export const LANDER_CPU: TaskCpu = {
  spec: LANDER_SPEC,
  reset,
  step,
  observe,
  expert,
  render,
};
