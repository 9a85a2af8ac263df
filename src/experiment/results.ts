/**
 * Per-run result rows in the seed's `results.csv` / `results_all.csv`
 * layout: the seed's 15 columns in the seed's order, then this toolkit's
 * additional columns (appended, so readers that select by name keep working).
 *
 * @module
 */
import { formatCsv, parseCsv } from "../io/csv.ts";
import type { RunMetrics } from "../eval/metrics.ts";

/**
 * The seed's columns, in its order.
 *
 * @example
 * ```ts
 * import { SEED_RESULT_COLUMNS } from "./results.ts";
 * import assert from "node:assert/strict";
 * assert.equal(SEED_RESULT_COLUMNS.length, 15);
 * assert.equal(SEED_RESULT_COLUMNS[0], "profile");
 * ```
 */
export const SEED_RESULT_COLUMNS: readonly string[] = Object.freeze([
  "profile",
  "method",
  "seed",
  "level",
  "delay",
  "execute_horizon",
  "d_p50",
  "d_p95",
  "d_p99",
  "max_ddelta_action",
  "max_delta_action",
  "p_violate",
  "returned_episode_lengths",
  "returned_episode_returns",
  "returned_episode_solved",
]);

/**
 * Columns added by this toolkit, after the seed's.
 *
 * @example
 * ```ts
 * import { EXTRA_RESULT_COLUMNS } from "./results.ts";
 * import assert from "node:assert/strict";
 * assert.ok(EXTRA_RESULT_COLUMNS.includes("p_starve"));
 * ```
 */
export const EXTRA_RESULT_COLUMNS: readonly string[] = Object.freeze([
  "evaluator",
  "rollouts",
  "action_chunk_size",
  "max_delta_action_first_episode",
  "max_ddelta_action_first_episode",
  "p_starve",
  "mean_s",
  "n_inferences",
  "solved_ci_low",
  "solved_ci_high",
]);

/**
 * All result columns.
 *
 * @example
 * ```ts
 * import { RESULT_COLUMNS, SEED_RESULT_COLUMNS } from "./results.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(RESULT_COLUMNS.slice(0, 15), SEED_RESULT_COLUMNS);
 * ```
 */
export const RESULT_COLUMNS: readonly string[] = Object.freeze([
  ...SEED_RESULT_COLUMNS,
  ...EXTRA_RESULT_COLUMNS,
]);

/**
 * Columns printed as integers.
 *
 * @example
 * ```ts
 * import { RESULT_INTEGER_COLUMNS } from "./results.ts";
 * import assert from "node:assert/strict";
 * assert.ok(RESULT_INTEGER_COLUMNS.includes("seed"));
 * ```
 */
export const RESULT_INTEGER_COLUMNS: readonly string[] = Object.freeze([
  "seed",
  "execute_horizon",
  "rollouts",
  "action_chunk_size",
]);

/**
 * One result row (the metrics plus the run's coordinates).
 *
 * @example
 * ```ts
 * import type { ResultRow } from "./results.ts";
 * const row: ResultRow = { profile: "long_tail", method: "naive", seed: 0, level: "reach_around", delay: "profile", execute_horizon: 1 };
 * ```
 */
export interface ResultRow extends Partial<RunMetrics> {
  /** Delay profile name. */
  profile: string;
  /** Method name. */
  method: string;
  /** Seed. */
  seed: number;
  /** The task (the seed's Kinetix level path). */
  level: string;
  /** How delays were given: `"profile"` (as the seed) or a fixed number. */
  delay: string;
  /** Execute horizon s (async: s_min). */
  execute_horizon: number;
  /** `"scan"` or `"async"` (absent in the seed's files). */
  evaluator?: string;
  /** Rollouts (environments). */
  rollouts?: number;
  /** Chunk length H. */
  action_chunk_size?: number;
  /** Any other numeric column. */
  [column: string]: string | number | undefined;
}

/**
 * Coordinates and settings that label a run's metrics.
 *
 * @example
 * ```ts
 * import type { ResultLabel } from "./results.ts";
 * const label: ResultLabel = { profile: "long_tail", method: "naive", seed: 0, level: "reach_around", executeHorizon: 1, evaluator: "scan", rollouts: 256, horizon: 8 };
 * ```
 */
export interface ResultLabel {
  /** Delay profile name. */
  profile: string;
  /** Method name. */
  method: string;
  /** Seed. */
  seed: number;
  /** Task name. */
  level: string;
  /** Execute horizon s (async: s_min). */
  executeHorizon: number;
  /** `"scan"` or `"async"`. */
  evaluator: string;
  /** Rollouts. */
  rollouts: number;
  /** Chunk length H. */
  horizon: number;
}

/**
 * Builds a result row from a run's metrics and its label.
 *
 * @param metrics The run metrics.
 * @param label Profile, method, seed, task, settings.
 * @returns The row.
 *
 * @example
 * ```ts
 * import { formatResultsCsv, resultRow } from "./results.ts";
 * import { evaluateScan } from "../eval/mod.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const zeros = (req: { batch: number }) => Promise.resolve({ chunk: new Float32Array(req.batch * 8) });
 * const result = await evaluateScan(REACH_AROUND, {
 *   sampler: zeros, profile: resolveProfile({ kind: "fixed", delay: 0 }), seed: 0, numEnvs: 2, horizon: 4,
 * });
 * const row = resultRow(result.metrics, { profile: "fixed_0", method: "zeros", seed: 0,
 *   level: "reach_around", executeHorizon: 1, evaluator: "scan", rollouts: 2, horizon: 4 });
 * assert.match(formatResultsCsv([row]), /^profile,method,seed,level,/);
 * ```
 */
