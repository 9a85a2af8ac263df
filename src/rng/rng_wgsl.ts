/**
 * WGSL twin of `rng.ts`: paste {@linkcode RNG_WGSL} into a shader to get
 * `pcg4d`, `rng_uniform` and `rng_normal` with the exact TypeScript semantics.
 *
 * @module
 */

/**
 * WGSL functions `pcg4d(v: vec4<u32>) -> vec4<u32>`,
 * `rng_uniform(seed, stream, counter, lane) -> f32` and
 * `rng_normal(seed, stream, counter, which) -> f32`.
 *
 * @example
 * ```ts
 * import { RNG_WGSL } from "./rng_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(RNG_WGSL, /fn rng_uniform/);
 * ```
 */
export const RNG_WGSL = /* wgsl */ `
fn pcg4d(vin: vec4<u32>) -> vec4<u32> {
  var v = vin * 1664525u + 1013904223u;
  v.x += v.y * v.w;
  v.y += v.z * v.x;
  v.z += v.x * v.y;
  v.w += v.y * v.z;
  v = v ^ (v >> vec4<u32>(16u));
  v.x += v.y * v.w;
  v.y += v.z * v.x;
  v.z += v.x * v.y;
  v.w += v.y * v.z;
  return v;
}

fn rng_words(seed: u32, stream: u32, counter: u32) -> vec4<u32> {
  return pcg4d(vec4<u32>(seed, stream, counter, 0u));
}

fn rng_to_unit(word: u32) -> f32 {
  return f32(word >> 8u) * (1.0 / 16777216.0);
}

fn rng_uniform(seed: u32, stream: u32, counter: u32, lane: u32) -> f32 {
  let w = rng_words(seed, stream, counter);
  return rng_to_unit(w[lane & 3u]);
}

fn rng_normal(seed: u32, stream: u32, counter: u32, which: u32) -> f32 {
  let w = rng_words(seed, stream, counter);
  let i = select(0u, 2u, which != 0u);
  let u1 = f32((w[i] >> 8u) + 1u) * (1.0 / 16777216.0);
  let u2 = rng_to_unit(w[i + 1u]);
  return sqrt(-2.0 * log(u1)) * cos(6.2831853 * u2);
}
`;
