/**
 * CPU twin of `cartpole_swingup` (the reference for
 * `cartpole_swingup_wgsl.ts`; the semantics are documented in
 * `cartpole_swingup.ts`). Every operation is rounded with `Math.fround`, in
 * the same order as the WGSL.
 *
 * @module
 */

import { uniform } from "../../rng/rng.ts";
import type { EpisodeKey, RgbaImage, TaskCpu } from "../types.ts";
import {
  CARTPOLE_SWINGUP_PARAMS as P,
  CARTPOLE_SWINGUP_SPEC,
} from "./cartpole_swingup_params.ts";
import { renderCartpole } from "./cartpole_swingup_render.ts";

const f = Math.fround;

const CARTPOLE_DT = f(P.dt);
const CARTPOLE_SUBSTEPS = P.substeps;
const CARTPOLE_FORCE = f(P.force);
const CARTPOLE_GRAVITY = f(P.gravity);
const CARTPOLE_CART_MASS = f(P.cartMass);
const CARTPOLE_POLE_MASS = f(P.poleMass);
const CARTPOLE_HALF_LENGTH = f(P.halfLength);
const CARTPOLE_TRACK = f(P.track);
const CARTPOLE_UPRIGHT = f(P.upright);
const CARTPOLE_HOLD = P.hold;
const CARTPOLE_KICK_STEPS = P.kickSteps;
const CARTPOLE_CATCH = f(P.catch);
const CARTPOLE_ENERGY_GAIN = f(P.energyGain);
const CARTPOLE_PUMP_MAX = f(P.pumpMax);
const CARTPOLE_CENTER_GAINS = [f(P.centerGainX), f(P.centerGainV)] as const;
const CARTPOLE_LQR = [
  f(P.lqrX),
  f(P.lqrXdot),
  f(P.lqrTheta),
  f(P.lqrThetadot),
] as const;
const CARTPOLE_MODE_DRAW = P.modeDraw;

const PI = f(Math.PI);
const TWO_PI = f(2 * Math.PI);
const TOTAL_MASS = f(CARTPOLE_CART_MASS + CARTPOLE_POLE_MASS);
const POLE_ML = f(CARTPOLE_POLE_MASS * CARTPOLE_HALF_LENGTH);
/** omega0^2 = 3 g / (4 l): the pendulum's natural frequency squared about a fixed pivot. */
const OMEGA0_SQ = f(
  f(f(3) * CARTPOLE_GRAVITY) / f(f(4) * CARTPOLE_HALF_LENGTH),
);

function clip1(x: number): number {
  return Math.min(1, Math.max(-1, x));
}

/**
 * Wraps an angle to [-pi, pi) in float32 (as the WGSL twin does).
 *
 * @param theta Angle in radians.
 * @returns The wrapped angle.
 *
 * @example
 * ```ts
 * import { wrapAngle } from "./cartpole_swingup_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Math.abs(wrapAngle(2 * Math.PI + 0.1) - 0.1) < 1e-5);
 * ```
 */
export function wrapAngle(theta: number): number {
  const k = Math.floor(f(f(theta + PI) / TWO_PI));
  return f(theta - f(k * TWO_PI));
}

/**
 * The expert's swing direction for an episode: -1 or +1.
 *
 * @param key Seed, environment and episode.
 * @returns -1 or +1.
 *
 * @example
 * ```ts
 * import { cartpoleDirection } from "./cartpole_swingup_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.ok([-1, 1].includes(cartpoleDirection({ seed: 0, env: 1, episode: 0 })));
 * ```
 */
export function cartpoleDirection(key: EpisodeKey): number {
  const u = uniform(
    key.seed,
    key.env,
    (key.episode * 1024 + CARTPOLE_MODE_DRAW) >>> 0,
  );
  return u < 0.5 ? -1 : 1;
}

function reset(state: Float32Array, key: EpisodeKey): void {
  const c = (key.episode * 1024) >>> 0;
  state[0] = f(f(uniform(key.seed, key.env, c, 0) * f(0.4)) - f(0.2));
  state[1] = 0;
  state[2] = f(PI + f(f(uniform(key.seed, key.env, c, 1) * f(0.1)) - f(0.05)));
  state[3] = f(f(uniform(key.seed, key.env, c, 2) * f(0.1)) - f(0.05));
  state[4] = 0;
  state[5] = 0;
}

