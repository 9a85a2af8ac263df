/**
 * Experiment bookkeeping: the resumable profile × method × seed matrix
 * (`runMatrix`, one run folder with `config.json`, `rollouts.csv` and
 * `results.csv` per run, reused only when its fingerprint matches), result rows and CSVs in the seed's format, merging, summaries, the
 * fixed-delay sweep and loading a policy checkpoint for a task; expert
 * bounds, paired comparisons of success rates and per-step traces.
 *
 * @example
 * ```ts
 * import { runMatrix } from "./mod.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const root = await Deno.makeTempDir();
 * const zeros = (req: { batch: number }) =>
 *   Promise.resolve({ chunk: new Float32Array(req.batch * 4 * 2) });
 * const config = { kind: "fixed" as const, delay: 1 };
 * const report = await runMatrix({
 *   root, level: "reach_around", task: REACH_AROUND,
 *   profiles: [{ name: "fixed_1", profile: resolveProfile(config), config }],
 *   methods: [{ name: "zeros", sampler: zeros }],
 *   seeds: [0, 1], rollouts: 2, horizon: 4, executeHorizon: 1, evaluator: "scan",
 * }, { progress: () => {} });
 * assert.equal(report.rows.length, 2);
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */
export * from "./matrix.ts";
export { computeRun, type ComputeRunOptions } from "./run_writer.ts";
export * from "./fingerprint.ts";
export * from "./run_check.ts";
export * from "./matrix_method.ts";
export * from "./fused_engine.ts";
export * from "./results.ts";
export * from "./merge.ts";
export * from "./summary.ts";
export * from "./sweep.ts";
export * from "./policy_loader.ts";
export * from "./bounds.ts";
export * from "./paired.ts";
export * from "./method_contrast.ts";
export * from "./trace.ts";
export * from "./rollouts.ts";
export * from "./sweep_table.ts";
export * from "./tail_v2_spec.ts";
export * from "./tail_v2.ts";
export * from "./tail_v2_table.ts";
export * from "./tail_v2_report.ts";
export * from "./tail_v2_summary.ts";
