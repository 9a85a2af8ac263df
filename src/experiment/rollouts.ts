/**
 * Per-rollout outcomes of a run (`rollouts.csv` in its folder): one row per
 * rollout with its first episode's solved flag, return, length and
 * first-episode smoothness maxima. Rollout r of two runs with the same seed
 * shares its initial state, action noise and flow noise, so these rows are
 * the unit of paired comparisons (see `paired.ts`).
 *
 * @module
 */
import { formatCsv, parseCsv } from "../io/csv.ts";
import type { RolloutLog } from "../envs/episode_log.ts";

/**
 * Columns of `rollouts.csv`, in order.
 *
 * @example
 * ```ts
 * import { ROLLOUT_COLUMNS } from "./rollouts.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ROLLOUT_COLUMNS[1], "solved");
 * ```
 */
export const ROLLOUT_COLUMNS: readonly string[] = Object.freeze([
  "rollout",
  "solved",
  "return",
  "length",
  "max_delta_action_first",
  "max_ddelta_action_first",
]);

/**
 * Per-rollout outcomes, parallel arrays indexed by rollout.
 *
 * @example
 * ```ts
 * import type { RolloutOutcomes } from "./rollouts.ts";
 * const rate = (o: RolloutOutcomes): number => o.solved.reduce((a, b) => a + b, 0) / o.solved.length;
 * ```
 */
export interface RolloutOutcomes {
  /** First episode solved (0/1). */
  solved: Uint8Array;
  /** First-episode return. */
  returns: Float64Array;
  /** First-episode length. */
  lengths: Int32Array;
  /** First-episode `max_t ‖a_t − a_{t−1}‖`. */
  maxDeltaFirst: Float64Array;
  /** First-episode `max_t ‖a_t − 2a_{t−1} + a_{t−2}‖`. */
  maxDdeltaFirst: Float64Array;
}

/**
 * Formats a run's rollout log as `rollouts.csv`.
 *
 * @param log The evaluator's rollout log.
 * @returns CSV text.
 *
 * @example
 * ```ts
 * import { formatRolloutsCsv, parseRolloutsCsv } from "./rollouts.ts";
 * import { createRolloutLog } from "../envs/episode_log.ts";
 * import assert from "node:assert/strict";
 * const log = createRolloutLog(2, { actionDim: 1 });
 * log.firstSolved[1] = 1;
 * const back = parseRolloutsCsv(formatRolloutsCsv(log), "rollouts.csv");
 * assert.deepEqual([...back.solved], [0, 1]);
 * ```
 */
export function formatRolloutsCsv(log: RolloutLog): string {
  const rows = Array.from({ length: log.numEnvs }, (_, e) => ({
    rollout: e,
    solved: log.firstSolved[e]!,
    return: log.firstReturn[e]!,
    length: log.firstLength[e]!,
    max_delta_action_first: log.maxDeltaFirst[e]!,
    max_ddelta_action_first: log.maxDdeltaFirst[e]!,
  }));
  return formatCsv(rows, {
    columns: ROLLOUT_COLUMNS,
    integerColumns: ["rollout", "solved", "length"],
  });
}

/**
 * Parses a `rollouts.csv`, refusing a damaged file.
 *
 * @param text CSV text.
 * @param file The file's name, for messages.
 * @returns The outcomes.
 * @throws {SyntaxError} `<file>:<line>: <what>`, if a column is missing, a
 *   line has the wrong number of cells or the last one no line break, a
 *   cell is empty or not a number, `solved` is not 0 or 1, or the rollout
 *   indices are not 0, 1, 2, ... in order.
 *
 * @example
 * ```ts
 * import { parseRolloutsCsv } from "./rollouts.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => parseRolloutsCsv("rollout,solved\n0,1\n", "x.csv"), /x.csv/);
 * ```
 */
export function parseRolloutsCsv(text: string, file: string): RolloutOutcomes {
  const { columns, rows, lines } = parseCsv(text, {
    file,
    requireFinalNewline: true,
  });
  const missing = ROLLOUT_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new SyntaxError(
      `${file}:1: column ${missing[0]} is missing: found ${columns.join(",")}`,
    );
  }
  const n = rows.length;
  const out: RolloutOutcomes = {
    solved: new Uint8Array(n),
    returns: new Float64Array(n),
    lengths: new Int32Array(n),
    maxDeltaFirst: new Float64Array(n),
    maxDdeltaFirst: new Float64Array(n),
  };
  rows.forEach((row, i) => {
    const line = lines[i]!;
    const num = (c: string): number => {
      const cell = row[c];
      const v = cell === undefined || cell === "" ? NaN : Number(cell);
      if (!Number.isFinite(v)) {
        throw new SyntaxError(
          `${file}:${line}: column ${c} must be a number: current value is "${
            cell ?? ""
          }"`,
        );
      }
      return v;
    };
    if (num("rollout") !== i) {
      throw new SyntaxError(
        `${file}:${line}: the line must hold rollout ${i}: current value is ${row.rollout}`,
      );
    }
    const s = num("solved");
    if (s !== 0 && s !== 1) {
      throw new SyntaxError(
        `${file}:${line}: column solved must be 0 or 1: current value is ${s}`,
      );
    }
    out.solved[i] = s;
    out.returns[i] = num("return");
    out.lengths[i] = num("length");
    out.maxDeltaFirst[i] = num("max_delta_action_first");
    out.maxDdeltaFirst[i] = num("max_ddelta_action_first");
  });
  return out;
}
