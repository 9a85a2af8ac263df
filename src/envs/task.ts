/**
 * Helpers for writing TypeScript constants into WGSL source.
 *
 * @module
 */

/**
 * Formats a number as a WGSL f32 literal (always with a decimal point or
 * exponent, so it never becomes an abstract integer).
 *
 * @param x The value (finite).
 * @returns The literal text.
 *
 * @example
 * ```ts
 * import { wf } from "./_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(wf(3), "3.0");
 * assert.equal(wf(0.25), "0.25");
 * ```
 */
export function wf(x: number): string {
  if (!Number.isFinite(x)) {
    throw new RangeError(
      `Cannot format WGSL literal as x must be finite: current value is ${x}`,
    );
  }
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}
