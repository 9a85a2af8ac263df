/**
 * exp-delta: Real-Time Chunking of action-chunking flow policies under
 * long-tailed inference latency, with WebGPU kernels and CPU references.
 *
 * @module
 */
export * from "./src/gpu/mod.ts";
export * from "./src/rng/mod.ts";
export * from "./src/latency/mod.ts";
export * from "./src/envs/mod.ts";
export * from "./src/policy/mod.ts";
export * from "./src/rtc/mod.ts";
export * from "./src/data/mod.ts";
export * from "./src/io/mod.ts";
export * from "./src/eval/mod.ts";
export * from "./src/experiment/mod.ts";
export * from "./src/plot/mod.ts";
