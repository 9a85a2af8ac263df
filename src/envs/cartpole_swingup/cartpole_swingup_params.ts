/**
 * Parameters of `cartpole_swingup`, shared by the CPU twin, the WGSL twin
 * (as the generated header's `CP_*` constants) and the documentation. Units:
 * metres, kilograms, seconds, radians.
 *
 * @module
 */
import type { TaskSpec } from "../types.ts";

/**
 * Parameters of `cartpole_swingup` (the type of
 * {@linkcode CARTPOLE_SWINGUP_PARAMS}).
 *
 * @example
 * ```ts
 * import type { CartpoleSwingupParams } from "./cartpole_swingup_params.ts";
 * const seconds = (p: CartpoleSwingupParams): number => p.maxTimesteps * p.dt;
 * ```
 */
export type CartpoleSwingupParams = Readonly<{
  /** Control period (s). */
  dt: number;
  /** Integration substeps per control period. */
  substeps: number;
  /** Force at |action| = 1 (N). */
  force: number;
  /** Gravity (m/s^2). */
  gravity: number;
  /** Cart mass (kg). */
  cartMass: number;
  /** Pole mass (kg). */
  poleMass: number;
  /** Pole half-length (m). */
  halfLength: number;
  /** Track half-length: |x| beyond it terminates (m). */
  track: number;
  /** Upright tolerance (rad) of the solve condition. */
  upright: number;
  /** Consecutive upright steps that solve the task. */
  hold: number;
  /** Expert: steps of the initial push. */
  kickSteps: number;
  /** Expert: |wrapped theta| below which LQR balances (rad). */
  catch: number;
  /** Expert: energy-pumping gain. */
  energyGain: number;
  /** Expert: largest |action| while pumping energy (and during the push). */
  pumpMax: number;
  /** Expert: cart-centring gain on the position during the swing. */
  centerGainX: number;
  /** Expert: cart-centring gain on the velocity during the swing. */
  centerGainV: number;
  /** Expert: LQR gain on x (u = -K s; discrete LQR of the linearisation at dt, zero-order hold, action units, `Q = diag(1, 0.1, 10, 0.1)`, `R = 1`). */
  lqrX: number;
  /** Expert: LQR gain on xdot. */
  lqrXdot: number;
  /** Expert: LQR gain on theta. */
  lqrTheta: number;
  /** Expert: LQR gain on thetadot. */
  lqrThetadot: number;
  /** Expert: RNG draw index (k in `episode * 1024 + k`) of the direction. */
  modeDraw: number;
  /** Episode length cap (steps). */
  maxTimesteps: number;
}>;

/**
 * The `cartpole_swingup` parameters. Every float is used as its float32
 * rounding.
 *
 * @example
 * ```ts
 * import { CARTPOLE_SWINGUP_PARAMS } from "./cartpole_swingup_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CARTPOLE_SWINGUP_PARAMS.hold, 40);
 * assert.ok(Object.isFrozen(CARTPOLE_SWINGUP_PARAMS));
 * ```
 */
export const CARTPOLE_SWINGUP_PARAMS: CartpoleSwingupParams = Object.freeze({
  dt: 0.05,
  substeps: 2,
  force: 10,
  gravity: 9.8,
  cartMass: 1,
  poleMass: 0.1,
  halfLength: 1,
  track: 2.4,
  upright: 0.2,
  hold: 40,
  kickSteps: 4,
  catch: 0.4,
  energyGain: 4,
  pumpMax: 0.5,
  centerGainX: 0.2,
  centerGainV: 0.2,
  lqrX: -0.7434,
  lqrXdot: -1.048,
  lqrTheta: -7.9529,
  lqrThetadot: -2.7855,
  modeDraw: 512,
  maxTimesteps: 200,
});

/**
 * Sizes of `cartpole_swingup`: observation 6, action 1, state 6.
 *
 * @example
 * ```ts
 * import { CARTPOLE_SWINGUP_SPEC } from "./cartpole_swingup_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CARTPOLE_SWINGUP_SPEC.maxTimesteps, 200);
 * ```
 */
export const CARTPOLE_SWINGUP_SPEC: TaskSpec = Object.freeze({
  name: "cartpole_swingup",
  obsDim: 6,
  actionDim: 1,
  stateDim: 6,
  maxTimesteps: CARTPOLE_SWINGUP_PARAMS.maxTimesteps,
});
