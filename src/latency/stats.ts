/**
 * Delay statistics of `docs/SEMANTICS.md` §9: numpy-compatible
 * {@linkcode percentile}, {@linkcode pViolate} `= P(d > H − s)`, the
 * {@linkcode wilsonInterval} and a one-call {@linkcode delaySummary}.
 *
 * @module
 */

import { checkNum } from "./_validate.ts";

function checkValues(values: ArrayLike<number>, what: string): void {
  if (values.length === 0) {
    throw new RangeError(
      `Cannot compute ${what} as values must be non-empty: current length is 0`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) {
      throw new RangeError(
        `Cannot compute ${what} as values[${i}] must not be NaN: current value is NaN`,
      );
    }
  }
}

function checkQ(q: number): void {
  if (typeof q !== "number" || !(q >= 0 && q <= 100)) {
    throw new RangeError(
      `Cannot compute percentile as q must be in [0, 100]: current value is ${q}`,
    );
  }
}

/** numpy's linear method on sorted values (`_lerp` included). */
function percentileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * (q / 100);
  const prev = Math.min(Math.floor(virtual), n - 1);
  const next = Math.min(prev + 1, n - 1);
  const t = virtual - prev;
  const a = sorted[prev]!, b = sorted[next]!;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * The q-th percentile with linear interpolation, bit-compatible with
 * `numpy.percentile(values, q)` (default method "linear").
 *
 * @param values The data (not modified; non-empty, no NaN).
 * @param q Percentile in [0, 100].
 * @returns The interpolated percentile.
 * @throws {RangeError} If values is empty or has NaN, or q is outside [0, 100].
 *
 * @example
 * ```ts
 * import { percentile } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(percentile([0, 0, 0, 0, 1, 4], 95), 3.25); // numpy: 3.25
 * ```
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  checkQ(q);
  checkValues(values, "percentile");
  const sorted = Float64Array.from(values).sort();
  return percentileSorted(sorted, q);
}

/** Options of {@linkcode pViolate}. */
export interface ViolationOptions {
  /** Chunk length H in steps (integer ≥ 1). */
  horizon: number;
  /** Executed horizon s in steps (integer in [1, H]). */
  executeHorizon: number;
}

function slack(options: ViolationOptions): number {
  const what = "violation statistics";
  const h = checkNum(
    options?.horizon,
    { min: 1, integer: true },
    what,
    "horizon",
  );
  checkNum(
    options.executeHorizon,
    { min: 1, max: h, integer: true },
    what,
    "executeHorizon",
  );
  return h - options.executeHorizon;
}

/**
 * Fraction of delays that exceed the slack `H − s`: `P(d > H − s)`.
 *
 * @param delays Sampled delays (non-empty).
 * @param options Horizon H and executed horizon s.
 * @returns The violation probability in [0, 1].
 * @throws {RangeError} If delays is empty, or H, s are not integers with 1 ≤ s ≤ H.
 *
 * @example
 * ```ts
 * import { pViolate } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.equal(pViolate([0, 1, 4, 2], { horizon: 4, executeHorizon: 1 }), 0.25);
 * ```
 */
export function pViolate(
  delays: ArrayLike<number>,
  options: ViolationOptions,
): number {
  const limit = slack(options);
  checkValues(delays, "pViolate");
  let count = 0;
  for (let i = 0; i < delays.length; i++) if (delays[i]! > limit) count++;
  return count / delays.length;
}

/** A two-sided confidence interval. */
export interface Interval {
  /** Lower bound. */
  lower: number;
  /** Upper bound. */
  upper: number;
}

/**
 * Wilson score interval for a binomial proportion.
 *
 * @param successes Number of successes (integer in [0, n]).
 * @param n Number of trials (integer ≥ 1).
 * @param options `z`: the normal quantile. @default {z: 1.96} (95%)
 * @returns The interval, within [0, 1].
 * @throws {RangeError} For n < 1, successes outside [0, n], or z ≤ 0.
 *
 * @example
 * ```ts
 * import { wilsonInterval } from "./stats.ts";
 * import assert from "node:assert/strict";
 * const { lower, upper } = wilsonInterval(8, 10);
 * assert.ok(Math.abs(lower - 0.4902) < 1e-4 && Math.abs(upper - 0.9433) < 1e-4);
 * ```
 */
export function wilsonInterval(
  successes: number,
  n: number,
  options: { z?: number } = {},
): Interval {
  const what = "Wilson interval";
  checkNum(n, { min: 1, integer: true }, what, "n");
  checkNum(successes, { min: 0, max: n, integer: true }, what, "successes");
  const z = checkNum(options.z ?? 1.96, { gt: 0 }, what, "z");
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    lower: Math.max(0, center - half),
    upper: Math.min(1, center + half),
  };
}

/** Summary of a delay sample (`docs/SEMANTICS.md` §9 column names). */
export interface DelaySummary {
  /** Number of delays. */
  n: number;
  /** Mean delay (compensated sum). */
  d_mean: number;
  /** Median (numpy linear). */
  d_p50: number;
  /** 95th percentile (numpy linear). */
  d_p95: number;
  /** 99th percentile (numpy linear). */
  d_p99: number;
  /** Largest delay. */
  d_max: number;
  /** `P(d > H − s)`. */
  p_violate: number;
  /** 95% Wilson interval of `p_violate`. */
  p_violate_ci: Interval;
}

/**
 * Percentiles, mean, maximum and violation rate of a delay sample in one
 * pass over one sorted copy.
 *
 * @param delays Sampled delays (non-empty, no NaN).
 * @param options Horizon H and executed horizon s.
 * @returns The summary.
 *
 * @example
 * ```ts
 * import { delaySummary } from "./stats.ts";
 * import assert from "node:assert/strict";
 * const s = delaySummary([0, 0, 0, 0, 1, 4], { horizon: 4, executeHorizon: 1 });
 * assert.equal(s.d_p95, 3.25);
 * assert.equal(s.p_violate, 1 / 6);
 * ```
 */
export function delaySummary(
  delays: ArrayLike<number>,
  options: ViolationOptions,
): DelaySummary {
  const limit = slack(options);
  checkValues(delays, "delaySummary");
  const sorted = Float64Array.from(delays).sort();
  let sum = 0, comp = 0, count = 0;
  for (const d of sorted) {
    // Neumaier compensated summation.
    const t = sum + d;
    comp += Math.abs(sum) >= Math.abs(d) ? (sum - t) + d : (d - t) + sum;
    sum = t;
    if (d > limit) count++;
  }
  const n = sorted.length;
  return {
    n,
    d_mean: (sum + comp) / n,
    d_p50: percentileSorted(sorted, 50),
    d_p95: percentileSorted(sorted, 95),
    d_p99: percentileSorted(sorted, 99),
    d_max: sorted[n - 1]!,
    p_violate: count / n,
    p_violate_ci: wilsonInterval(count, n),
  };
}
