/**
 * Counter-based random numbers, identical in TypeScript and WGSL
 * (see `rng_wgsl.ts`). A draw is a pure function of `(seed, stream, counter)`:
 * the `pcg4d` hash of Jarzynski and Olano ("Hash Functions for GPU
 * Rendering", JCGT 2020) applied to the vector `(seed, stream, counter, 0)`,
 * which yields four independent 32-bit words ("lanes"). Nothing is stateful,
 * so a (seed, environment, chunk) triple gives the same numbers on CPU and
 * GPU, in any order, and on every rerun.
 *
 * - uniform: `(word >>> 8) * 2^-24`, in [0, 1), exact in float32, so CPU and
 *   GPU uniforms are bit-identical.
 * - normal: Box-Muller on lanes 0 and 1 (lane 2 and 3 for the second normal),
 *   with `u1 = ((word >>> 8) + 1) * 2^-24` in (0, 1]; CPU and GPU agree to
 *   float32 transcendental accuracy, not bit for bit.
 *
 * @module
 */

/** 2^-24: the spacing of the 24-bit uniforms. */
export const UNIFORM_SCALE = 1 / 16777216;

/**
 * The pcg4d hash of a 4-vector of 32-bit words, written into `out`.
 *
 * @param a First word (seed).
 * @param b Second word (stream).
 * @param c Third word (counter).
 * @param d Fourth word.
 * @param out Receives the four output words.
 * @returns `out`.
 *
 * @example
 * ```ts
 * import { pcg4d } from "./rng.ts";
 * import assert from "node:assert/strict";
 * const a = pcg4d(1, 2, 3, 0, new Uint32Array(4));
 * const b = pcg4d(1, 2, 3, 0, new Uint32Array(4));
 * assert.deepEqual(a, b);
 * assert.notDeepEqual(a, pcg4d(1, 2, 4, 0, new Uint32Array(4)));
 * ```
 */
export function pcg4d(
  a: number,
  b: number,
  c: number,
  d: number,
  out: Uint32Array,
): Uint32Array {
  let x = (Math.imul(a, 1664525) + 1013904223) | 0;
  let y = (Math.imul(b, 1664525) + 1013904223) | 0;
  let z = (Math.imul(c, 1664525) + 1013904223) | 0;
  let w = (Math.imul(d, 1664525) + 1013904223) | 0;
  x = (x + Math.imul(y, w)) | 0;
  y = (y + Math.imul(z, x)) | 0;
  z = (z + Math.imul(x, y)) | 0;
  w = (w + Math.imul(y, z)) | 0;
  x ^= x >>> 16;
  y ^= y >>> 16;
  z ^= z >>> 16;
  w ^= w >>> 16;
  x = (x + Math.imul(y, w)) | 0;
  y = (y + Math.imul(z, x)) | 0;
  z = (z + Math.imul(x, y)) | 0;
  w = (w + Math.imul(y, z)) | 0;
  out[0] = x;
  out[1] = y;
  out[2] = z;
  out[3] = w;
  return out;
}

const scratch = new Uint32Array(4);

/**
 * Checks that a seed or stream id is a 32-bit unsigned integer.
 *
 * @param value The value.
 * @param field Its name, for the error message.
 * @returns The value.
 * @throws {RangeError} If it is not an integer in [0, 2^32).
 *
 * @example
 * ```ts
 * import { checkSeed } from "./rng.ts";
 * import assert from "node:assert/strict";
 * assert.equal(checkSeed(7, "seed"), 7);
 * assert.throws(() => checkSeed(-1, "seed"), RangeError);
 * ```
 */
export function checkSeed(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(
      `Cannot use ${field} as it must be an integer in [0, 2^32): current value is ${value}`,
    );
  }
  return value;
}

/**
 * One uniform draw in [0, 1) from lane `lane` of `pcg4d(seed, stream, counter, 0)`.
 *
 * @param seed Run seed.
 * @param stream Stream id (e.g. environment index or purpose).
 * @param counter Draw counter within the stream.
 * @param lane Which of the four output words (0-3). @default 0
 * @returns A multiple of 2^-24 in [0, 1).
 *
 * @example
 * ```ts
 * import { uniform } from "./rng.ts";
 * import assert from "node:assert/strict";
 * const u = uniform(0, 0, 0);
 * assert.ok(u >= 0 && u < 1);
 * assert.equal(u, uniform(0, 0, 0));
 * ```
 */
export function uniform(
  seed: number,
  stream: number,
  counter: number,
  lane = 0,
): number {
  pcg4d(seed, stream, counter, 0, scratch);
  return (scratch[lane & 3]! >>> 8) * UNIFORM_SCALE;
}

/**
 * One standard normal draw (Box-Muller on lanes 0/1 for `which = 0`, lanes
 * 2/3 for `which = 1`).
 *
 * @param seed Run seed.
 * @param stream Stream id.
 * @param counter Draw counter.
 * @param which Which of the two normals of this counter (0 or 1). @default 0
 * @returns A standard normal draw.
 *
 * @example
 * ```ts
 * import { normal } from "./rng.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Number.isFinite(normal(1, 2, 3)));
 * ```
 */
export function normal(
  seed: number,
  stream: number,
  counter: number,
  which = 0,
): number {
  pcg4d(seed, stream, counter, 0, scratch);
  const i = which === 0 ? 0 : 2;
  const u1 = ((scratch[i]! >>> 8) + 1) * UNIFORM_SCALE;
  const u2 = (scratch[i + 1]! >>> 8) * UNIFORM_SCALE;
  return Math.fround(
    Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1))))) *
      Math.fround(Math.cos(Math.fround(6.2831853 * u2))),
  );
}

/**
 * Fills `out[i]` with `uniform(seed, stream, start + i, lane)`.
 *
 * @param out Destination.
 * @param options Seed, stream, first counter and lane.
 * @returns `out`.
 *
 * @example
 * ```ts
 * import { fillUniform, uniform } from "./rng.ts";
 * import assert from "node:assert/strict";
 * const u = fillUniform(new Float32Array(3), { seed: 5, stream: 1, start: 10 });
 * assert.equal(u[2], uniform(5, 1, 12));
 * ```
 */
export function fillUniform<T extends Float32Array | Float64Array>(
  out: T,
  options: { seed: number; stream: number; start?: number; lane?: number },
): T {
  const { seed, stream } = options;
  const start = options.start ?? 0;
  const lane = (options.lane ?? 0) & 3;
  for (let i = 0; i < out.length; i++) {
    pcg4d(seed, stream, start + i, 0, scratch);
    out[i] = (scratch[lane]! >>> 8) * UNIFORM_SCALE;
  }
  return out;
}
