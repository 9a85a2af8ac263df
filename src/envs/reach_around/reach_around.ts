/**
 * `reach_around`: a 2D point mass (double integrator) must park on a goal that
 * sits behind a round obstacle. Going round the left or the right is equally
 * good, so the scripted expert is bimodal.
 *
 * - **State** (`stateDim` 9): `[px, py, vx, vy, gx, gy, ox, oy, t]`.
 * - **Observation** (`obsDim` 9): `[px, py, vx, vy, gx - px, gy - py,
 *   ox - px, oy - py, t / maxTimesteps]`.
 * - **Action** (`actionDim` 2): acceleration in [-1, 1]^2 (clipped), scaled by
 *   `accel`; semi-implicit Euler with `dt`:
 *   `v += a * ACCEL * DT; p += v * DT`.
 * - **Reset**: start `(U(-0.1, 0.1), -0.8 + U(-0.05, 0.05))`, goal
 *   `(U(-0.1, 0.1), 0.8 + U(-0.05, 0.05))`, obstacle centre `U(-0.05, 0.05)^2`,
 *   radius `obstacleRadius`, zero velocity. Draw k (lane l) is
 *   `uniform(seed, env, episode * 1024 + k, l)`, k = 0 (start, goal: lanes
 *   0-3) and k = 1 (obstacle: lanes 0-1).
 * - **Termination / reward / solved** (checked in this order after the move):
 *   crash (the mass, radius `agentRadius`, touches the
 *   obstacle, or leaves the arena [-1, 1]^2): done, reward -1, not solved;
 *   goal (distance < `goalRadius` and speed <
 *   `goalSpeed`): done, reward +1, solved; otherwise done
 *   with reward 0 when `t` reaches `maxTimesteps` (100).
 * - **Expert**: the side (left = -1 / right = +1) is `uniform(seed, env,
 *   episode * 1024 + 512) < 0.5 ? -1 : +1`. While below the obstacle centre
 *   (`py < oy`) it heads for the waypoint `(ox + side * 0.6, oy + 0.1)` at full
 *   cruise speed, then for the goal with a speed proportional to the distance;
 *   a stiff velocity loop (`a = K_V (v_des - v) / ACCEL`, K_V = 12 / s)
 *   tracks the desired velocity. The stiff loop is what makes the task
 *   latency-sensitive: with the action computed from a state 4 steps old the
 *   loop oscillates and the mass cannot park.
 *
 * @module
 */

import type { Task } from "../types.ts";
import { defineTask } from "../task.ts";
import { REACH_AROUND_CPU } from "./reach_around_cpu.ts";
import {
  REACH_AROUND_PARAMS,
  REACH_AROUND_SPEC,
} from "./reach_around_params.ts";
import { REACH_AROUND_WGSL } from "./reach_around_wgsl.ts";

/**
 * The `reach_around` task (spec, params, CPU twin, WGSL twin). See the
 * module documentation for observation, action, reward, solved, termination
 * and `maxTimesteps`.
 *
 * @example
 * ```ts
 * import { REACH_AROUND } from "./reach_around.ts";
 * import assert from "node:assert/strict";
 * const { cpu } = REACH_AROUND;
 * const s = new Float32Array(cpu.spec.stateDim), a = new Float32Array(2);
 * const out = new Float32Array(3);
 * const key = { seed: 0, env: 0, episode: 0 };
 * cpu.reset(s, key);
 * while (!out[1]) {
 *   cpu.expert(s, a, key);
 *   cpu.step(s, a, out);
 * }
 * assert.equal(out[2], 1); // the expert parks on the goal
 * ```
 */
export const REACH_AROUND: Task = defineTask({
  spec: REACH_AROUND_SPEC,
  params: REACH_AROUND_PARAMS,
  cpu: REACH_AROUND_CPU,
  wgsl: REACH_AROUND_WGSL,
});
