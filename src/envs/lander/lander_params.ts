/**
 * Parameters of the lander task, shared by the CPU twin, the WGSL twin
 * (its generated header and f32 literals) and the renderer. Units: metres
 * (arena half-width 1), seconds, radians.
 *
 * @module
 */
import type { TaskSpec } from "../types.ts";

/**
 * Parameters of `lander` (the type of {@linkcode LANDER_PARAMS}).
 *
 * @example
 * ```ts
 * import type { LanderParams } from "./lander_params.ts";
 * const seconds = (p: LanderParams): number => p.maxTimesteps * p.dt;
 * ```
 */
export type LanderParams = Readonly<{
  /** Integration step (s). */
  dt: number;
  /** Gravity (m/s^2). */
  gravity: number;
  /** Main engine acceleration at full throttle (m/s^2). */
  mainAccel: number;
  /** Lateral acceleration of the side thruster at |side| = 1 (m/s^2, body frame). */
  sideAccel: number;
  /** Angular acceleration of the side thruster at |side| = 1 (rad/s^2). */
  sideTorque: number;
  /** Tipping gain: the attitude is top-heavy, `dω/dt += tipGain · sin θ` (1/s^2). */
  tipGain: number;
  /** Arena half-width: |x| > this leaves the area (m). */
  halfWidth: number;
  /** Ceiling: y > this leaves the area (m). */
  ceiling: number;
  /** Pad half-width (m). */
  padHalfWidth: number;
  /** Softest allowed touchdown: vertical speed must be at most this (m/s). */
  maxLandingSpeed: number;
  /** Largest allowed horizontal speed at touchdown (m/s). */
  maxLandingDrift: number;
  /** Largest allowed tilt at touchdown (rad). */
  maxLandingTilt: number;
  /** Tilt beyond which the lander has tumbled and the episode fails (rad). */
  maxTilt: number;
  /** Episode length cap (steps). */
  maxTimesteps: number;
  /** Expert: horizontal offset of the approach corridor above the pad (m). */
  approachOffset: number;
  /** Expert: horizontal position gain, position error to commanded speed (1/s). */
  kpX: number;
  /** Expert: largest commanded horizontal speed (m/s). */
  maxCmdVx: number;
  /** Expert: horizontal speed gain, speed error to commanded acceleration (1/s). */
  kvX: number;
  /** Expert: largest commanded tilt (rad). */
  maxCmdTilt: number;
  /** Expert: attitude proportional gain (1/s^2). */
  kpTheta: number;
  /** Expert: attitude derivative gain (1/s). */
  kdTheta: number;
  /** Expert: vertical speed gain (1/s). */
  kvY: number;
  /** Expert: RNG draw index (k in `episode * 1024 + k`) of the approach side. */
  modeDraw: number;
}>;

/**
 * Lander constants. Every float is used as its float32 rounding.
 *
 * @example
 * ```ts
 * import { LANDER_PARAMS } from "./lander_params.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Object.isFrozen(LANDER_PARAMS));
 * assert.equal(LANDER_PARAMS.maxTimesteps, 250);
 * ```
 */
export const LANDER_PARAMS: LanderParams = Object.freeze({
  /** Integration step (s). */
  dt: 0.05,
  /** Gravity (m/s^2). */
  gravity: 1.0,
  /** Main engine acceleration at full throttle (m/s^2). */
  mainAccel: 2.0,
  /** Lateral acceleration of the side thruster at |side| = 1 (m/s^2, body frame). */
  sideAccel: 0.25,
  /** Angular acceleration of the side thruster at |side| = 1 (rad/s^2). */
  sideTorque: 14.0,
  /** Tipping gain: the attitude is top-heavy, `dω/dt += tipGain · sin θ` (1/s^2). */
  tipGain: 3.0,
  /** Arena half-width: |x| > this leaves the area (m). */
  halfWidth: 1.0,
  /** Ceiling: y > this leaves the area (m). */
  ceiling: 1.6,
  /** Pad half-width (m). */
  padHalfWidth: 0.15,
  /** Softest allowed touchdown: vertical speed must be at most this (m/s). */
  maxLandingSpeed: 0.4,
  /** Largest allowed horizontal speed at touchdown (m/s). */
  maxLandingDrift: 0.3,
  /** Largest allowed tilt at touchdown (rad). */
  maxLandingTilt: 0.2,
  /** Tilt beyond which the lander has tumbled and the episode fails (rad). */
  maxTilt: 1.5,
  /** Episode length cap (steps). */
  maxTimesteps: 250,
  // Expert (cascaded PD) gains.
  /** Expert: horizontal offset of the approach corridor above the pad (m). */
  approachOffset: 0.3,
  /** Expert: horizontal position gain, position error to commanded speed (1/s). */
  kpX: 1.0,
  /** Expert: largest commanded horizontal speed (m/s). */
  maxCmdVx: 0.45,
  /** Expert: horizontal speed gain, speed error to commanded acceleration (1/s). */
  kvX: 2.0,
  /** Expert: largest commanded tilt (rad). */
  maxCmdTilt: 0.35,
  /** Expert: attitude proportional gain (1/s^2). */
  kpTheta: 20.0,
  /** Expert: attitude derivative gain (1/s). */
  kdTheta: 7.0,
  /** Expert: vertical speed gain (1/s). */
  kvY: 4.0,
  /** Expert: RNG draw index (k in `episode * 1024 + k`) of the approach side. */
  modeDraw: 1000,
});

/**
 * Lander sizes: observation 8, action 2 (main throttle, side thrust), state
 * 8 (`[x, y, vx, vy, θ, ω, padX, t]`).
 *
 * @example
 * ```ts
 * import { LANDER_SPEC } from "./lander_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(LANDER_SPEC.actionDim, 2);
 * ```
 */
export const LANDER_SPEC: TaskSpec = Object.freeze({
  name: "lander",
  obsDim: 8,
  actionDim: 2,
  stateDim: 8,
  maxTimesteps: LANDER_PARAMS.maxTimesteps,
});
