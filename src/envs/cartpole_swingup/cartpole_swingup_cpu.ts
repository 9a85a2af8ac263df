/**
 * `cartpole_swingup`: swing a pole up from hanging and balance it upright on a
 * cart that must stay on a finite track.
 *
 * - **State** (`stateDim` 6): `[x, xdot, theta, thetadot, t, hold]`; theta = 0
 *   is upright, theta = pi hanging, not wrapped (the checks and the
 *   observation use sin/cos or the wrapped angle); `hold` counts consecutive
 *   upright steps.
 * - **Observation** (`obsDim` 6): `[x, xdot, sin(theta), cos(theta), thetadot,
 *   t / maxTimesteps]`.
 * - **Action** (`actionDim` 1): force in [-1, 1] (clipped) times
 *   {@linkcode CARTPOLE_FORCE} newtons on the cart.
 * - **Dynamics**: the classic cart-pole (Barto et al. 1983; cart 1 kg, pole
 *   0.1 kg, half-length 1 m, g = 9.8) integrated with
 *   {@linkcode CARTPOLE_SUBSTEPS} semi-implicit Euler substeps per control
 *   period {@linkcode CARTPOLE_DT}. The upright pole's unstable time constant
 *   is about 0.36 s (growth rate 2.8 / s), so a few control steps of delay
 *   matter: balancing on actions computed 4 steps ago fails, and so does
 *   executing open-loop action chunks for 6-8 steps under action noise.
 * - **Reset**: `x = U(-0.2, 0.2)`, `theta = pi + U(-0.05, 0.05)`,
 *   `thetadot = U(-0.05, 0.05)`, `xdot = 0`, from `uniform(seed, env,
 *   episode * 1024, lane 0..2)`.
 * - **Termination / reward / solved** (after the move): the cart leaves the
 *   track (|x| > {@linkcode CARTPOLE_TRACK}): done, reward -1, not solved;
 *   the pole is upright (|wrapped theta| < {@linkcode CARTPOLE_UPRIGHT})
 *   for {@linkcode CARTPOLE_HOLD} consecutive steps: done, reward +1, solved;
 *   otherwise done with reward 0 when `t` reaches `maxTimesteps` (200).
 * - **Expert**: direction `uniform(seed, env, episode * 1024 + 512) < 0.5 ?
 *   -1 : +1`. For the first {@linkcode CARTPOLE_KICK_STEPS} steps it pushes
 *   the cart that way (which picks the swing direction), then pumps energy
 *   (Astrom-Furuta: force ~ (E_target - E) * -thetadot * cos(theta), with a
 *   weak cart-centring term) and, once |wrapped theta| <
 *   {@linkcode CARTPOLE_CATCH}, balances with a discrete LQR gain.
 *
 * @module
 */

import { uniform } from "../../rng/rng.ts";
import type { EpisodeKey, RgbaImage, TaskCpu, TaskSpec } from "../types.ts";
import { renderCartpole } from "./cartpole_swingup_render.ts";

const f = Math.fround;

/** Task spec of `cartpole_swingup`. */
export const CARTPOLE_SWINGUP_SPEC: TaskSpec = Object.freeze({
  name: "cartpole_swingup",
  obsDim: 6,
  actionDim: 1,
  stateDim: 6,
  maxTimesteps: 200,
});

/** Control period in seconds. */
export const CARTPOLE_DT: number = f(0.05);
/** Integration substeps per control period. */
export const CARTPOLE_SUBSTEPS = 2;
/** Force at |action| = 1 (N). */
export const CARTPOLE_FORCE: number = f(10);
/** Gravity. */
export const CARTPOLE_GRAVITY: number = f(9.8);
/** Cart mass (kg). */
export const CARTPOLE_CART_MASS: number = f(1);
/** Pole mass (kg). */
export const CARTPOLE_POLE_MASS: number = f(0.1);
/** Pole half-length (m). */
export const CARTPOLE_HALF_LENGTH: number = f(1);
/** Track half-length: |x| beyond it terminates. */
export const CARTPOLE_TRACK: number = f(2.4);
/** Upright tolerance (rad) for the solve condition. */
export const CARTPOLE_UPRIGHT: number = f(0.2);
/** Consecutive upright steps that solve the task. */
export const CARTPOLE_HOLD = 40;
/** Expert: steps of the initial push. */
export const CARTPOLE_KICK_STEPS = 4;
/** Expert: |wrapped theta| below which LQR balances. */
export const CARTPOLE_CATCH: number = f(0.4);
/** Expert: energy-pumping gain. */
export const CARTPOLE_ENERGY_GAIN: number = f(4);
/** Expert: largest |action| while pumping energy (and during the push). */
export const CARTPOLE_PUMP_MAX: number = f(0.5);
/** Expert: cart-centring gains during the swing (position, velocity). */
export const CARTPOLE_CENTER_GAINS: readonly [number, number] = [
  f(0.2),
  f(0.2),
];
/** Expert: LQR gain on `[x, xdot, theta, thetadot]` (u = -K s), discrete LQR of the linearisation at DT (zero-order hold, action units) with `Q = diag(1, 0.1, 10, 0.1)`, `R = 1`. */
export const CARTPOLE_LQR: readonly [number, number, number, number] = [
  f(-0.7434),
  f(-1.048),
  f(-7.9529),
  f(-2.7855),
];
/** RNG draw index of the expert's direction. */
export const CARTPOLE_MODE_DRAW = 512;

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
