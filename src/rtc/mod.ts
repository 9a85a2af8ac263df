/**
 * Inference methods for action-chunking flow policies: naive sampling,
 * inference-time Real-Time Chunking (ΠGDM guidance with soft prefix
 * weights), hard masking, bidirectional decoding (BID), training-time RTC
 * and ACT temporal ensembling, all behind {@linkcode sampleChunk} (on a
 * WebGPU net a chunk is one GPU submission).
 *
 * @example
 * ```ts
 * import { prefixWeights } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const w = prefixWeights(2, 6, 10, "linear");
 * assert.deepEqual([...w], [1, 1, 0.8, 0.6, 0.4, 0.2, 0, 0, 0, 0].map(Math.fround));
 * ```
 *
 * @module
 */
export * from "./method_config.ts";
export * from "./prefix_weights.ts";
export * from "./guidance_weight.ts";
export * from "./sample.ts";
export * from "./temporal_ensemble.ts";
export * from "./method_cost.ts";
