/**
 * Files: atomic writes (and the cleanup of what a killed writer left),
 * output-folder checks, claim files of concurrent workers, content hashes,
 * strict CSV and JSON readers, CSV in the seed's dialect, Python-compatible
 * number formatting, run folders, provenance, GIF encoding and the
 * safetensors codec of checkpoints and datasets.
 *
 * @module
 */
export * from "./atomic.ts";
export * from "./claim.ts";
export * from "./hash.ts";
export * from "./json.ts";
export * from "./out_dir.ts";
export * from "./csv.ts";
export * from "./format.ts";
export * from "./provenance.ts";
export * from "./run_folder.ts";
export * from "./gif.ts";
export * from "./safetensors.ts";
