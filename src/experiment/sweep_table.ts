/**
 * The tables of a delay sweep: `sweep.csv` (one row per task, method and
 * delay: solve rate with its 95% Wilson interval, the paired difference to
 * naive at the same point with its 95% interval and exact McNemar p-value,
 * first-episode smoothness) and `bounds.csv` (the expert bounds per task
 * and delay). The unit of analysis is the rollout: at a given (d, s) every
 * method runs the same seed, so rollout r of every method starts from the
 * same state with the same action noise, flow noise and delays.
 *
 * @module
 */
import { formatCsv, parseCsv } from "../io/csv.ts";
import { wilsonInterval } from "../latency/stats.ts";
import { mean } from "../eval/stats.ts";
import { pairedDifference } from "./paired.ts";
import type { RolloutOutcomes } from "./rollouts.ts";

/**
 * Columns of `sweep.csv`, in order.
 *
 * @example
 * ```ts
 * import { SWEEP_COLUMNS } from "./sweep_table.ts";
 * import assert from "node:assert/strict";
 * assert.equal(SWEEP_COLUMNS.slice(0, 4).join(","), "task,method,delay,execute_horizon");
 * ```
 */
export const SWEEP_COLUMNS: readonly string[] = Object.freeze([
  "task",
  "method",
  "delay",
  "execute_horizon",
  "rollouts",
  "solved",
  "solved_lo",
  "solved_hi",
  "diff_vs_naive",
  "diff_lo",
  "diff_hi",
  "p_mcnemar",
  "only_method",
  "only_naive",
  "max_delta_action_first",
  "max_ddelta_action_first",
  "checkpoint",
]);

/**
 * Columns of `bounds.csv`, in order.
 *
 * @example
 * ```ts
 * import { BOUNDS_COLUMNS } from "./sweep_table.ts";
 * import assert from "node:assert/strict";
 * assert.equal(BOUNDS_COLUMNS.join(","), "task,delay,execute_horizon,rollouts,stale_expert,stale_lo,stale_hi,prefix_expert,prefix_lo,prefix_hi");
 * ```
 */
export const BOUNDS_COLUMNS: readonly string[] = Object.freeze([
  "task",
  "delay",
  "execute_horizon",
  "rollouts",
  "stale_expert",
  "stale_lo",
  "stale_hi",
  "prefix_expert",
  "prefix_lo",
  "prefix_hi",
]);

/**
 * One row of `sweep.csv`.
 *
 * @example
 * ```ts
 * import type { SweepPoint } from "./sweep_table.ts";
 * const resolved = (p: SweepPoint): boolean => p.diff_lo > 0 || p.diff_hi < 0;
 * ```
 */
export interface SweepPoint {
  /** Task name. */
  task: string;
  /** Method name. */
  method: string;
  /** Fixed delay d. */
  delay: number;
  /** Execute horizon s. */
  execute_horizon: number;
  /** Rollouts (paired units). */
  rollouts: number;
  /** First-episode solve rate. */
  solved: number;
  /** 95% Wilson interval, lower end. */
  solved_lo: number;
  /** 95% Wilson interval, upper end. */
  solved_hi: number;
  /** Solve rate minus naive's at the same point (naive's own row: 0, interval [0, 0]). */
  diff_vs_naive: number;
  /** Paired 95% interval of the difference (Newcombe), lower end. */
  diff_lo: number;
  /** Upper end. */
  diff_hi: number;
  /** Exact two-sided McNemar p-value of the difference. */
  p_mcnemar: number;
  /** Rollouts only this method solved. */
  only_method: number;
  /** Rollouts only naive solved. */
  only_naive: number;
  /** Mean over rollouts of the first episode's `max ‖a_t − a_{t−1}‖`. */
  max_delta_action_first: number;
  /** Mean over rollouts of the first episode's `max ‖a_t − 2a_{t−1} + a_{t−2}‖`. */
  max_ddelta_action_first: number;
  /** The method's checkpoint. */
  checkpoint: string;
}

/**
 * One row of `bounds.csv`.
 *
 * @example
 * ```ts
 * import type { BoundsPoint } from "./sweep_table.ts";
 * const band = (b: BoundsPoint): number => b.prefix_expert - b.stale_expert;
 * ```
 */
export interface BoundsPoint {
  /** Task name. */
  task: string;
  /** Fixed delay d. */
  delay: number;
  /** Execute horizon s. */
  execute_horizon: number;
  /** Rollouts. */
  rollouts: number;
  /** Solve rate of the delay-blind (stale) expert. */
  stale_expert: number;
  /** Its 95% Wilson interval. */
  stale_lo: number;
  /** Upper end. */
  stale_hi: number;
  /** Solve rate of the prefix-aware expert. */
  prefix_expert: number;
  /** Its 95% Wilson interval. */
  prefix_lo: number;
  /** Upper end. */
  prefix_hi: number;
}

