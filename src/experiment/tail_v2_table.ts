/**
 * The tables of tail_v2: `summary.csv` (one row per task, profile, arm,
 * method, forecaster and seed: the solve rate with its 95% Wilson
 * interval, starvation, delay percentiles, the latency scale, and the
 * difference to control `none` of the same task, profile, method,
 * forecaster and seed, paired rollout by rollout: Newcombe's interval,
 * exact McNemar p-value, the phi correlation of the pairs) and the
 * forecaster comparison (the same arm under two forecasters, paired).
 *
 * Rollouts are the units: every arm runs the same seed (common random
 * numbers) and each environment draws its own delays, so the rollouts of
 * an arm are independent and rollout r of two arms is a pair.
 *
 * @module
 */
import { formatCsv } from "../io/csv.ts";
import { wilsonInterval } from "../latency/stats.ts";
import { pairedDifference } from "./paired.ts";
import { REFERENCE_ARM } from "./tail_v2_spec.ts";

/**
 * One arm of a tail_v2 run as the tables need it.
 *
 * @example
 * ```ts
 * import type { TailV2Arm } from "./tail_v2_table.ts";
 * const rate = (a: TailV2Arm): number => a.solved.reduce((x, y) => x + y, 0) / a.solved.length;
 * ```
 */
export interface TailV2Arm {
  /** Task name. */
  task: string;
  /** Profile name. */
  profile: string;
  /** Arm: a control name (`none` uncontrolled) or `reference`. */
  control: string;
  /** Method name. */
  method: string;
  /** Forecaster name (`buffer_max:10`). */
  forecaster: string;
  /** Seed. */
  seed: number;
  /** First-episode solved flag per rollout. */
  solved: Uint8Array;
  /** Fraction of control steps without a fresh action. */
  pStarve: number;
  /** Delay percentiles (steps). */
  dP50: number;
  /** 95th percentile. */
  dP95: number;
  /** 99th percentile. */
  dP99: number;
  /** The method's latency scale (1 without cost coupling). */
  latencyScale: number;
  /** Control period of a millisecond profile, else null. */
  dtMs: number | null;
  /** Histogram of the delays drawn (steps). */
  delays: { delay: number; count: number }[];
}

/**
 * Columns of `summary.csv`, in order.
 *
 * @example
 * ```ts
 * import { TAIL_V2_COLUMNS } from "./tail_v2_table.ts";
 * import assert from "node:assert/strict";
 * assert.equal(TAIL_V2_COLUMNS.slice(0, 4).join(","), "task,profile,control,method");
 * ```
 */
export const TAIL_V2_COLUMNS: readonly string[] = Object.freeze([
  "task",
  "profile",
  "control",
  "method",
  "rollouts",
  "solved",
  "solved_lo",
  "solved_hi",
  "p_starve",
  "diff_vs_none",
  "diff_lo",
  "diff_hi",
  "forecaster",
  "seed",
  "p_mcnemar",
  "only_control",
  "only_none",
  "phi",
  "d_p50",
  "d_p95",
  "d_p99",
  "latency_scale",
  "dt_ms",
]);

/**
 * One row of `summary.csv`.
 *
 * @example
 * ```ts
 * import type { TailV2Row } from "./tail_v2_table.ts";
 * const helps = (r: TailV2Row): boolean => r.diff_lo > 0;
 * ```
 */
export interface TailV2Row {
  /** Task. */
  task: string;
  /** Profile. */
  profile: string;
  /** Arm (`none`, a control, or `reference`). */
  control: string;
  /** Method. */
  method: string;
  /** Rollouts (paired units). */
  rollouts: number;
  /** First-episode solve rate. */
  solved: number;
  /** 95% Wilson interval, lower end. */
  solved_lo: number;
  /** Upper end. */
  solved_hi: number;
  /** Fraction of control steps starved. */
  p_starve: number;
  /** Solve rate minus `none`'s, paired (none's own row: 0 [0, 0]; NaN without a `none` arm). */
  diff_vs_none: number;
  /** Newcombe 95% interval, lower end. */
  diff_lo: number;
  /** Upper end. */
  diff_hi: number;
  /** Forecaster. */
  forecaster: string;
  /** Seed. */
  seed: number;
  /** Exact two-sided McNemar p-value. */
  p_mcnemar: number;
  /** Rollouts only this arm solved. */
  only_control: number;
  /** Rollouts only `none` solved. */
  only_none: number;
  /** Phi correlation of the paired outcomes. */
  phi: number;
  /** Delay percentiles in steps. */
  d_p50: number;
  /** 95th. */
  d_p95: number;
  /** 99th. */
  d_p99: number;
  /** The method's latency scale. */
  latency_scale: number;
  /** Control period (ms) of a millisecond profile, else null. */
  dt_ms: number | null;
}

