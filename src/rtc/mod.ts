/**
 * Inference methods for action-chunking flow policies: naive sampling,
 * inference-time Real-Time Chunking (ΠGDM guidance with soft prefix
 * weights), hard masking, bidirectional decoding (BID), training-time RTC
 * and ACT temporal ensembling, all behind {@linkcode sampleChunk}.
 *
 * @module
 */
export * from "./guidance_weight.ts";
export * from "./method_config.ts";
export * from "./prefix_weights.ts";
export * from "./sample.ts";
export * from "./sample_gpu.ts";
export * from "./temporal_ensemble.ts";
