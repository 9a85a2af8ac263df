/**
 * Noise for sampling and training, drawn from the counter RNG
 * (`src/rng/rng.ts`) so every draw is a pure function of its indices.
 *
 * Convention: a call (or training step) with counter `c` derives a seed
 * `deriveSeed(seed, c, tag)` = lane 0 of `pcg4d(seed, c, tag, 0)`; element
 * `k` of row (environment) `stream` is then
 * `normal(derived, stream, k >> 1, k & 1)` (two normals per counter).
 * Deriving the seed lets `c` be any 32-bit integer without the element
 * counters of different calls overlapping.
 *
 * @module
 */

import { normal, pcg4d } from "./rng.ts";

/** Tag of the initial flow noise of {@linkcode sampleChunk}-style sampling. */
export const NOISE_TAG = 0x6e6f6973; // "nois"

const scratch = new Uint32Array(4);

/**
 * Derives a per-call seed from the run seed, a call counter and a purpose tag.
 *
 * @param seed Run seed (u32).
 * @param counter Call counter (u32), e.g. the chunk index or training step.
 * @param tag Purpose tag (u32), e.g. {@linkcode NOISE_TAG}.
 * @returns A u32 seed.
 *
 * @example
 * ```ts
 * import { deriveSeed, NOISE_TAG } from "./noise.ts";
 * import assert from "node:assert/strict";
 * assert.equal(deriveSeed(1, 2, NOISE_TAG), deriveSeed(1, 2, NOISE_TAG));
 * assert.notEqual(deriveSeed(1, 2, NOISE_TAG), deriveSeed(1, 3, NOISE_TAG));
 * ```
 */
export function deriveSeed(seed: number, counter: number, tag: number): number {
  pcg4d(seed >>> 0, counter >>> 0, tag >>> 0, 0, scratch);
  return scratch[0]!;
}

/**
 * Fills `out[j]` with `normal(seed, stream, (start + j) >> 1, (start + j) & 1)`.
 *
 * @param out Destination.
 * @param options Derived seed, stream (environment or row) and first element index.
 * @returns `out`.
 *
 * @example
 * ```ts
 * import { fillNormal } from "./noise.ts";
 * import { normal } from "./rng.ts";
 * import assert from "node:assert/strict";
 * const z = fillNormal(new Float32Array(3), { seed: 9, stream: 2, start: 1 });
 * assert.equal(z[0], normal(9, 2, 0, 1));
 * assert.equal(z[1], normal(9, 2, 1, 0));
 * ```
 */
export function fillNormal(
  out: Float32Array,
  options: { seed: number; stream: number; start?: number },
): Float32Array {
  const start = options.start ?? 0;
  for (let j = 0; j < out.length; j++) {
    const k = start + j;
    out[j] = normal(options.seed, options.stream, Math.floor(k / 2), k & 1);
  }
  return out;
}
