/**
 * Run folders: `<root>/<profile>/<method>/seed_<n>/{results.csv,config.json,rollouts.csv}`,
 * the seed's layout for `exp_runs/tail_v1` plus one row per rollout.
 *
 * @module
 */
import { join } from "node:path";
import { faultPoint } from "./_fault.ts";
import { exists } from "./atomic.ts";

/**
 * File name of a run's results inside its folder.
 *
 * @example
 * ```ts
 * import { RESULTS_FILE } from "./run_folder.ts";
 * import assert from "node:assert/strict";
 * assert.equal(RESULTS_FILE, "results.csv");
 * ```
 */
export const RESULTS_FILE = "results.csv";
/**
 * File name of a run's resolved configuration and provenance.
 *
 * @example
 * ```ts
 * import { CONFIG_FILE } from "./run_folder.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CONFIG_FILE, "config.json");
 * ```
 */
export const CONFIG_FILE = "config.json";
/**
 * File name of a run's per-rollout first-episode outcomes (one row per
 * rollout, the unit of paired comparisons).
 *
 * @example
 * ```ts
 * import { ROLLOUTS_FILE } from "./run_folder.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ROLLOUTS_FILE, "rollouts.csv");
 * ```
 */
export const ROLLOUTS_FILE = "rollouts.csv";

/**
 * Coordinates of one run in the matrix.
 *
 * @example
 * ```ts
 * import type { RunKey } from "./run_folder.ts";
 * const key: RunKey = { profile: "long_tail", method: "realtime", seed: 3 };
 * ```
 */
export interface RunKey {
  /** Delay profile name. */
  profile: string;
  /** Inference method name. */
  method: string;
  /** Seed (a non-negative integer). */
  seed: number;
}

const NAME_RE = /^[A-Za-z0-9_.-]+$/;

function checkName(value: string, field: string): void {
  if (!NAME_RE.test(value) || value === "." || value === "..") {
    throw new RangeError(
      `Cannot use ${field} as a folder name as it must match [A-Za-z0-9_.-]+: current value is "${value}"`,
    );
  }
}

/**
 * The folder of one run.
 *
 * @param root The matrix root (e.g. `exp_runs/tail_v1`).
 * @param key Profile, method, seed.
 * @returns `<root>/<profile>/<method>/seed_<n>`.
 * @throws {RangeError} If a name has characters unsafe for a folder or the seed is not a non-negative integer.
 *
 * @example
 * ```ts
 * import { runDirectory } from "./run_folder.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   runDirectory("exp_runs/tail_v1", { profile: "long_tail", method: "naive", seed: 3 }),
 *   "exp_runs/tail_v1/long_tail/naive/seed_3",
 * );
 * ```
 */
export function runDirectory(root: string, key: RunKey): string {
  checkName(key.profile, "profile");
  checkName(key.method, "method");
  if (!Number.isInteger(key.seed) || key.seed < 0) {
    throw new RangeError(
      `Cannot use seed as it must be a non-negative integer: current value is ${key.seed}`,
    );
  }
  return join(root, key.profile, key.method, `seed_${key.seed}`);
}

/**
 * Whether a run is finished (its `results.csv` exists; it is written last,
 * atomically, so its presence means the run completed).
 *
 * @param root The matrix root.
 * @param key Profile, method, seed.
 * @returns True when `results.csv` exists.
 *
 * @example
 * ```ts
 * import { isRunComplete } from "./run_folder.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await isRunComplete(dir, { profile: "p", method: "m", seed: 0 }), false);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function isRunComplete(root: string, key: RunKey): Promise<boolean> {
  return exists(join(runDirectory(root, key), RESULTS_FILE));
}

/**
 * Marks a run unfinished by removing its `results.csv` (if any): done before
 * a run is recomputed, so that a process killed while writing the new files
 * cannot leave the old results beside the new `config.json`.
 *
 * @param root The matrix root.
 * @param key Profile, method, seed.
 * @returns Whether a `results.csv` was removed.
 *
 * @example
 * ```ts
 * import { isRunComplete, removeRunResults } from "./run_folder.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/p/m/seed_0`, { recursive: true });
 * await Deno.writeTextFile(`${dir}/p/m/seed_0/results.csv`, "a\n1\n");
 * assert.equal(await removeRunResults(dir, { profile: "p", method: "m", seed: 0 }), true);
 * assert.equal(await isRunComplete(dir, { profile: "p", method: "m", seed: 0 }), false);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function removeRunResults(
  root: string,
  key: RunKey,
): Promise<boolean> {
  try {
    await Deno.remove(join(runDirectory(root, key), RESULTS_FILE));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
  faultPoint();
  return true;
}

/**
 * Lists the finished runs under a matrix root, sorted by profile, method
 * (code-point order) and seed (numeric).
 *
 * @param root The matrix root.
 * @returns The keys of folders holding a `results.csv`.
 *
 * @example
 * ```ts
 * import { listRuns } from "./run_folder.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/p/m/seed_1`, { recursive: true });
 * await Deno.writeTextFile(`${dir}/p/m/seed_1/results.csv`, "a\n1\n");
 * assert.deepEqual(await listRuns(dir), [{ profile: "p", method: "m", seed: 1 }]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function listRuns(root: string): Promise<RunKey[]> {
  const out: RunKey[] = [];
  const dirs = async (path: string): Promise<string[]> => {
    const names: string[] = [];
    try {
      for await (const e of Deno.readDir(path)) {
        if (e.isDirectory) names.push(e.name);
      }
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return [];
      throw err;
    }
    return names;
  };
  for (const profile of await dirs(root)) {
    for (const method of await dirs(join(root, profile))) {
      for (const sd of await dirs(join(root, profile, method))) {
        const m = /^seed_(\d+)$/.exec(sd);
        if (!m) continue;
        const key = { profile, method, seed: Number(m[1]) };
        if (await exists(join(root, profile, method, sd, RESULTS_FILE))) {
          out.push(key);
        }
      }
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  out.sort((a, b) =>
    cmp(a.profile, b.profile) || cmp(a.method, b.method) || a.seed - b.seed
  );
  return out;
}
