/**
 * Evaluation engines: the seed-compatible `scan` evaluator and the
 * asynchronous evaluator (RTC Algorithm 1), each CPU-orchestrated
 * (`evaluateScan`, `evaluateAsync`) and GPU-fused (`evaluateScanGpu`,
 * `evaluateAsyncGpu`: environments, delays, bookkeeping and metrics in one
 * submission per control step), and the per-run metrics.
 *
 * @example
 * ```ts
 * import { evaluateScan } from "./mod.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * // a sampler that always proposes zero actions
 * const sampler = (req: { batch: number }) =>
 *   Promise.resolve({ chunk: new Float32Array(req.batch * 4 * 2) });
 * const result = await evaluateScan(REACH_AROUND, {
 *   sampler, profile: resolveProfile({ kind: "fixed", delay: 1 }),
 *   seed: 0, numEnvs: 4, horizon: 4,
 * });
 * assert.equal(result.metrics.d_p50, 1);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./metrics.ts";
export {
  DELAY_TAG,
  deriveDelaySeed,
  type EvalResult,
  type EvalTask,
  type SamplerStats,
  type StepEvent,
} from "./common.ts";
export type { CpuEvalOptions } from "./cpu_eval.ts";
export * from "./scan.ts";
export * from "./async.ts";
export * from "./scan_gpu.ts";
export * from "./async_gpu.ts";
export * from "./version.ts";
