/**
 * The task suite: shared interfaces, the registry, batched environments with
 * the evaluation wrapper (CPU twin or one WebGPU kernel), expert rollouts and
 * the individual tasks.
 *
 * @module
 */

export * from "./types.ts";
export * from "./registry.ts";
export * from "./batch.ts";
export * from "./batch_wgsl.ts";
export * from "./batch_gpu.ts";
export * from "./rollout.ts";
export * from "./wrapper.ts";
export * from "./episode_log.ts";
export * from "./reach_around/mod.ts";
export * from "./cartpole_swingup/mod.ts";
export * from "./lander/mod.ts";
export * from "./catch/mod.ts";
