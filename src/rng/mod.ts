/**
 * Counter-based RNG, identical in TypeScript and WGSL, with derived per-call
 * seeds and normal noise for sampling and training.
 *
 * @module
 */
export * from "./rng.ts";
export * from "./rng_wgsl.ts";
export * from "./noise.ts";