function armRank(control: string): number {
  return control === "none" ? 0 : control === REFERENCE_ARM ? 2 : 1;
}

/**
 * Sorts arms by task, forecaster, profile, method, then `none`, the
 * controls (by name) and `reference` last.
 *
 * @param arms The arms.
 * @returns A sorted copy.
 *
 * @example
 * ```ts
 * import { sortArms } from "./tail_v2_table.ts";
 * import assert from "node:assert/strict";
 * const a = (control: string) => ({ task: "t", profile: "p", method: "m", forecaster: "f", seed: 0, control });
 * assert.deepEqual(sortArms([a("reference"), a("hedge"), a("none")]).map((x) => x.control), ["none", "hedge", "reference"]);
 * ```
 */
export function sortArms<
  T extends Pick<
    TailV2Arm,
    "task" | "profile" | "control" | "method" | "forecaster" | "seed"
  >,
>(arms: readonly T[]): T[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...arms].sort((a, b) =>
    cmp(a.task, b.task) || cmp(a.forecaster, b.forecaster) ||
    cmp(a.profile, b.profile) || cmp(a.method, b.method) ||
    a.seed - b.seed || armRank(a.control) - armRank(b.control) ||
    cmp(a.control, b.control)
  );
}

function sameCell(a: TailV2Arm, b: TailV2Arm): boolean {
  return a.task === b.task && a.profile === b.profile &&
    a.method === b.method && a.forecaster === b.forecaster &&
    a.seed === b.seed;
}

function checkPair(a: TailV2Arm, b: TailV2Arm): void {
  if (a.solved.length !== b.solved.length) {
    throw new RangeError(
      `Cannot pair ${a.task}/${a.profile}/${a.control}/${a.method} with ${b.control} as both must have the same rollouts: current values are ${a.solved.length} and ${b.solved.length}`,
    );
  }
}

/**
 * The `summary.csv` rows: each arm with its difference to `none` of the
 * same task, profile, method, forecaster and seed, paired by rollout.
 *
 * @param arms The arms (any order).
 * @returns One row per arm, sorted as {@linkcode sortArms}.
 * @throws {RangeError} If an arm and its `none` have different rollout counts.
 *
 * @example
 * ```ts
 * import { tailV2Rows } from "./tail_v2_table.ts";
 * import assert from "node:assert/strict";
 * const arm = (control: string, solved: number[]) => ({
 *   task: "t", profile: "p", control, method: "naive", forecaster: "buffer_max:10", seed: 0,
 *   solved: Uint8Array.from(solved), pStarve: 0, dP50: 1, dP95: 2, dP99: 4,
 *   latencyScale: 1, dtMs: 20, delays: [],
 * });
 * const rows = tailV2Rows([arm("tail_cap", [1, 1, 1, 0]), arm("none", [1, 0, 1, 0])]);
 * assert.deepEqual(rows.map((r) => [r.control, r.diff_vs_none]), [["none", 0], ["tail_cap", 0.25]]);
 * ```
 */
export function tailV2Rows(arms: readonly TailV2Arm[]): TailV2Row[] {
  const sorted = sortArms(arms);
  return sorted.map((arm) => {
    const n = arm.solved.length;
    const wins = arm.solved.reduce((a, b) => a + b, 0);
    const w = wilsonInterval(wins, n);
    const none = sorted.find((b) => b.control === "none" && sameCell(arm, b));
    let p = {
      diff: NaN,
      lower: NaN,
      upper: NaN,
      pValue: NaN,
      onlyA: NaN,
      onlyB: NaN,
      phi: NaN,
    };
    if (none === arm) {
      p = {
        diff: 0,
        lower: 0,
        upper: 0,
        pValue: 1,
        onlyA: 0,
        onlyB: 0,
        phi: 1,
      };
    } else if (none) {
      checkPair(arm, none);
      p = pairedDifference(arm.solved, none.solved);
    }
    return {
      task: arm.task,
      profile: arm.profile,
      control: arm.control,
      method: arm.method,
      rollouts: n,
      solved: wins / n,
      solved_lo: w.lower,
      solved_hi: w.upper,
      p_starve: arm.pStarve,
      diff_vs_none: p.diff,
      diff_lo: p.lower,
      diff_hi: p.upper,
      forecaster: arm.forecaster,
      seed: arm.seed,
      p_mcnemar: p.pValue,
      only_control: p.onlyA,
      only_none: p.onlyB,
      phi: p.phi,
      d_p50: arm.dP50,
      d_p95: arm.dP95,
      d_p99: arm.dP99,
      latency_scale: arm.latencyScale,
      dt_ms: arm.dtMs,
    };
  });
}

