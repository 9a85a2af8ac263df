/**
 * Expert demonstrations through the evaluation wrapper, demonstration
 * datasets (safetensors files) and action-chunk batching for training.
 *
 * @module
 */
export * from "./chunks.ts";
export * from "./dataset.ts";
export * from "./demonstrations.ts";
