/**
 * What a run folder holds: finished or not, and the fingerprint recorded in
 * its `config.json`; and the check, before a matrix computes anything, that
 * every finished run it would reuse was made with the requested settings.
 *
 * @module
 */
import { join } from "node:path";
import { readJsonFile } from "../io/json.ts";
import {
  CONFIG_FILE,
  RESULTS_FILE,
  runDirectory,
  type RunKey,
} from "../io/run_folder.ts";
import {
  fingerprintDifference,
  RunConflictError,
  type RunFingerprint,
  runFingerprint,
} from "./fingerprint.ts";
import { type MatrixPlan, planRuns } from "./matrix_plan.ts";

/**
 * The state of a run folder.
 *
 * @example
 * ```ts
 * import type { RunState } from "./run_check.ts";
 * const legacy = (s: RunState): boolean => s.complete && s.fingerprint === null;
 * ```
 */
export interface RunState {
  /** Its `results.csv` exists (written last: the run finished). */
  complete: boolean;
  /** The fingerprint recorded in `config.json`; null when the run is not finished or has none (made by an older version). */
  fingerprint: RunFingerprint | null;
  /** When `results.csv` was written; null when not finished. */
  finishedAt: Date | null;
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (err) {
    if (
      err instanceof Deno.errors.NotFound ||
      err instanceof Deno.errors.NotADirectory
    ) return null;
    throw err;
  }
}

/**
 * Reads the state of one run folder.
 *
 * @param root The matrix root.
 * @param key Profile, method, seed.
 * @returns Whether it finished, and its fingerprint.
 * @throws {SyntaxError} If a finished run's `config.json` is not valid JSON
 *   (naming the file and line).
 *
 * @example
 * ```ts
 * import { readRunState } from "./run_check.ts";
 * import assert from "node:assert/strict";
 * const root = await Deno.makeTempDir();
 * const state = await readRunState(root, { profile: "p", method: "m", seed: 0 });
 * assert.deepEqual(state, { complete: false, fingerprint: null, finishedAt: null });
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function readRunState(
  root: string,
  key: RunKey,
): Promise<RunState> {
  const dir = runDirectory(root, key);
  const results = await statOrNull(join(dir, RESULTS_FILE));
  if (!results) return { complete: false, fingerprint: null, finishedAt: null };
  let fingerprint: RunFingerprint | null = null;
  const configPath = join(dir, CONFIG_FILE);
  if (await statOrNull(configPath)) {
    const config = await readJsonFile(configPath) as Record<string, unknown>;
    const fp = config?.fingerprint;
    if (typeof fp === "object" && fp !== null && !Array.isArray(fp)) {
      fingerprint = fp as RunFingerprint;
    }
  }
  return {
    complete: true,
    fingerprint,
    finishedAt: results.mtime ?? new Date(0),
  };
}

/**
 * The label of a run in messages: `profile/method/seed_n`.
 *
 * @param key The run.
 * @returns The label.
 *
 * @example
 * ```ts
 * import { runLabel } from "./run_check.ts";
 * import assert from "node:assert/strict";
 * assert.equal(runLabel({ profile: "long_tail", method: "naive", seed: 0 }), "long_tail/naive/seed_0");
 * ```
 */
export function runLabel(key: RunKey): string {
  return `${key.profile}/${key.method}/seed_${key.seed}`;
}

/**
 * The conflict of a finished run with the request, if any: no fingerprint
 * (made by an older version), or a different one.
 *
 * @param plan The plan.
 * @param run The run and its state.
 * @returns The error to throw, or undefined when the run can be reused (or is not finished).
 *
 * @example
 * ```ts
 * import { runConflict } from "./run_check.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const config = { kind: "fixed" as const, delay: 1 };
 * const plan = {
 *   root: "/tmp/s", level: "reach_around", task: REACH_AROUND,
 *   profiles: [{ name: "fixed_1", profile: resolveProfile(config), config }],
 *   methods: [{ name: "zeros", sampler: () => Promise.resolve({ chunk: new Float32Array(8) }) }],
 *   seeds: [0], rollouts: 2, horizon: 4, executeHorizon: 1, evaluator: "scan" as const,
 * };
 * const key = { profile: "fixed_1", method: "zeros", seed: 0 };
 * const finished = { complete: true, fingerprint: null, finishedAt: new Date() };
 * assert.match(runConflict(plan, { key, state: finished })!.message, /has no fingerprint/);
 * ```
 */
export function runConflict(
  plan: MatrixPlan,
  run: { key: RunKey; state: RunState },
): RunConflictError | undefined {
  const { key, state } = run;
  if (!state.complete) return undefined;
  if (state.fingerprint === null) {
    return new RunConflictError(
      `run ${
        runLabel(key)
      } in ${plan.root} has no fingerprint (made by an older version); use --force to recompute it`,
    );
  }
  const diff = fingerprintDifference(
    state.fingerprint,
    runFingerprint(plan, key),
  );
  return diff &&
    RunConflictError.differs(diff, {
      run: runLabel(key),
      root: plan.root,
      hint: "use --force to recompute",
    });
}

/**
 * Checks, before anything is computed, that every finished run of the plan
 * (all shards) was made with the requested settings, so that none would be
 * reused wrongly. With `force` nothing is reused and nothing is checked.
 *
 * @param plan The plan.
 * @param options Whether finished runs are recomputed anyway.
 * @returns A promise that settles when the check passes.
 * @throws {RunConflictError} For the first run with another fingerprint or
 *   none (one line naming the run and the first differing field).
 *
 * @example
 * ```ts
 * import { checkFinishedRuns } from "./run_check.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * const config = { kind: "fixed" as const, delay: 1 };
 * await checkFinishedRuns({
 *   root: "/nonexistent/runs", level: "reach_around", task: REACH_AROUND,
 *   profiles: [{ name: "fixed_1", profile: resolveProfile(config), config }],
 *   methods: [{ name: "zeros", sampler: () => Promise.resolve({ chunk: new Float32Array(8) }) }],
 *   seeds: [0], rollouts: 2, horizon: 4, executeHorizon: 1, evaluator: "scan",
 * }); // no finished run: nothing to conflict with
 * ```
 */
export async function checkFinishedRuns(
  plan: MatrixPlan,
  options: { force?: boolean } = {},
): Promise<void> {
  if (options.force) return;
  for (const key of planRuns(plan)) {
    const state = await readRunState(plan.root, key);
    const conflict = runConflict(plan, { key, state });
    if (conflict) throw conflict;
  }
}
