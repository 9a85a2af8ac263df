/**
 * Expert demonstration datasets (safetensors files), action-chunk batching
 * for training, and the safetensors codec shared with policy checkpoints.
 *
 * @module
 */
export * from "./chunks.ts";
export * from "./dataset.ts";
export * from "./demonstrations.ts";
