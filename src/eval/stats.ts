/**
 * Compensated (Neumaier) sum, mean and sample std for the metrics and
 * summaries (percentiles, `pViolate` and the Wilson interval come from
 * `src/latency/stats.ts`).
 *
 * @module
 */

/**
 * Neumaier-compensated sum.
 *
 * @param values The values.
 * @returns Their sum.
 *
 * @example
 * ```ts
 * import { compensatedSum } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(compensatedSum([1e16, 1, -1e16]), 1);
 * ```
 */
export function compensatedSum(values: ArrayLike<number>): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const t = sum + v;
    c += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return sum + c;
}

/**
 * Mean (compensated).
 *
 * @param values The values.
 * @returns The mean, or NaN for an empty list.
 *
 * @example
 * ```ts
 * import { mean } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(mean([1, 2, 3]), 2);
 * ```
 */
export function mean(values: ArrayLike<number>): number {
  return values.length === 0 ? NaN : compensatedSum(values) / values.length;
}

/**
 * Sample standard deviation (ddof = 1, as pandas `std()`); NaN for fewer
 * than two values.
 *
 * @param values The values.
 * @returns The sample standard deviation.
 *
 * @example
 * ```ts
 * import { sampleStd } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(sampleStd([1, 3]), Math.SQRT2);
 * ```
 */
export function sampleStd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) sq[i] = (values[i]! - m) ** 2;
  return Math.sqrt(compensatedSum(sq) / (n - 1));
}
