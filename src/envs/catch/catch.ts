/**
 * The `catch` task: a paddle sliding along the floor catches three balls
 * released one after another; the balls bounce off the side walls.
 *
 * - **State** (21): `[px, pv, ball 0, ball 1, ball 2, t]`, each ball
 *   `[x, y, vx, vy, status, releaseStep]` (status 0 = not yet released,
 *   1 = falling, 2 = caught); arena x ∈ [-1, 1], paddle top at y = 0.
 * - **Start**: paddle at rest at 0. Ball i is released at height 1 m at step
 *   `r_i` with r_0 uniform in {0..3} and r_(i+1) = r_i + 16 + uniform{0..7};
 *   x ∈ [-0.9, 0.9], vx ∈ [-1.2, 1.2], vy ∈ [-0.2, 0.2] m/s, all from
 *   `uniform(seed, env, episode * 1024 + k, lane)` (k = 0 for the first
 *   release, k = 1 + i for ball i).
 * - **Observation** (23): `[px, pv]` then per ball
 *   `[x, y, vx, vy, falling, landX, landT]`: `landX` is where the ball will
 *   cross the floor (walls folded in, the expert's prediction) and `landT` the
 *   time until then (s). A ball that is not falling (not yet released, or
 *   caught) reads all zeros, so the policy only learns of a ball when it
 *   appears. `landX` and `landT` are given because the folded landing point
 *   is hard to learn from x, y, vx, vy alone: a policy trained without them
 *   reaches 0.80 solved, its misses 0.13–0.19 m off.
 * - **Action** (1, clipped to [-1, 1]): paddle acceleration, 12 m/s² at
 *   |a| = 1; the paddle speed is limited to 3 m/s and the paddle (half-width
 *   0.1 m) stops at the walls.
 * - **Dynamics** (dt 0.05 s, semi-implicit Euler): balls (radius 0.03 m)
 *   fall under 2 m/s² gravity (about 20 steps from release to the floor) and
 *   bounce elastically off the walls at |x| = 0.97. A ball crossing y = 0 is
 *   caught when |x − px| ≤ 0.13, otherwise missed.
 * - **Termination**: a missed ball (fail), all balls caught (solved), or
 *   t = `maxTimesteps` = 100.
 * - **Solved**: all three balls caught.
 * - **Reward**: +1 per caught ball, −1 when a ball is missed.
 * - **Expert**: predicts where the soonest-landing falling ball crosses the
 *   floor (exact discrete fall time, walls folded in) and tracks a braking
 *   speed profile toward it (`v* = sign(e)·min(6|e|, √(16|e|))`, action
 *   `0.6·(v* − pv)`). Bimodal: per episode it catches with the left or the
 *   right half of the paddle (offset ±0.05 m) and waits at ±0.15 m
 *   (`uniform(seed, env, episode * 1024 + 1000) < 0.5` means −).
 *
 * Latency: 0.1 action noise accumulates while a chunk runs open loop against
 * a 0.08 m catch margin, and a delayed feedback controller oscillates. CPU,
 * first episodes of 1024 envs, seed 7, 0.1 action noise (run
 * `deno run -A src/testing/expert_probe.ts`): the expert solves 0.989
 * closed loop; fed states 1 / 2 / 4 steps old it solves 0.933 / 0.079 /
 * 0.007; an ideal planner with a perfect model executing chunks of s = 4 open
 * loop solves 0.983 at delay 0, 0.887 at delay 2 and 0.642 at delay 4.
 *
 * @module
 */

import type { Task } from "../types.ts";
import { defineTask } from "../task.ts";
import { CATCH_CPU } from "./catch_cpu.ts";
import { CATCH_PARAMS, CATCH_SPEC } from "./catch_params.ts";
import { CATCH_WGSL } from "./catch_wgsl.ts";

/**
 * The catch task (spec, params, CPU twin, WGSL twin). See the module documentation
 * for observation, action, reward, solved, termination and `maxTimesteps`.
 *
 * @example
 * ```ts
 * import { CATCH } from "./catch.ts";
 * import assert from "node:assert/strict";
 * const { cpu } = CATCH;
 * const s = new Float32Array(cpu.spec.stateDim), a = new Float32Array(1);
 * const out = new Float32Array(3);
 * const key = { seed: 0, env: 0, episode: 0 };
 * cpu.reset(s, key);
 * let caught = 0;
 * while (!out[1]) {
 *   cpu.expert(s, a, key);
 *   cpu.step(s, a, out);
 *   caught += out[0]!;
 * }
 * assert.deepEqual([caught, out[2]], [3, 1]); // all three balls caught
 * ```
 */
export const CATCH: Task = defineTask({
  spec: CATCH_SPEC,
  params: CATCH_PARAMS,
  cpu: CATCH_CPU,
  wgsl: CATCH_WGSL,
});