export function resultRow(metrics: RunMetrics, label: ResultLabel): ResultRow {
  return {
    ...metrics,
    profile: label.profile,
    method: label.method,
    seed: label.seed,
    level: label.level,
    delay: "profile",
    execute_horizon: label.executeHorizon,
    evaluator: label.evaluator,
    rollouts: label.rollouts,
    action_chunk_size: label.horizon,
  };
}

/**
 * Formats result rows as CSV (seed columns, then the extra ones; extra
 * columns are left out when no row has them, so seed rows round-trip).
 *
 * @param rows The rows.
 * @returns CSV text.
 *
 * @example
 * ```ts
 * import { formatResultsCsv } from "./results.ts";
 * import assert from "node:assert/strict";
 * const text = formatResultsCsv([{ profile: "p", method: "m", seed: 0, level: "l",
 *   delay: "profile", execute_horizon: 1, d_p50: 0 }]);
 * assert.ok(text.startsWith("profile,method,seed,level,delay,execute_horizon,d_p50,"));
 * assert.ok(text.includes("p,m,0,l,profile,1,0.0,"));
 * ```
 */
export function formatResultsCsv(rows: readonly ResultRow[]): string {
  const extras = EXTRA_RESULT_COLUMNS.filter((c) =>
    rows.some((r) => r[c] !== undefined)
  );
  return formatCsv(rows, {
    columns: [...SEED_RESULT_COLUMNS, ...extras],
    integerColumns: RESULT_INTEGER_COLUMNS,
  });
}

const STRING_COLUMNS = new Set([
  "profile",
  "method",
  "level",
  "delay",
  "evaluator",
]);
const REQUIRED = new Set(SEED_RESULT_COLUMNS);
const INTEGERS = new Set(RESULT_INTEGER_COLUMNS);

function cellValue(
  raw: string,
  column: string,
  where: string,
): string | number | undefined {
  if (raw === "") {
    if (REQUIRED.has(column)) {
      throw new SyntaxError(`${where}: column ${column} is empty`);
    }
    return undefined;
  }
  if (STRING_COLUMNS.has(column)) return raw;
  const t = raw.trim().toLowerCase();
  const v = t === "nan"
    ? NaN
    : t === "inf" || t === "+inf"
    ? Infinity
    : t === "-inf"
    ? -Infinity
    : t === ""
    ? NaN
    : Number(raw);
  if (Number.isNaN(v) && t !== "nan") {
    throw new SyntaxError(
      `${where}: column ${column} must be a number: current value is ${
        JSON.stringify(raw)
      }`,
    );
  }
  if (INTEGERS.has(column) && !Number.isInteger(v)) {
    throw new SyntaxError(
      `${where}: column ${column} must be an integer: current value is ${
        JSON.stringify(raw)
      }`,
    );
  }
  return v;
}

/**
 * Parses a `results.csv` / `results_all.csv` (the seed's or this toolkit's),
 * refusing a damaged file.
 *
 * @param text CSV text.
 * @param file The file's name, for messages. @default "results CSV"
 * @returns Typed rows (string columns as strings, the rest as numbers;
 *   an empty cell of an added column is left out).
 * @throws {SyntaxError} `<file>:<line>: <what>`, if a seed column is
 *   missing, a line has the wrong number of cells or no line break at the
 *   end of the file, a seed column's cell is empty, or a cell is not a
 *   number (`nan`, `inf` accepted) or not an integer where one is due.
 *
 * @example
 * ```ts
 * import { parseResultsCsv } from "./results.ts";
 * import assert from "node:assert/strict";
 * const header = "profile,method,seed,level,delay,execute_horizon,d_p50,d_p95,d_p99,max_ddelta_action,max_delta_action,p_violate,returned_episode_lengths,returned_episode_returns,returned_episode_solved";
 * const rows = parseResultsCsv(`${header}\np,m,0,l,profile,1,0.0,1.0,4.0,1,1,0.5,10,1,0\n`);
 * assert.equal(rows[0]!.d_p99, 4);
 * assert.throws(() => parseResultsCsv(`${header}\np,m,0,l,profile,1,0.0\n`, "r.csv"), /^SyntaxError: r\.csv:2: line has 7 cells/);
 * ```
 */
export function parseResultsCsv(
  text: string,
  file = "results CSV",
): ResultRow[] {
  const { columns, rows, lines } = parseCsv(text, {
    file,
    requireFinalNewline: true,
  });
  for (const c of SEED_RESULT_COLUMNS) {
    if (!columns.includes(c)) {
      throw new SyntaxError(
        `${file}:1: column ${c} is missing: found ${columns.join(",")}`,
      );
    }
  }
  return rows.map((raw, i) => {
    const row: Record<string, string | number> = {};
    const where = `${file}:${lines[i]}`;
    for (const c of columns) {
      const v = cellValue(raw[c]!, c, where);
      if (v !== undefined) row[c] = v;
    }
    return row as ResultRow;
  });
}
