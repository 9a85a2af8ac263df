/**
 * Evaluation: the seed-compatible `scan` evaluator and the asynchronous
 * (RTC Algorithm 1) evaluator, per-run metrics, result rows and summaries in
 * the seed's formats, and the Step D matrix runner.
 *
 * @module
 */
export * from "./types.ts";
export * from "./stats.ts";
export * from "./metrics.ts";
export * from "./common.ts";
export * from "./scan.ts";
export * from "./cpu_eval.ts";
export * from "./async.ts";
export * from "./gpu_phases.ts";
export * from "./scan_gpu.ts";
export * from "./async_gpu.ts";
