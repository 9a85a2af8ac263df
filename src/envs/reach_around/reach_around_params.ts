/**
 * Parameters of `reach_around`, shared by the CPU twin, the WGSL twin (as the
 * generated header's `RA_*` constants) and the documentation. Units: arena
 * [-1, 1]^2, seconds.
 *
 * @module
 */
import type { TaskSpec } from "../types.ts";

/**
 * Parameters of `reach_around` (the type of {@linkcode REACH_AROUND_PARAMS}).
 *
 * @example
 * ```ts
 * import type { ReachAroundParams } from "./reach_around_params.ts";
 * const slower = (p: ReachAroundParams): number => p.cruiseSpeed / 2;
 * ```
 */
export type ReachAroundParams = Readonly<{
  /** Control period (s). */
  dt: number;
  /** Acceleration at |action| = 1. */
  accel: number;
  /** Obstacle radius. */
  obstacleRadius: number;
  /** Radius of the point mass (for contact with the obstacle). */
  agentRadius: number;
  /** Goal radius. */
  goalRadius: number;
  /** Largest speed at which the mass counts as parked on the goal. */
  goalSpeed: number;
  /** Expert: lateral offset of the waypoint from the obstacle centre. */
  waypointDx: number;
  /** Expert: vertical offset of the waypoint from the obstacle centre. */
  waypointDy: number;
  /** Expert: cruise speed. */
  cruiseSpeed: number;
  /** Expert: position gain (1/s) of the goal approach. */
  kp: number;
  /** Expert: velocity-loop gain (1/s). */
  kv: number;
  /** Expert: RNG draw index (k in `episode * 1024 + k`) of the side choice. */
  modeDraw: number;
  /** Episode length cap (steps). */
  maxTimesteps: number;
}>;

/**
 * The `reach_around` parameters. Every float is used as its float32 rounding.
 *
 * @example
 * ```ts
 * import { REACH_AROUND_PARAMS } from "./reach_around_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(REACH_AROUND_PARAMS.maxTimesteps, 100);
 * assert.ok(Object.isFrozen(REACH_AROUND_PARAMS));
 * ```
 */
export const REACH_AROUND_PARAMS: ReachAroundParams = Object.freeze({
  dt: 0.05,
  accel: 3,
  obstacleRadius: 0.3,
  agentRadius: 0.05,
  goalRadius: 0.08,
  goalSpeed: 0.25,
  waypointDx: 0.6,
  waypointDy: 0.1,
  cruiseSpeed: 1.5,
  kp: 3,
  kv: 12,
  modeDraw: 512,
  maxTimesteps: 100,
});

/**
 * Sizes of `reach_around`: observation 9, action 2, state 9.
 *
 * @example
 * ```ts
 * import { REACH_AROUND_SPEC } from "./reach_around_params.ts";
 * import assert from "node:assert/strict";
 * assert.equal(REACH_AROUND_SPEC.actionDim, 2);
 * ```
 */
export const REACH_AROUND_SPEC: TaskSpec = Object.freeze({
  name: "reach_around",
  obsDim: 9,
  actionDim: 2,
  stateDim: 9,
  maxTimesteps: REACH_AROUND_PARAMS.maxTimesteps,
});
