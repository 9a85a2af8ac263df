/**
 * The task suite: the task pattern (a readonly params record, a CPU twin
 * and a WGSL twin, frozen by `defineTask`), the registry of the four tasks,
 * the evaluation wrapper (action noise, auto-reset, first-episode log),
 * batched environments (CPU twin or one WebGPU kernel) and expert rollouts.
 *
 * @example
 * ```ts
 * import { getTask, rolloutExpert } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const r = await rolloutExpert(getTask("reach_around"), { n: 8, seed: 0 });
 * assert.equal(r.finished, 8);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./task.ts";
export * from "./registry.ts";
export * from "./wrapper.ts";
export * from "./episode_log.ts";
export * from "./batch.ts";
export * from "./rollout.ts";
export * from "./reach_around/mod.ts";
export * from "./cartpole_swingup/mod.ts";
export * from "./lander/mod.ts";
export * from "./catch/mod.ts";
