/**
 * Files: atomic writes, CSV in the seed's dialect, Python-compatible number
 * formatting, run folders, provenance, GIF encoding and the safetensors
 * codec of checkpoints and datasets.
 *
 * @module
 */
export * from "./atomic.ts";
export * from "./csv.ts";
export * from "./format.ts";
export * from "./provenance.ts";
export * from "./run_folder.ts";
export * from "./gif.ts";
export * from "./safetensors.ts";
