/**
 * Merging run folders into `<root>/results_all.csv` (Step D's `--merge`).
 *
 * @module
 */
import { join } from "node:path";
import { writeTextFileAtomic } from "../io/atomic.ts";
import { listRuns, RESULTS_FILE, runDirectory } from "../io/run_folder.ts";
import {
  formatResultsCsv,
  parseResultsCsv,
  type ResultRow,
} from "./results.ts";

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
 * Rebuilds `<root>/results_all.csv` from every finished run folder (sorted by
 * profile, method, seed).
 *
 * @param root The matrix root.
 * @returns The path written and the merged rows.
 * @throws {RangeError} If no finished run exists under root.
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
 * const { rows } = await mergeRuns(plan.root);
 * assert.equal(rows.length, 2);
 * await Deno.remove(plan.root, { recursive: true });
 * ```
 */
export async function mergeRuns(
  root: string,
): Promise<{ resultsAll: string; rows: ResultRow[] }> {
  const keys = await listRuns(root);
  if (keys.length === 0) {
    throw new RangeError(
      `Cannot merge runs as root has no <profile>/<method>/seed_<n>/results.csv: current value is "${root}"`,
    );
  }
  const rows: ResultRow[] = [];
  for (const key of keys) {
    const text = await Deno.readTextFile(
      join(runDirectory(root, key), RESULTS_FILE),
    );
    rows.push(...parseResultsCsv(text));
  }
  const resultsAll = join(root, RESULTS_ALL_FILE);
  await writeTextFileAtomic(resultsAll, formatResultsCsv(rows));
  return { resultsAll, rows };
}
