/**
 * Step D: run the matrix profile × method × seed into run folders
 * (`<root>/<profile>/<method>/seed_<n>/{config.json,rollouts.csv,results.csv}`),
 * resumable, shardable and safe to share between concurrent workers, then
 * merge the requested runs into `<root>/results_all.csv`.
 *
 * - A run folder knows what it holds: its `config.json` records the run's
 *   fingerprint (`runFingerprint`). A finished run (`results.csv` present)
 *   is reused only when its fingerprint matches the request; otherwise the
 *   matrix refuses, before computing anything, with a `RunConflictError`
 *   naming the run and the first differing field (unless `force`). A run
 *   without a fingerprint (made by an older version) is refused the same way.
 * - Resumable: `results.csv` is written last and atomically, and a run being
 *   recomputed loses its old `results.csv` first, so a killed run leaves no
 *   results and is redone.
 * - Concurrent workers: a worker claims a run (`claim.json`, see
 *   `src/io/claim.ts`) before computing it; runs claimed by another live
 *   worker are left to it and waited for, a stale claim is taken over. No run
 *   is computed twice, and each worker ends with the whole matrix merged.
 * - Deterministic: the CSVs are byte-identical on a rerun (no timestamps; the
 *   inference timing goes to `config.json`).
 * - Shards: `shard = { index: i, count: n }` runs every n-th run starting at
 *   i (in plan order); each shard merges the requested runs finished so far.
 * - `results_all.csv` holds exactly the requested runs, in plan order
 *   (profile, method, seed as given), finished ones only while shards run.
 *
 * @module
 */
import {
  claimFolder,
  type ClaimOptions,
  clearStaleClaim,
} from "../io/claim.ts";
import {
  removeRunResults,
  runDirectory,
  type RunKey,
} from "../io/run_folder.ts";
import { runFingerprint } from "./fingerprint.ts";
import { type MatrixPlan, planRuns } from "./matrix_plan.ts";
import { mergeRuns } from "./merge.ts";
import type { ResultRow } from "./results.ts";
import {
  checkFinishedRuns,
  readRunState,
  runConflict,
  runLabel,
} from "./run_check.ts";
import { computeRun } from "./run_writer.ts";

export type { MatrixMethod, MatrixPlan, MatrixProfile } from "./matrix_plan.ts";
export { parseShard, planRuns, scanDelayClip } from "./matrix_plan.ts";
export { evaluateRun } from "./run_writer.ts";

/**
 * Options for {@linkcode runMatrix}.
 *
 * @example
 * ```ts
 * import type { MatrixRunOptions } from "./matrix.ts";
 * const options: MatrixRunOptions = { shard: { index: 0, count: 2 }, force: false };
 * ```
 */
export interface MatrixRunOptions {
  /** Recompute runs whose results exist. @default false */
  force?: boolean;
  /** Run only every `count`-th run starting at `index`. */
  shard?: { index: number; count: number };
  /** Progress lines (runs done/total, ETA). @default console.error */
  progress?: (line: string) => void;
  /** Directory where git is asked for the commit. @default Deno.cwd() */
  gitCwd?: string;
  /**
   * Claims of concurrent workers: when a claim is stale, how often the
   * holder refreshes it, and how often a worker looks again at runs that
   * others hold (`pollSeconds`, default 2).
   */
  claims?: ClaimOptions & { pollSeconds?: number };
}

/**
 * What {@linkcode runMatrix} did.
 *
 * @example
 * ```ts
 * import type { MatrixReport } from "./matrix.ts";
 * const line = (r: MatrixReport): string => `${r.ran.length}/${r.total} ran, ${r.skipped.length} skipped`;
 * ```
 */
export interface MatrixReport {
  /** Runs of this shard. */
  total: number;
  /** Runs computed now. */
  ran: RunKey[];
  /** Runs of this shard not computed here: finished with a matching fingerprint, or by another worker. */
  skipped: RunKey[];
  /** Path of the merged `results_all.csv`. */
  resultsAll: string;
  /** Rows of the merged file: the requested runs finished so far, in plan order. */
  rows: ResultRow[];
  /** Requested runs not in it (other shards not finished yet). */
  pending: RunKey[];
}

