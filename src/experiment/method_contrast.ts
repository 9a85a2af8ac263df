/**
 * Paired method contrasts of a matrix: each method against a baseline method
 * under the same profile, from the per-rollout outcomes (`rollouts.csv`) of
 * runs that share their seeds. Rollout r of seed s is one pair (the same
 * initial state, action noise, flow noise and delay uniforms for every
 * method of the matrix).
 *
 * Two intervals, for two units of analysis:
 *
 * - **rollout** (`diff_lo`, `diff_hi`): Newcombe's paired interval over every
 *   (seed, rollout) pair, right when rollouts are independent given the seed
 *   (per-environment delays, or a fixed delay);
 * - **seed** (`seed_lo`, `seed_hi`): a t interval over the per-seed
 *   differences (k seeds, k − 1 degrees of freedom), right when the rollouts
 *   of a seed share random numbers, e.g. the scan evaluator's batch-wide
 *   delays (`delayMode: "shared"`, the seed's Step D). Needs k ≥ 2.
 *
 * @module
 */
import { pairedDifference } from "./paired.ts";

/**
 * The first-episode outcomes of one run (profile, method, seed).
 *
 * @example
 * ```ts
 * import type { RunOutcomes } from "./method_contrast.ts";
 * const run: RunOutcomes = { profile: "p", method: "naive", seed: 0, solved: [1, 0, 1] };
 * ```
 */
export interface RunOutcomes {
  /** Profile name. */
  profile: string;
  /** Method name. */
  method: string;
  /** Seed. */
  seed: number;
  /** Solved (1) or not (0), per rollout. */
  solved: ArrayLike<number>;
}

/**
 * A method's paired difference to the baseline under one profile.
 *
 * @example
 * ```ts
 * import type { MethodContrast } from "./method_contrast.ts";
 * const resolvedBySeed = (c: MethodContrast): boolean => c.seed_lo > 0 || c.seed_hi < 0;
 * ```
 */
export interface MethodContrast {
  /** Profile. */
  profile: string;
  /** The method. */
  method: string;
  /** The baseline method. */
  baseline: string;
  /** Seeds paired. */
  seeds: number;
  /** Pairs (rollouts over all seeds). */
  rollouts: number;
  /** The method's solve rate over the pairs. */
  solved: number;
  /** The baseline's solve rate over the pairs. */
  baseline_solved: number;
  /** `solved − baseline_solved`. */
  diff: number;
  /** Rollout as the unit: Newcombe's 95% interval, lower end. */
  diff_lo: number;
  /** Upper end. */
  diff_hi: number;
  /** Exact McNemar p-value over all pairs. */
  p_mcnemar: number;
  /** Pairs only the method solved. */
  only_method: number;
  /** Pairs only the baseline solved. */
  only_baseline: number;
  /** Seed as the unit: 95% t interval of the per-seed differences, lower end (NaN with one seed). */
  seed_lo: number;
  /** Upper end (NaN with one seed). */
  seed_hi: number;
}

// Two-sided 95% Student t quantiles t_{0.975, df}, df = 1..30.
const T975 = [
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];

/**
 * The two-sided 95% Student t quantile for `df` degrees of freedom (1.96
 * beyond 30).
 *
 * @param df Degrees of freedom, a positive integer.
 * @returns t_{0.975, df}.
 * @throws {RangeError} If df is not a positive integer.
 *
 * @example
 * ```ts
 * import { tQuantile975 } from "./method_contrast.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tQuantile975(4), 2.776);
 * assert.equal(tQuantile975(1000), 1.96);
 * ```
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) {
    throw new RangeError(
      `Cannot compute a t quantile as df must be a positive integer: current value is ${df}`,
    );
  }
  return df <= T975.length ? T975[df - 1]! : 1.96;
}

/**
 * Pairs every method with the baseline under each profile, seed by seed and
 * rollout by rollout, and reports both intervals (see the module doc).
 * Profiles without the baseline are left out; a method is contrasted over
 * the seeds both have.
 *
 * @param runs Outcomes of the runs.
 * @param options `baseline`: the method compared against (default `naive`).
 * @returns One contrast per (profile, method ≠ baseline), in the order the
 *   runs list them.
 * @throws {RangeError} If paired runs have different numbers of rollouts.
 *
 * @example
 * ```ts
 * import { contrastMethods } from "./method_contrast.ts";
 * import assert from "node:assert/strict";
 * const runs = [0, 1, 2].flatMap((seed) => [
 *   { profile: "p", method: "naive", seed, solved: [1, 0, 0, 0, 1, 0, 0, 0] },
 *   { profile: "p", method: "realtime", seed, solved: [1, 1, 1, 0, 1, 1, 0, 1] },
 * ]);
 * const [c] = contrastMethods(runs);
 * assert.equal(c!.rollouts, 24);
 * assert.equal(c!.diff, 0.5);
 * assert.ok(c!.diff_lo > 0 && c!.seed_lo > 0);
 * ```
 */
