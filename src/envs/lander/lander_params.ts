/**
 * Physical constants of the lander task, shared by the CPU twin, the WGSL
 * twin (interpolated as f32 literals) and the renderer. Units: metres
 * (arena half-width 1), seconds, radians.
 *
 * @module
 */

/**
 * Lander constants. Every value is used as its float32 rounding.
 *
 * @example
 * ```ts
 * import { LANDER_PARAMS } from "./lander_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(LANDER_PARAMS.maxTimesteps, 250);
 * ```
 */
export const LANDER_PARAMS = {
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
} as const;
