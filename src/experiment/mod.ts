/**
 * Experiment bookkeeping: the resumable profile × method × seed matrix, its
 * result rows and CSVs, merging, summaries, the delay sweep and policy
 * loading.
 *
 * @module
 */
export * from "./matrix.ts";
export * from "./matrix_method.ts";
export * from "./fused_engine.ts";
export * from "./results.ts";
export * from "./merge.ts";
export * from "./summary.ts";
export * from "./sweep.ts";
export * from "./policy_loader.ts";
