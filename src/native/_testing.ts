/**
 * Test helpers of the native engine's tests (private): one `ignore` flag
 * with its reason (an error instead when `EXP_DELTA_REQUIRE_NATIVE=1`, as
 * on CI), seeded inputs, and the comparisons the parity tests use.
 *
 * @module
 */

import assert from "node:assert/strict";
import { normal } from "../rng/rng.ts";
import { nativeStatus } from "./build.ts";

const status = await nativeStatus();
if (!status.available) {
  if (Deno.env.get("EXP_DELTA_REQUIRE_NATIVE") === "1") {
    throw new Error(
      `EXP_DELTA_REQUIRE_NATIVE=1 but the native engine is unavailable: ${status.reason}`,
    );
  }
  console.error(`native engine tests skipped: ${status.reason}`);
}

/**
 * True when the native engine is unavailable here (tests pass it as
 * `ignore`, so they are reported as ignored, never as passed).
 *
 * @example
 * ```ts ignore
 * Deno.test({ name: "...", ignore: NATIVE_IGNORE, fn() {} });
 * ```
 */
export const NATIVE_IGNORE: boolean = !status.available;

/**
 * `n` seeded normal draws times `scale`.
 *
 * @example
 * ```ts ignore
 * const obs = randn(4 * 32, 1);
 * ```
 */
export function randn(n: number, stream: number, scale = 1): Float32Array {
  return Float32Array.from(
    { length: n },
    (_, i) => scale * normal(11, stream, i),
  );
}

/**
 * Asserts `max |actual − expected| <= rtol · max |expected|` (and that
 * expected is not all zero); returns the relative error.
 *
 * @example
 * ```ts ignore
 * assertClose(nativeV, cpuV, "forward v", 2e-5);
 * ```
 */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol: number,
): number {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0, worst = 0, at = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    const e = Math.abs(actual[i]! - expected[i]!);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  assert.ok(scale > 0, `${what} is all zero`);
  assert.ok(
    worst <= rtol * scale,
    `${what}: max error ${worst} at ${at} (${actual[at]} vs ${
      expected[at]
    }), scale ${scale}, rtol ${rtol}`,
  );
  return worst / scale;
}

/**
 * Asserts two float arrays are bit-identical (NaN-safe), naming the first difference.
 *
 * @example
 * ```ts ignore
 * assertBitEqual(oneThread, twoThreads, "forward");
 * ```
 */
export function assertBitEqual(
  actual: Float32Array,
  expected: Float32Array,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(
    actual.buffer,
    actual.byteOffset,
    actual.length,
  );
  const b = new Uint32Array(
    expected.buffer,
    expected.byteOffset,
    expected.length,
  );
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      assert.fail(
        `${what}: differs at ${i} (${actual[i]} vs ${expected[i]})`,
      );
    }
  }
}