/**
 * The outcomes of one method at one sweep point.
 *
 * @example
 * ```ts
 * import type { MethodOutcomes } from "./sweep_table.ts";
 * const n = (m: MethodOutcomes): number => m.outcomes.solved.length;
 * ```
 */
export interface MethodOutcomes {
  /** Method name (`naive` is the reference). */
  method: string;
  /** Its checkpoint. */
  checkpoint: string;
  /** Per-rollout outcomes. */
  outcomes: RolloutOutcomes;
}

/**
 * The `sweep.csv` rows of one (task, d, s) point: every method against
 * naive, paired by rollout. A method with fewer rollouts than naive is
 * paired with naive's first rollouts (same seed: the same units).
 *
 * @param point Task, delay and execute horizon.
 * @param methods Outcomes per method; one must be `naive`.
 * @returns One row per method, in the given order.
 * @throws {RangeError} If naive is missing or has fewer rollouts than a method.
 *
 * @example
 * ```ts
 * import { sweepPoints } from "./sweep_table.ts";
 * import assert from "node:assert/strict";
 * const o = (s: number[]) => ({ solved: Uint8Array.from(s), returns: new Float64Array(s.length),
 *   lengths: new Int32Array(s.length), maxDeltaFirst: new Float64Array(s.length), maxDdeltaFirst: new Float64Array(s.length) });
 * const rows = sweepPoints({ task: "t", delay: 1, executeHorizon: 1 }, [
 *   { method: "naive", checkpoint: "p", outcomes: o([0, 0, 1, 0]) },
 *   { method: "realtime", checkpoint: "p", outcomes: o([1, 1, 1, 0]) },
 * ]);
 * assert.equal(rows[1]!.diff_vs_naive, 0.5);
 * assert.equal(rows[1]!.only_method, 2);
 * ```
 */
export function sweepPoints(
  point: { task: string; delay: number; executeHorizon: number },
  methods: readonly MethodOutcomes[],
): SweepPoint[] {
  const naive = methods.find((m) => m.method === "naive");
  if (!naive) {
    throw new RangeError(
      `Cannot compare sweep point as method naive is missing: current methods are ${
        methods.map((m) => m.method).join(",")
      }`,
    );
  }
  return methods.map((m) => {
    const n = m.outcomes.solved.length;
    if (n > naive.outcomes.solved.length) {
      throw new RangeError(
        `Cannot pair ${m.method} with naive as naive must have at least ${n} rollouts: current value is ${naive.outcomes.solved.length}`,
      );
    }
    const solved = m.outcomes.solved;
    const wins = solved.reduce((a, b) => a + b, 0);
    const w = wilsonInterval(wins, n);
    const p = m === naive
      ? { diff: 0, lower: 0, upper: 0, pValue: 1, onlyA: 0, onlyB: 0 }
      : pairedDifference(solved, naive.outcomes.solved.subarray(0, n));
    return {
      task: point.task,
      method: m.method,
      delay: point.delay,
      execute_horizon: point.executeHorizon,
      rollouts: n,
      solved: wins / n,
      solved_lo: w.lower,
      solved_hi: w.upper,
      diff_vs_naive: p.diff,
      diff_lo: p.lower,
      diff_hi: p.upper,
      p_mcnemar: p.pValue,
      only_method: p.onlyA,
      only_naive: p.onlyB,
      max_delta_action_first: mean(m.outcomes.maxDeltaFirst),
      max_ddelta_action_first: mean(m.outcomes.maxDdeltaFirst),
      checkpoint: m.checkpoint,
    };
  });
}

/**
 * The `bounds.csv` row of one point.
 *
 * @param point Task, delay and execute horizon.
 * @param solved Per-rollout first-episode outcomes of the stale and the prefix expert.
 * @returns The row.
 *
 * @example
 * ```ts
 * import { boundsPoint } from "./sweep_table.ts";
 * import assert from "node:assert/strict";
 * const b = boundsPoint({ task: "t", delay: 2, executeHorizon: 2 },
 *   { stale: Uint8Array.of(0, 1), prefix: Uint8Array.of(1, 1) });
 * assert.equal(b.stale_expert, 0.5);
 * assert.equal(b.prefix_expert, 1);
 * ```
 */
