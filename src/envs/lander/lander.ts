/**
 * The `lander` task: a 2D rigid lander with a main engine and a side
 * thruster lands on a pad at a random position.
 *
 * - **State** (8): `[x, y, vx, vy, θ, ω, padX, t]`; x ∈ [-1, 1] (arena
 *   half-width 1 m), y the height of the lander's base above the ground, θ the
 *   tilt from upright (counter-clockwise positive), t the step counter.
 * - **Start**: x ∈ [-0.7, 0.7], y ∈ [1.0, 1.2], vx ∈ [-0.3, 0.3],
 *   vy ∈ [-0.2, 0], θ ∈ [-0.15, 0.15], ω ∈ [-0.3, 0.3], padX ∈ [-0.7, 0.7],
 *   all uniform from `uniform(seed, env, episode * 1024 + k, lane)` (k = 0, 1).
 * - **Observation** (8): `[x, y, vx, vy, sin θ, cos θ, ω / 4, padX − x]`.
 * - **Action** (2, clipped to [-1, 1]): `main` (throttle `(main + 1) / 2` of a
 *   2 m/s² engine along the body axis) and `side` (side thruster: angular
 *   acceleration `−14·side` rad/s² and a body-frame lateral acceleration
 *   `0.25·side` m/s²; positive side steers right).
 * - **Dynamics** (dt 0.05 s, semi-implicit Euler): gravity 1 m/s²; the
 *   attitude is top-heavy, `dω/dt = 3·sin θ − 14·side`, so it must be
 *   actively balanced: this, with the open-loop drift under action noise,
 *   makes the task latency-sensitive.
 * - **Termination**: touchdown (y ≤ 0); leaving the area (|x| > 1 or
 *   y > 1.6); tumbling (|θ| > 1.5); or t = `maxTimesteps` = 250.
 * - **Solved**: a soft upright touchdown on the pad: vy ≥ −0.4, |vx| ≤ 0.3,
 *   |θ| ≤ 0.2 and |x − padX| ≤ 0.15.
 * - **Reward**: +1 at a solved touchdown, −1 at a failed touchdown, leaving
 *   the area or tumbling, 0 otherwise (a timeout ends with 0).
 * - **Expert**: cascaded PD — position → speed → commanded acceleration →
 *   commanded tilt → attitude PD (which cancels the tipping), and a vertical
 *   speed loop on the throttle; it descends in a corridor 0.3 m beside the
 *   pad that closes in below 0.55 m (it holds 0.6 m until it reaches the
 *   corridor, and 0.3 m while more than 0.1 m off the pad). Bimodal: the
 *   corridor is on the left or the right of the pad
 *   (`uniform(seed, env, episode * 1024 + 1000) < 0.5` means left), flipped
 *   to the inner side when |padX ± 0.3| > 0.7.
 *
 * Latency (CPU, first episodes of 1024 envs, seed 7, 0.1 action noise; run
 * `deno run -A src/testing/expert_probe.ts`): the expert solves 0.998
 * closed loop; fed states 2 / 3 / 4 steps old it solves 0.999 / 0.305 /
 * 0.001; an ideal planner with a perfect model executing chunks of s = 4 open
 * loop solves 0.991 at delay 0, 0.966 at delay 2 and 0.705 at delay 4.
 *
 * @module
 */

import type { Task } from "../types.ts";
import { defineTask } from "../task.ts";
import { LANDER_CPU } from "./lander_cpu.ts";
import { LANDER_PARAMS, LANDER_SPEC } from "./lander_params.ts";
import { LANDER_WGSL } from "./lander_wgsl.ts";

/**
 * The lander task (spec, params, CPU twin, WGSL twin). See the module documentation
 * for observation, action, reward, solved, termination and `maxTimesteps`.
 *
 * @example
 * ```ts
 * import { LANDER } from "./lander.ts";
 * import assert from "node:assert/strict";
 * const { cpu } = LANDER;
 * const s = new Float32Array(cpu.spec.stateDim), a = new Float32Array(2);
 * const out = new Float32Array(3);
 * const key = { seed: 0, env: 0, episode: 0 };
 * cpu.reset(s, key);
 * while (!out[1]) {
 *   cpu.expert(s, a, key);
 *   cpu.step(s, a, out);
 * }
 * assert.equal(out[2], 1); // the expert lands softly on the pad
 * ```
 */
export const LANDER: Task = defineTask({
  spec: LANDER_SPEC,
  params: LANDER_PARAMS,
  cpu: LANDER_CPU,
  wgsl: LANDER_WGSL,
});