function step(
  state: Float32Array,
  action: Float32Array,
  out: Float32Array,
): void {
  const force = f(clip1(action[0]!) * CARTPOLE_FORCE);
  const h = f(CARTPOLE_DT / CARTPOLE_SUBSTEPS);
  let x = state[0]!;
  let xd = state[1]!;
  let th = state[2]!;
  let thd = state[3]!;
  for (let i = 0; i < CARTPOLE_SUBSTEPS; i++) {
    const s = f(Math.sin(th));
    const c = f(Math.cos(th));
    const temp = f(f(force + f(f(POLE_ML * f(thd * thd)) * s)) / TOTAL_MASS);
    const den = f(
      CARTPOLE_HALF_LENGTH *
        f(f(4 / 3) - f(f(CARTPOLE_POLE_MASS * f(c * c)) / TOTAL_MASS)),
    );
    const thacc = f(f(f(CARTPOLE_GRAVITY * s) - f(c * temp)) / den);
    const xacc = f(temp - f(f(f(POLE_ML * thacc) * c) / TOTAL_MASS));
    xd = f(xd + f(h * xacc));
    x = f(x + f(h * xd));
    thd = f(thd + f(h * thacc));
    th = f(th + f(h * thd));
  }
  const t = f(state[4]! + 1);
  const upright = Math.abs(wrapAngle(th)) < CARTPOLE_UPRIGHT;
  const hold = upright ? f(state[5]! + 1) : 0;
  state[0] = x;
  state[1] = xd;
  state[2] = th;
  state[3] = thd;
  state[4] = t;
  state[5] = hold;
  if (Math.abs(x) > CARTPOLE_TRACK) {
    out[0] = -1;
    out[1] = 1;
    out[2] = 0;
  } else if (hold >= CARTPOLE_HOLD) {
    out[0] = 1;
    out[1] = 1;
    out[2] = 1;
  } else {
    out[0] = 0;
    out[1] = t >= CARTPOLE_SWINGUP_SPEC.maxTimesteps ? 1 : 0;
    out[2] = 0;
  }
}

function observe(state: Float32Array, obs: Float32Array): void {
  obs[0] = state[0]!;
  obs[1] = state[1]!;
  obs[2] = f(Math.sin(state[2]!));
  obs[3] = f(Math.cos(state[2]!));
  obs[4] = state[3]!;
  obs[5] = f(state[4]! / CARTPOLE_SWINGUP_SPEC.maxTimesteps);
}

function expert(
  state: Float32Array,
  action: Float32Array,
  key: EpisodeKey,
): void {
  const x = state[0]!;
  const xd = state[1]!;
  const thd = state[3]!;
  const th = wrapAngle(state[2]!);
  let u: number;
  if (state[4]! < CARTPOLE_KICK_STEPS) {
    u = f(cartpoleDirection(key) * CARTPOLE_PUMP_MAX);
  } else if (Math.abs(th) < CARTPOLE_CATCH) {
    const k = CARTPOLE_LQR;
    u = f(
      -f(
        f(f(f(k[0] * x) + f(k[1] * xd)) + f(k[2] * th)) + f(k[3] * thd),
      ),
    );
  } else {
    const c = f(Math.cos(th));
    const energy = f(f(f(f(0.5) * f(thd * thd)) / OMEGA0_SQ) + f(c - 1));
    const pump = Math.min(
      CARTPOLE_PUMP_MAX,
      Math.max(
        -CARTPOLE_PUMP_MAX,
        f(f(CARTPOLE_ENERGY_GAIN * f(-energy)) * f(-f(thd * c))),
      ),
    );
    const centre = f(
      f(CARTPOLE_CENTER_GAINS[0] * x) + f(CARTPOLE_CENTER_GAINS[1] * xd),
    );
    u = f(pump - centre);
  }
  action[0] = clip1(u);
}

/**
 * CPU twin of `cartpole_swingup` (see the module doc for the semantics).
 *
 * @example
 * ```ts
 * import { CARTPOLE_SWINGUP_CPU } from "./cartpole_swingup_cpu.ts";
 * import assert from "node:assert/strict";
 * const s = new Float32Array(6);
 * CARTPOLE_SWINGUP_CPU.reset(s, { seed: 1, env: 0, episode: 0 });
 * assert.ok(Math.abs(s[2]! - Math.PI) < 0.06);
 * ```
 */
export const CARTPOLE_SWINGUP_CPU: TaskCpu = {
  spec: CARTPOLE_SWINGUP_SPEC,
  reset,
  step,
  observe,
  expert,
  render(
    state: Float32Array,
    opts?: { width?: number; height?: number },
  ): RgbaImage {
    return renderCartpole(state, opts);
  },
};