export function boundsPoint(
  point: { task: string; delay: number; executeHorizon: number },
  solved: { stale: Uint8Array; prefix: Uint8Array },
): BoundsPoint {
  const n = solved.stale.length;
  const rate = (x: Uint8Array) => x.reduce((a, b) => a + b, 0);
  const ws = wilsonInterval(rate(solved.stale), n);
  const wp = wilsonInterval(rate(solved.prefix), n);
  return {
    task: point.task,
    delay: point.delay,
    execute_horizon: point.executeHorizon,
    rollouts: n,
    stale_expert: rate(solved.stale) / n,
    stale_lo: ws.lower,
    stale_hi: ws.upper,
    prefix_expert: rate(solved.prefix) / n,
    prefix_lo: wp.lower,
    prefix_hi: wp.upper,
  };
}

const SWEEP_INTS = [
  "delay",
  "execute_horizon",
  "rollouts",
  "only_method",
  "only_naive",
];
const BOUNDS_INTS = ["delay", "execute_horizon", "rollouts"];

/**
 * Formats `sweep.csv`.
 *
 * @param rows The rows.
 * @returns CSV text.
 *
 * @example
 * ```ts
 * import { formatSweepCsv, SWEEP_COLUMNS } from "./sweep_table.ts";
 * import assert from "node:assert/strict";
 * assert.ok(formatSweepCsv([]).startsWith(SWEEP_COLUMNS.join(",")));
 * ```
 */
export function formatSweepCsv(rows: readonly SweepPoint[]): string {
  return formatCsv(
    rows as unknown as Record<string, string | number>[],
    { columns: SWEEP_COLUMNS, integerColumns: SWEEP_INTS },
  );
}

/**
 * Formats `bounds.csv`.
 *
 * @param rows The rows.
 * @returns CSV text.
 *
 * @example
 * ```ts
 * import { formatBoundsCsv, BOUNDS_COLUMNS } from "./sweep_table.ts";
 * import assert from "node:assert/strict";
 * assert.ok(formatBoundsCsv([]).startsWith(BOUNDS_COLUMNS.join(",")));
 * ```
 */
export function formatBoundsCsv(rows: readonly BoundsPoint[]): string {
  return formatCsv(
    rows as unknown as Record<string, string | number>[],
    { columns: BOUNDS_COLUMNS, integerColumns: BOUNDS_INTS },
  );
}

function parseTable<T>(
  text: string,
  file: string,
  columns: readonly string[],
  strings: readonly string[],
): T[] {
  const parsed = parseCsv(text);
  const missing = columns.filter((c) => !parsed.columns.includes(c));
  if (missing.length > 0) {
    throw new SyntaxError(
      `Cannot read ${file} as column ${missing[0]} is missing: found ${
        parsed.columns.join(",")
      }`,
    );
  }
  return parsed.rows.map((raw, i) => {
    const row: Record<string, string | number> = {};
    for (const c of columns) {
      const cell = raw[c];
      if (cell === undefined || cell === "") {
        throw new SyntaxError(
          `Cannot read ${file} as line ${i + 2} column ${c} is empty`,
        );
      }
      if (strings.includes(c)) {
        row[c] = cell;
        continue;
      }
      const v = Number(cell);
      if (Number.isNaN(v)) {
        throw new SyntaxError(
          `Cannot read ${file} as line ${
            i + 2
          } column ${c} must be a number: current value is "${cell}"`,
        );
      }
      row[c] = v;
    }
    return row as T;
  });
}

/**
 * Parses `sweep.csv`, refusing a damaged file.
 *
 * @param text CSV text.
 * @param file The file's name, for messages.
 * @returns The rows.
 * @throws {SyntaxError} Naming the file and line.
 *
 * @example
 * ```ts
 * import { formatSweepCsv, parseSweepCsv } from "./sweep_table.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseSweepCsv(formatSweepCsv([]), "sweep.csv"), []);
 * ```
 */
export function parseSweepCsv(text: string, file: string): SweepPoint[] {
  return parseTable<SweepPoint>(text, file, SWEEP_COLUMNS, [
    "task",
    "method",
    "checkpoint",
  ]);
}

/**
 * Parses `bounds.csv`, refusing a damaged file.
 *
 * @param text CSV text.
 * @param file The file's name, for messages.
 * @returns The rows.
 * @throws {SyntaxError} Naming the file and line.
 *
 * @example
 * ```ts
 * import { formatBoundsCsv, parseBoundsCsv } from "./sweep_table.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseBoundsCsv(formatBoundsCsv([]), "bounds.csv"), []);
 * ```
 */
export function parseBoundsCsv(text: string, file: string): BoundsPoint[] {
  return parseTable<BoundsPoint>(text, file, BOUNDS_COLUMNS, ["task"]);
}
