/**
 * Physical constants of the catch task, shared by the CPU twin, the WGSL
 * twin (interpolated as f32 literals) and the renderer. Units: metres
 * (arena x ∈ [-1, 1], paddle top at y = 0), seconds.
 *
 * @module
 */

/**
 * Catch constants. Every value is used as its float32 rounding.
 *
 * @example
 * ```ts
 * import { CATCH_PARAMS } from "./catch_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CATCH_PARAMS.balls, 3);
 * ```
 */
export const CATCH_PARAMS = {
  /** Integration step (s). */
  dt: 0.05,
  /** Number of balls per episode. */
  balls: 3,
  /** Gravity on the balls (m/s^2). */
  gravity: 2.0,
  /** Release height of the balls (m). */
  releaseHeight: 1.0,
  /** Largest horizontal release speed (m/s); uniform in [-this, this]. */
  maxReleaseVx: 1.2,
  /** Largest vertical release speed (m/s); uniform in [-this, this]. */
  maxReleaseVy: 0.2,
  /** Release step of the first ball: uniform integer in [0, this). */
  firstRelease: 4,
  /** Smallest gap between consecutive releases (steps). */
  minGap: 16,
  /** Random extra gap: uniform integer in [0, this). */
  extraGap: 8,
  /** Ball radius (m); balls bounce off the walls at |x| = 1. */
  ballRadius: 0.03,
  /** Paddle half-width (m). */
  paddleHalfWidth: 0.1,
  /** Paddle acceleration at |action| = 1 (m/s^2). */
  paddleAccel: 12.0,
  /** Paddle speed limit (m/s). */
  paddleMaxSpeed: 3.0,
  /** Episode length cap (steps). */
  maxTimesteps: 100,
  // Expert: a braking-curve speed profile tracked by a speed loop.
  /** Expert: position gain, distance to commanded speed near the target (1/s). */
  kp: 6.0,
  /** Expert: braking deceleration of the commanded speed profile (m/s^2). */
  brake: 8.0,
  /** Expert: speed gain, speed error to action (s/m). */
  kv: 0.6,
  /** Expert: catch offset from the paddle centre, as a fraction of the half-width. */
  catchOffset: 0.5,
  /** Expert: waiting position when no ball is falling (m, times the mode sign). */
  idleX: 0.15,
} as const;