export function contrastMethods(
  runs: readonly RunOutcomes[],
  options: { baseline?: string } = {},
): MethodContrast[] {
  const baseline = options.baseline ?? "naive";
  const key = (r: { profile: string; method: string; seed: number }) =>
    `${r.profile}\u0000${r.method}\u0000${r.seed}`;
  const byKey = new Map(runs.map((r) => [key(r), r]));
  const pairs: { profile: string; method: string }[] = [];
  const seen = new Set<string>();
  for (const r of runs) {
    const k = `${r.profile}\u0000${r.method}`;
    if (r.method === baseline || seen.has(k)) continue;
    seen.add(k);
    pairs.push({ profile: r.profile, method: r.method });
  }
  const out: MethodContrast[] = [];
  for (const { profile, method } of pairs) {
    const a: number[] = [];
    const b: number[] = [];
    const perSeed: number[] = [];
    const seeds = [
      ...new Set(
        runs.filter((r) => r.profile === profile && r.method === method)
          .map((r) => r.seed),
      ),
    ];
    for (const seed of seeds) {
      const m = byKey.get(key({ profile, method, seed }))!;
      const base = byKey.get(key({ profile, method: baseline, seed }));
      if (!base) continue;
      if (m.solved.length !== base.solved.length) {
        throw new RangeError(
          `Cannot pair ${profile}/${method}/seed_${seed} with ${baseline} as their rollouts differ: current value is ${m.solved.length} vs ${base.solved.length}`,
        );
      }
      let sa = 0, sb = 0;
      for (let i = 0; i < m.solved.length; i++) {
        a.push(m.solved[i]!);
        b.push(base.solved[i]!);
        sa += m.solved[i]!;
        sb += base.solved[i]!;
      }
      perSeed.push((sa - sb) / m.solved.length);
    }
    if (perSeed.length === 0) continue;
    const d = pairedDifference(a, b);
    const k = perSeed.length;
    let seedLo = NaN, seedHi = NaN;
    if (k >= 2) {
      const mean = perSeed.reduce((s, x) => s + x, 0) / k;
      const sd = Math.sqrt(
        perSeed.reduce((s, x) => s + (x - mean) ** 2, 0) / (k - 1),
      );
      const half = tQuantile975(k - 1) * sd / Math.sqrt(k);
      seedLo = mean - half;
      seedHi = mean + half;
    }
    out.push({
      profile,
      method,
      baseline,
      seeds: k,
      rollouts: d.n,
      solved: d.rateA,
      baseline_solved: d.rateB,
      diff: d.diff,
      diff_lo: d.lower,
      diff_hi: d.upper,
      p_mcnemar: d.pValue,
      only_method: d.onlyA,
      only_baseline: d.onlyB,
      seed_lo: seedLo,
      seed_hi: seedHi,
    });
  }
  return out;
}

/** Columns of `paired.csv`, in order. */
export const CONTRAST_COLUMNS: readonly (keyof MethodContrast)[] = Object
  .freeze([
    "profile",
    "method",
    "baseline",
    "seeds",
    "rollouts",
    "solved",
    "baseline_solved",
    "diff",
    "diff_lo",
    "diff_hi",
    "p_mcnemar",
    "only_method",
    "only_baseline",
    "seed_lo",
    "seed_hi",
  ]);

/**
 * Formats contrasts as CSV (`CONTRAST_COLUMNS`; an undefined interval is an
 * empty cell).
 *
 * @param contrasts The contrasts.
 * @returns The CSV text, ending in a line break.
 *
 * @example
 * ```ts
 * import { contrastMethods, formatContrastCsv } from "./method_contrast.ts";
 * import assert from "node:assert/strict";
 * const runs = [
 *   { profile: "p", method: "naive", seed: 0, solved: [1, 0] },
 *   { profile: "p", method: "realtime", seed: 0, solved: [1, 1] },
 * ];
 * const csv = formatContrastCsv(contrastMethods(runs));
 * assert.match(csv, /^profile,method,baseline,/);
 * assert.match(csv, /,,\n$/); // one seed: no seed interval
 * ```
 */
export function formatContrastCsv(
  contrasts: readonly MethodContrast[],
): string {
  const cell = (v: string | number) =>
    typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : v;
  return [
    CONTRAST_COLUMNS.join(","),
    ...contrasts.map((c) => CONTRAST_COLUMNS.map((k) => cell(c[k])).join(",")),
  ].join("\n") + "\n";
}