/**
 * Formats `summary.csv` (NaN cells, e.g. a difference without a `none`
 * arm, are empty).
 *
 * @param rows The rows.
 * @returns CSV text.
 *
 * @example
 * ```ts
 * import { formatTailV2Csv, TAIL_V2_COLUMNS } from "./tail_v2_table.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatTailV2Csv([]), TAIL_V2_COLUMNS.join(",") + "\r\n");
 * ```
 */
export function formatTailV2Csv(rows: readonly TailV2Row[]): string {
  return formatCsv(
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          typeof v === "number" && Number.isNaN(v) ? null : v,
        ]),
      )
    ),
    {
      columns: TAIL_V2_COLUMNS,
      integerColumns: ["rollouts", "seed", "only_control", "only_none"],
    },
  );
}

/**
 * One forecaster comparison: the same task, profile, arm, method and seed
 * under forecaster A and forecaster B, paired by rollout.
 *
 * @example
 * ```ts
 * import type { ForecasterComparison } from "./tail_v2_table.ts";
 * const resolved = (c: ForecasterComparison): boolean => c.diff_lo > 0 || c.diff_hi < 0;
 * ```
 */
export interface ForecasterComparison {
  /** Task. */
  task: string;
  /** Profile. */
  profile: string;
  /** Arm. */
  control: string;
  /** Method. */
  method: string;
  /** Forecaster A (the compared one). */
  forecaster: string;
  /** Forecaster B (the main one). */
  versus: string;
  /** Solve rate under A. */
  solved: number;
  /** Solve rate under B. */
  solved_versus: number;
  /** A − B, paired. */
  diff: number;
  /** Newcombe 95% interval, lower end. */
  diff_lo: number;
  /** Upper end. */
  diff_hi: number;
  /** Exact McNemar p-value. */
  p_mcnemar: number;
}

/**
 * Pairs every arm of a forecaster other than `main` with the same arm
 * under `main`.
 *
 * @param arms The arms.
 * @param options `main`: the main forecaster's name.
 * @returns One comparison per arm of the other forecasters that `main` also ran.
 *
 * @example
 * ```ts
 * import { forecasterComparisons } from "./tail_v2_table.ts";
 * import assert from "node:assert/strict";
 * const arm = (forecaster: string, solved: number[]) => ({
 *   task: "t", profile: "p", control: "none", method: "realtime", forecaster, seed: 0,
 *   solved: Uint8Array.from(solved), pStarve: 0, dP50: 1, dP95: 2, dP99: 4,
 *   latencyScale: 1, dtMs: 20, delays: [],
 * });
 * const c = forecasterComparisons([arm("buffer_max:10", [0, 1]), arm("quantile:0.9:20", [1, 1])], { main: "buffer_max:10" });
 * assert.equal(c[0]!.diff, 0.5);
 * ```
 */
export function forecasterComparisons(
  arms: readonly TailV2Arm[],
  options: { main: string },
): ForecasterComparison[] {
  const out: ForecasterComparison[] = [];
  for (const a of sortArms(arms)) {
    if (a.forecaster === options.main) continue;
    const b = arms.find((x) =>
      x.forecaster === options.main && x.task === a.task &&
      x.profile === a.profile && x.control === a.control &&
      x.method === a.method && x.seed === a.seed
    );
    if (!b) continue;
    checkPair(a, b);
    const p = pairedDifference(a.solved, b.solved);
    out.push({
      task: a.task,
      profile: a.profile,
      control: a.control,
      method: a.method,
      forecaster: a.forecaster,
      versus: b.forecaster,
      solved: p.rateA,
      solved_versus: p.rateB,
      diff: p.diff,
      diff_lo: p.lower,
      diff_hi: p.upper,
      p_mcnemar: p.pValue,
    });
  }
  return out;
}