function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, "0")}m`
    : m > 0
    ? `${m}m${String(r).padStart(2, "0")}s`
    : `${r}s`;
}

/**
 * Runs (this shard of) the matrix: checks that finished runs match the
 * request, computes the others (claiming each, and waiting for runs other
 * workers hold), then merges the requested runs into `results_all.csv`.
 *
 * @param plan What to run.
 * @param options Force, shard, progress sink, claim timing.
 * @returns What ran, what was skipped, and the merged rows.
 * @throws {RangeError} If the plan is invalid (before anything is written).
 * @throws {RunConflictError} If a finished run was made with other settings
 *   or without a fingerprint and `force` is not set (before anything is written).
 *
 * @example
 * ```ts
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
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
 * import { runMatrix } from "./matrix.ts";
 * const report = await runMatrix(plan, { progress: () => {} });
 * assert.equal(report.ran.length, 2);
 * const again = await runMatrix(plan, { progress: () => {} }); // finished runs are skipped
 * assert.equal(again.skipped.length, 2);
 * await assert.rejects(runMatrix({ ...plan, rollouts: 4 }, { progress: () => {} }), /rollouts=2; this request has rollouts=4/);
 * await Deno.remove(plan.root, { recursive: true });
 * ```
 */
export async function runMatrix(
  plan: MatrixPlan,
  options: MatrixRunOptions = {},
): Promise<MatrixReport> {
  const all = planRuns(plan);
  const shard = options.shard ?? { index: 0, count: 1 };
  const runs = all.filter((_, i) => i % shard.count === shard.index);
  const progress = options.progress ?? ((l: string) => console.error(l));
  const force = options.force ?? false;
  await checkFinishedRuns(plan, { force });
  const startedAt = Date.now();
  const ran: RunKey[] = [];
  const skipped: RunKey[] = [];
  const waitingSaid = new Set<number>();
  let spent = 0;

  // Whether a run can be reused: finished with the requested fingerprint
  // (with force: and finished by another worker since this call started).
  const reusable = async (key: RunKey): Promise<boolean> => {
    const state = await readRunState(plan.root, key);
    if (!state.complete) return false;
    const conflict = runConflict(plan, { key, state });
    if (force) return !conflict && state.finishedAt!.getTime() >= startedAt;
    if (conflict) throw conflict;
    return true;
  };

  const runOne = async (i: number): Promise<boolean> => {
    const key = runs[i]!;
    const at = `[${i + 1}/${runs.length}] ${runLabel(key)}`;
    const dir = runDirectory(plan.root, key);
    if (await reusable(key)) {
      await clearStaleClaim(dir, options.claims); // its holder died after finishing
      skipped.push(key);
      progress(
        waitingSaid.has(i)
          ? `${at}: finished by another worker`
          : `${at}: skipped (results.csv exists)`,
      );
      return true;
    }
    const claim = await claimFolder(dir, options.claims);
    if ("heldBy" in claim) {
      if (!waitingSaid.has(i)) {
        waitingSaid.add(i);
        const h = claim.heldBy;
        progress(
          `${at}: computed by ${
            h ? `pid ${h.pid} on ${h.host}` : "another worker"
          }; waiting for it`,
        );
      }
      return false;
    }
    try {
      if (await reusable(key)) {
        skipped.push(key);
        progress(`${at}: finished by another worker`);
        return true;
      }
      await removeRunResults(plan.root, key);
      const { row, wall } = await computeRun(plan, {
        key,
        fingerprint: runFingerprint(plan, key),
        gitCwd: options.gitCwd,
      });
      ran.push(key);
      spent += wall;
      const left = runs.length - ran.length - skipped.length;
      progress(
        `${at}: solved ${row.returned_episode_solved!.toFixed(3)}, p_starve ${
          row.p_starve!.toFixed(3)
        } (${fmtDuration(wall)}) ETA ${
          fmtDuration((spent / ran.length) * left)
        }`,
      );
      return true;
    } finally {
      await claim.release();
    }
  };

  // RUN, THEN LOOK AGAIN AT RUNS OTHER WORKERS HOLD UNTIL THEY ARE DONE
  let queue = runs.map((_, i) => i);
  const pollMs = 1000 * (options.claims?.pollSeconds ?? 2);
  while (queue.length > 0) {
    const busy: number[] = [];
    for (const i of queue) if (!(await runOne(i))) busy.push(i);
    if (busy.length === queue.length) {
      await new Promise((r) => setTimeout(r, pollMs));
    }
    queue = busy;
  }
  const merged = await mergeRuns(plan.root, {
    runs: all,
    fingerprint: (key) => runFingerprint(plan, key),
    partial: true,
  });
  return {
    total: runs.length,
    ran,
    skipped,
    resultsAll: merged.resultsAll,
    rows: merged.rows,
    pending: merged.pending,
  };
}
