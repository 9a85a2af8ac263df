/**
 * Paired comparison of two success rates measured on the same units (common
 * random numbers: rollout r of both arms has the same initial state, action
 * noise, flow noise and delays): the difference with Newcombe's hybrid score
 * interval for paired proportions (Newcombe 1998, method 10, built from the
 * two Wilson intervals and the phi correlation of the pairs) and the exact
 * two-sided McNemar test on the discordant pairs.
 *
 * @module
 */
import { wilsonInterval } from "../latency/stats.ts";

/**
 * Counts of the four outcome pairs.
 *
 * @example
 * ```ts
 * import type { PairedCounts } from "./paired.ts";
 * const discordant = (c: PairedCounts): number => c.onlyA + c.onlyB;
 * ```
 */
export interface PairedCounts {
  /** Number of pairs. */
  n: number;
  /** Both succeeded. */
  both: number;
  /** Only arm A succeeded. */
  onlyA: number;
  /** Only arm B succeeded. */
  onlyB: number;
  /** Neither succeeded. */
  neither: number;
}

/**
 * The difference of two paired success rates, `rate(A) − rate(B)`.
 *
 * @example
 * ```ts
 * import type { PairedDifference } from "./paired.ts";
 * const resolved = (d: PairedDifference): boolean => d.lower > 0 || d.upper < 0;
 * ```
 */
export interface PairedDifference extends PairedCounts {
  /** Success rate of A. */
  rateA: number;
  /** Success rate of B. */
  rateB: number;
  /** `rateA − rateB`. */
  diff: number;
  /** Lower end of the interval (Newcombe method 10). */
  lower: number;
  /** Upper end of the interval. */
  upper: number;
  /** Exact two-sided McNemar p-value (binomial test of onlyA vs onlyB). */
  pValue: number;
  /** Phi correlation of the paired outcomes (0 when a margin is constant). */
  phi: number;
}

/**
 * Counts the outcome pairs of two arms.
 *
 * @param a Outcomes of arm A per unit (1 success, 0 failure).
 * @param b Outcomes of arm B per unit, same units in the same order.
 * @returns The counts.
 * @throws {RangeError} If the lengths differ, are 0, or an outcome is not 0 or 1.
 *
 * @example
 * ```ts
 * import { pairedCounts } from "./paired.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(pairedCounts([1, 1, 0, 0], [1, 0, 1, 0]), { n: 4, both: 1, onlyA: 1, onlyB: 1, neither: 1 });
 * ```
 */
export function pairedCounts(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): PairedCounts {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(
      `Cannot pair outcomes as both arms must have the same non-zero length: current lengths are ${a.length} and ${b.length}`,
    );
  }
  const c = { n: a.length, both: 0, onlyA: 0, onlyB: 0, neither: 0 };
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if ((x !== 0 && x !== 1) || (y !== 0 && y !== 1)) {
      throw new RangeError(
        `Cannot pair outcomes as every outcome must be 0 or 1: current values at unit ${i} are ${x} and ${y}`,
      );
    }
    if (x && y) c.both++;
    else if (x) c.onlyA++;
    else if (y) c.onlyB++;
    else c.neither++;
  }
  return c;
}

/** Two-sided exact binomial test of k successes in n trials at p = 1/2. */
function mcnemarExact(k: number, n: number): number {
  if (n === 0) return 1;
  const m = Math.min(k, n - k);
  // P(X <= m) with X ~ Bin(n, 1/2), in log space for large n
  let logC = 0; // log C(n, 0)
  let tail = 0;
  const log2n = n * Math.LN2;
  for (let i = 0; i <= m; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - log2n);
  }
  return Math.min(1, 2 * tail);
}

/**
 * The paired difference `rate(A) − rate(B)` with a 95% (or `z`) interval and
 * the exact McNemar p-value.
 *
 * @param a Outcomes of arm A per unit (0/1).
 * @param b Outcomes of arm B per unit (0/1), same units.
 * @param options `z`: the normal quantile. @default {z: 1.96}
 * @returns The difference, interval, counts and p-value.
 * @throws {RangeError} See {@linkcode pairedCounts}.
 *
 * @example
 * ```ts
 * import { pairedDifference } from "./paired.ts";
 * import assert from "node:assert/strict";
 * const a = Array.from({ length: 100 }, (_, i) => (i < 60 ? 1 : 0));
 * const b = Array.from({ length: 100 }, (_, i) => (i < 40 ? 1 : 0));
 * const d = pairedDifference(a, b);
 * assert.ok(Math.abs(d.diff - 0.2) < 1e-12 && d.lower > 0.1 && d.upper < 0.3);
 * assert.ok(d.pValue < 1e-5);
 * ```
 */
export function pairedDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: { z?: number } = {},
): PairedDifference {
  const c = pairedCounts(a, b);
  const { n, both, onlyA, onlyB, neither } = c;
  const z = options.z ?? 1.96;
  const xa = both + onlyA;
  const xb = both + onlyB;
  const pa = xa / n;
  const pb = xb / n;
  const wa = wilsonInterval(xa, n, { z });
  const wb = wilsonInterval(xb, n, { z });
  const den = Math.sqrt(
    (both + onlyA) * (onlyB + neither) *
      (both + onlyB) * (onlyA + neither),
  );
  const phi = den === 0 ? 0 : (both * neither - onlyA * onlyB) / den;
  const diff = pa - pb;
  const dl = Math.sqrt(Math.max(
    0,
    (pa - wa.lower) ** 2 - 2 * phi * (pa - wa.lower) * (wb.upper - pb) +
      (wb.upper - pb) ** 2,
  ));
  const du = Math.sqrt(Math.max(
    0,
    (wa.upper - pa) ** 2 - 2 * phi * (wa.upper - pa) * (pb - wb.lower) +
      (pb - wb.lower) ** 2,
  ));
  return {
    ...c,
    rateA: pa,
    rateB: pb,
    diff,
    lower: Math.max(-1, diff - dl),
    upper: Math.min(1, diff + du),
    pValue: mcnemarExact(onlyA, onlyA + onlyB),
    phi,
  };
}
