/**
 * Merging run folders into `<root>/results_all.csv` (Step D's `--merge`, and
 * the end of every matrix run).
 *
 * @module
 */
import { join } from "node:path";
import { exists, writeTextFileAtomic } from "../io/atomic.ts";
import {
  listRuns,
  RESULTS_FILE,
  ROLLOUTS_FILE,
  runDirectory,
  type RunKey,
} from "../io/run_folder.ts";
import {
  fingerprintDifference,
  rowDifference,
  RunConflictError,
  type RunFingerprint,
} from "./fingerprint.ts";
import {
  formatResultsCsv,
  parseResultsCsv,
  type ResultRow,
} from "./results.ts";
import { parseRolloutsCsv } from "./rollouts.ts";
import { readRunState, runLabel } from "./run_check.ts";

/**
 * The file merged from all run folders.
 *
 * @example
 * ```ts
 * import { RESULTS_ALL_FILE } from "./merge.ts";
 * import assert from "node:assert/strict";
 * assert.equal(RESULTS_ALL_FILE, "results_all.csv");
 * ```
 */
export const RESULTS_ALL_FILE = "results_all.csv";

/**
 * Options for {@linkcode mergeRuns}.
 *
 * @example
 * ```ts
 * import type { MergeOptions } from "./merge.ts";
 * const options: MergeOptions = { runs: [{ profile: "long_tail", method: "naive", seed: 0 }] };
 * ```
 */
export interface MergeOptions {
  /** The runs to merge, in this order. @default every finished run under root, sorted by profile, method, seed */
  runs?: readonly RunKey[];
  /**
   * The fingerprint each run must have (`runFingerprint`); a run recorded
   * with another is refused, and a run without one (made by an older
   * version) is checked on its own columns (`rowDifference`).
   */
  fingerprint?: (key: RunKey) => RunFingerprint;
  /**
   * Leave out requested runs that are not finished, or (with `fingerprint`)
   * were made with other settings, instead of refusing them: the merge of
   * one shard while others still run.
   * @default false
   */
  partial?: boolean;
  /** What to do, in the message of a run made with other settings. @default "rerun without --merge, with --force, to recompute it" */
  hint?: string;
  /** Write `results_all.csv` (false: only read and check the runs). @default true */
  write?: boolean;
}

/**
 * What {@linkcode mergeRuns} merged.
 *
 * @example
 * ```ts
 * import type { MergeReport } from "./merge.ts";
 * const done = (r: MergeReport): boolean => r.pending.length === 0;
 * ```
 */
export interface MergeReport {
  /** Path of `results_all.csv`. */
  resultsAll: string;
  /** The merged rows, in the order of `runs`. */
  rows: ResultRow[];
  /** Requested runs left out (`partial`): not finished, or made with other settings. */
  pending: RunKey[];
  /** Merged runs without a fingerprint (made by an older version). */
  legacy: RunKey[];
}

/**
 * Rebuilds `<root>/results_all.csv` from run folders: exactly the requested
 * runs, in the requested order. Every run's `results.csv` (and, for runs
 * with a fingerprint, `rollouts.csv`) is read strictly: a damaged file is
 * refused, naming the file and the line.
 *
 * @param root The matrix root.
 * @param options The runs, their fingerprints, and whether runs may be missing.
 * @returns The path written (not written when no run is merged), the rows,
 *   the runs left out and the runs without a fingerprint.
 * @throws {RangeError} If no run is found under root (without `runs`), or a
 *   requested run is not finished (without `partial`).
 * @throws {SyntaxError} If a run's file is damaged (`<file>:<line>: <what>`).
 * @throws {RunConflictError} If a run was made with other settings (without `partial`).
 *
 * @example
 * ```ts
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import { runMatrix } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * const zeros = (req: { batch: number }) =>
 *   Promise.resolve({ chunk: new Float32Array(req.batch * 4 * 2) });
 * const config = { kind: "fixed" as const, delay: 1 };
 * const plan = {
 *   root: await Deno.makeTempDir(), level: "reach_around", task: REACH_AROUND,
 *   profiles: [{ name: "fixed_1", profile: resolveProfile(config), config }],
 *   methods: [{ name: "zeros", sampler: zeros }],
 *   seeds: [0, 1], rollouts: 2, horizon: 4, executeHorizon: 1, evaluator: "scan" as const,
 * };
 * import { mergeRuns } from "./merge.ts";
 * await runMatrix(plan, { progress: () => {} });
 * const { rows } = await mergeRuns(plan.root, { runs: [{ profile: "fixed_1", method: "zeros", seed: 1 }] });
 * assert.deepEqual(rows.map((r) => r.seed), [1]);
 * await Deno.remove(plan.root, { recursive: true });
 * ```
 */
