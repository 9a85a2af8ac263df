/**
 * The file side of the Step D command: reading `--profiles`, checking the
 * output folder and the finished runs before any work, `--merge`, and the
 * combined `results_all.csv` of several tasks.
 *
 * @module
 */
import { join } from "node:path";
import { exists, writeTextFileAtomic } from "../io/atomic.ts";
import { checkOutputDir, prepareOutputDir } from "../io/out_dir.ts";
import {
  loadProfiles,
  type ProfileConfig,
  SEED_PROFILES,
} from "../latency/mod.ts";
import { runFingerprint } from "../experiment/fingerprint.ts";
import {
  type MatrixPlan,
  planRuns,
  scanDelayClip,
} from "../experiment/matrix.ts";
import { mergeRuns, RESULTS_ALL_FILE } from "../experiment/merge.ts";
import { formatResultsCsv, type ResultRow } from "../experiment/results.ts";
import { checkFinishedRuns } from "../experiment/run_check.ts";
import { parseList } from "./args.ts";

/**
 * Reads `--profiles`: preset names, or a JSON file of profile configs.
 *
 * @param spec The flag value.
 * @returns Validated configs by name.
 * @throws {RangeError} For an unknown preset or a missing file; profile
 *   errors as `loadProfiles`.
 *
 * @example
 * ```ts
 * import { readProfiles } from "./stepd_io.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(Object.keys(await readProfiles("long_tail")), ["long_tail"]);
 * ```
 */
export async function readProfiles(
  spec: string,
): Promise<Record<string, ProfileConfig>> {
  if (spec.endsWith(".json")) {
    if (!(await exists(spec))) {
      throw new RangeError(
        `Cannot read --profiles as the file does not exist: current value is "${spec}"`,
      );
    }
    return await loadProfiles(spec);
  }
  const out: Record<string, ProfileConfig> = {};
  const presets = SEED_PROFILES as Record<string, ProfileConfig>;
  for (const name of parseList(spec, "--profiles")) {
    if (!Object.hasOwn(presets, name)) {
      throw new RangeError(
        `Cannot use --profiles as each name must be one of ${
          Object.keys(presets).join(", ")
        } or the list must be a .json file: current value is "${name}"`,
      );
    }
    out[name] = structuredClone(presets[name]!) as ProfileConfig;
  }
  return out;
}

/**
 * Writes every task's rows into `<root>/results_all.csv`.
 *
 * @param root The output root.
 * @param rows The rows of all tasks, in plan order.
 * @returns The path written.
 *
 * @example
 * ```ts
 * import { writeCombined } from "./stepd_io.ts";
 * import assert from "node:assert/strict";
 * const root = await Deno.makeTempDir();
 * assert.equal(await writeCombined(root, []), `${root}/results_all.csv`);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function writeCombined(
  root: string,
  rows: ResultRow[],
): Promise<string> {
  const path = join(root, RESULTS_ALL_FILE);
  await writeTextFileAtomic(path, formatResultsCsv(rows));
  return path;
}

/**
 * The notices for profiles whose delays the `scan` evaluator clips to the
 * chunk length (one per profile and chunk length).
 *
 * @param plans The plans (one per task).
 * @returns The notice texts.
 *
 * @example
 * ```ts
 * import { delayClipNotices } from "./stepd_io.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(delayClipNotices([]), []);
 * ```
 */
export function delayClipNotices(plans: readonly MatrixPlan[]): string[] {
  const out = new Set<string>();
  for (const plan of plans) {
    for (const p of plan.profiles) {
      const clip = scanDelayClip(plan, p.name);
      if (!clip) continue;
      const reach = clip.profileMax === "unbounded"
        ? "delays without an upper bound"
        : `delays up to ${clip.profileMax}`;
      out.add(
        `profile ${p.name} draws ${reach}, above the chunk length H = ${clip.at}; the scan evaluator clips them to ${clip.at} (d_p* and p_violate count the clipped delays; recorded as delayClip in config.json)`,
      );
    }
  }
  return [...out];
}

/**
 * Before any work: the output folder is usable (a directory or creatable,
 * and writable), and every finished run the plans would reuse was made with
 * the requested settings; then the folder is created and cleared of the
 * temporary files killed writers left.
 *
 * @param plans The plans.
 * @param options The output root (`--out`); whether finished runs are recomputed anyway.
 * @returns The temporary files removed.
 * @throws {RangeError} For an unusable output folder.
 * @throws {RunConflictError} For a finished run made with other settings.
 *
 * @example
 * ```ts
 * import { prepareRuns } from "./stepd_io.ts";
 * import assert from "node:assert/strict";
 * const root = await Deno.makeTempDir();
 * assert.deepEqual(await prepareRuns([], { root: `${root}/out`, force: false }), []);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function prepareRuns(
  plans: readonly MatrixPlan[],
  options: { root: string; force: boolean },
): Promise<string[]> {
  await checkOutputDir(options.root);
  for (const plan of plans) {
    await checkFinishedRuns(plan, { force: options.force });
  }
  return await prepareOutputDir(options.root);
}

/**
 * `--merge`: rebuilds `results_all.csv` from exactly the runs the plans
 * request, each finished and made with the requested settings (runs without
 * a fingerprint are checked on their own columns).
 *
 * @param root The output root.
 * @param plans The plans (one per task; several tasks merge into one file).
 * @returns The path written, the rows, and how many runs had no fingerprint.
 * @throws {RangeError} If the folder is unusable or a requested run is not finished.
 * @throws {RunConflictError} If a run was made with other settings.
 * @throws {SyntaxError} If a run's files are damaged (file and line named).
 *
 * @example
 * ```ts
 * import { mergeRequested } from "./stepd_io.ts";
 * import assert from "node:assert/strict";
 * const root = await Deno.makeTempDir();
 * const merged = await mergeRequested(root, []); // nothing requested
 * assert.deepEqual([merged.rows, merged.legacy], [[], 0]);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function mergeRequested(
  root: string,
  plans: readonly MatrixPlan[],
): Promise<{ resultsAll: string; rows: ResultRow[]; legacy: number }> {
  await prepareOutputDir(root, { create: false });
  // READ AND CHECK EVERY REQUESTED RUN, THEN WRITE
  const merged = [];
  for (const plan of plans) {
    merged.push(
      await mergeRuns(plan.root, {
        runs: planRuns(plan),
        fingerprint: (key) => runFingerprint(plan, key),
        write: false,
      }),
    );
  }
  const rows: ResultRow[] = [];
  let legacy = 0;
  for (const m of merged) {
    await writeTextFileAtomic(m.resultsAll, formatResultsCsv(m.rows));
    for (const row of m.rows) rows.push(row);
    legacy += m.legacy.length;
  }
  const resultsAll = plans.length > 1
    ? await writeCombined(root, rows)
    : merged[0]?.resultsAll ?? join(root, RESULTS_ALL_FILE);
  return { resultsAll, rows, legacy };
}
