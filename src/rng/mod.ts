/**
 * Counter-based RNG, identical in TypeScript and WGSL.
 *
 * @module
 */
export * from "./rng.ts";
export * from "./rng_wgsl.ts";
export * from "./noise.ts";