export async function mergeRuns(
  root: string,
  options: MergeOptions = {},
): Promise<MergeReport> {
  const keys = options.runs ?? await listRuns(root);
  if (keys.length === 0) {
    throw new RangeError(
      `Cannot merge runs as root has no <profile>/<method>/seed_<n>/results.csv: current value is "${root}"`,
    );
  }
  const hint = options.hint ??
    "rerun without --merge, with --force, to recompute it";
  const report: MergeReport = {
    resultsAll: join(root, RESULTS_ALL_FILE),
    rows: [],
    pending: [],
    legacy: [],
  };
  for (const key of keys) {
    const dir = runDirectory(root, key);
    const state = await readRunState(root, key);
    if (!state.complete) {
      if (options.partial) {
        report.pending.push(key);
        continue;
      }
      throw new RangeError(
        `Cannot merge as run ${
          runLabel(key)
        } in ${root} is not finished (no ${RESULTS_FILE}); run it, or its shard, first`,
      );
    }
    const path = join(dir, RESULTS_FILE);
    const rows = parseResultsCsv(await Deno.readTextFile(path), path);
    const row = rows[0];
    if (
      rows.length !== 1 || row!.profile !== key.profile ||
      row!.method !== key.method || row!.seed !== key.seed
    ) {
      throw new SyntaxError(
        `${path}:2: the file must hold one row of run ${
          runLabel(key)
        }: found ${rows.length} row(s)${
          row
            ? `, the first of ${row.profile}/${row.method}/seed_${row.seed}`
            : ""
        }`,
      );
    }
    const wanted = options.fingerprint?.(key);
    if (wanted) {
      const diff = state.fingerprint
        ? fingerprintDifference(state.fingerprint, wanted)
        : rowDifference(row!, wanted);
      if (diff) {
        if (options.partial) {
          report.pending.push(key);
          continue;
        }
        throw RunConflictError.differs(diff, {
          run: runLabel(key),
          root,
          hint,
        });
      }
    }
    if (state.fingerprint === null) report.legacy.push(key);
    else {
      const rolloutsPath = join(dir, ROLLOUTS_FILE);
      if (!(await exists(rolloutsPath))) {
        throw new SyntaxError(
          `${rolloutsPath}: missing: run ${
            runLabel(key)
          } is damaged; rerun it with --force`,
        );
      }
      const outcomes = parseRolloutsCsv(
        await Deno.readTextFile(rolloutsPath),
        rolloutsPath,
      );
      if (
        row!.rollouts !== undefined && outcomes.solved.length !== row!.rollouts
      ) {
        throw new SyntaxError(
          `${rolloutsPath}: the file must have ${
            row!.rollouts
          } rollouts like ${RESULTS_FILE}: current count is ${outcomes.solved.length}`,
        );
      }
    }
    report.rows.push(row!);
  }
  if (report.rows.length > 0 && options.write !== false) {
    await writeTextFileAtomic(report.resultsAll, formatResultsCsv(report.rows));
  }
  return report;
}
