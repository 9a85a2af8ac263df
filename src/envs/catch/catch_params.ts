/**
 * Parameters of the catch task, shared by the CPU twin, the WGSL twin (its
 * generated header and f32 literals) and the renderer; the state and
 * observation layout follows from them. Units: metres
 * (arena x ∈ [-1, 1], paddle top at y = 0), seconds.
 *
 * @module
 */
import type { TaskSpec } from "../types.ts";

/**
 * Parameters of `catch` (the type of {@linkcode CATCH_PARAMS}).
 *
 * @example
 * ```ts
 * import type { CatchParams } from "./catch_params.ts";
 * const seconds = (p: CatchParams): number => p.maxTimesteps * p.dt;
 * ```
 */
export type CatchParams = Readonly<{
  /** Integration step (s). */
  dt: number;
  /** Number of balls per episode. */
  balls: number;
  /** Gravity on the balls (m/s^2). */
  gravity: number;
  /** Release height of the balls (m). */
  releaseHeight: number;
  /** Largest horizontal release speed (m/s); uniform in [-this, this]. */
  maxReleaseVx: number;
  /** Largest vertical release speed (m/s); uniform in [-this, this]. */
  maxReleaseVy: number;
  /** Release step of the first ball: uniform integer in [0, this). */
  firstRelease: number;
  /** Smallest gap between consecutive releases (steps). */
  minGap: number;
  /** Random extra gap: uniform integer in [0, this). */
  extraGap: number;
  /** Ball radius (m); balls bounce off the walls at |x| = 1. */
  ballRadius: number;
  /** Paddle half-width (m). */
  paddleHalfWidth: number;
  /** Paddle acceleration at |action| = 1 (m/s^2). */
  paddleAccel: number;
  /** Paddle speed limit (m/s). */
  paddleMaxSpeed: number;
  /** Episode length cap (steps). */
  maxTimesteps: number;
  /** Expert: position gain, distance to commanded speed near the target (1/s). */
  kp: number;
  /** Expert: braking deceleration of the commanded speed profile (m/s^2). */
  brake: number;
  /** Expert: speed gain, speed error to action (s/m). */
  kv: number;
  /** Expert: catch offset from the paddle centre, as a fraction of the half-width. */
  catchOffset: number;
  /** Expert: waiting position when no ball is falling (m, times the mode sign). */
  idleX: number;
  /** Expert: RNG draw index (k in `episode * 1024 + k`) of the catch side. */
  modeDraw: number;
}>;

/**
 * Catch constants. Every float is used as its float32 rounding.
 *
 * @example
 * ```ts
 * import { CATCH_PARAMS } from "./catch_params.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Object.isFrozen(CATCH_PARAMS));
 * assert.equal(CATCH_PARAMS.balls, 3);
 * ```
 */
export const CATCH_PARAMS: CatchParams = Object.freeze({
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
  /** Expert: RNG draw index (k in `episode * 1024 + k`) of the catch side. */
  modeDraw: 1000,
});

/**
 * Floats per ball in the state: `[x, y, vx, vy, status, releaseStep]`.
 *
 * @example
 * ```ts
 * import { CATCH_BALL_STRIDE } from "./catch_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CATCH_BALL_STRIDE, 6);
 * ```
 */
export const CATCH_BALL_STRIDE = 6;

/**
 * Observation floats per ball: `[x, y, vx, vy, falling, landX, landT]`
 * (zeros unless falling); `landX` is where the ball will cross the floor
 * (walls folded in) and `landT` the time until then in seconds, both from
 * {@linkcode predictCatchLanding}.
 *
 * @example
 * ```ts
 * import { CATCH_BALL_OBS } from "./catch_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CATCH_BALL_OBS, 7);
 * ```
 */
export const CATCH_BALL_OBS = 7;

/**
 * Index of the step counter t in the catch state.
 *
 * @example
 * ```ts
 * import { CATCH_T } from "./catch_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CATCH_T, 20);
 * ```
 */
export const CATCH_T = 2 + CATCH_PARAMS.balls * CATCH_BALL_STRIDE;

/**
 * Catch dimensions: observation 23, action 1 (paddle acceleration), state 21,
 * 100 steps.
 *
 * @example
 * ```ts
 * import { CATCH_SPEC } from "./catch_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CATCH_SPEC.obsDim, 23);
 * ```
 */
export const CATCH_SPEC: TaskSpec = Object.freeze({
  name: "catch",
  obsDim: 2 + CATCH_PARAMS.balls * CATCH_BALL_OBS,
  actionDim: 1,
  stateDim: CATCH_T + 1,
  maxTimesteps: CATCH_PARAMS.maxTimesteps,
});
