/**
 * The version of what a run computes.
 *
 * @module
 */

/**
 * Version of the evaluation semantics (`docs/SEMANTICS.md`). Every run
 * folder's fingerprint records it, and a rerun reuses a finished run only
 * when it matches. Bump it with any change that moves a number a run
 * produces: an evaluator, the evaluation wrapper, a task's dynamics, a
 * sampler, the network, delay sampling or a metric.
 *
 * @example
 * ```ts
 * import { EVAL_SEMANTICS_VERSION } from "./version.ts";
 * import assert from "node:assert/strict";
 * assert.ok(Number.isInteger(EVAL_SEMANTICS_VERSION));
 * ```
 */
export const EVAL_SEMANTICS_VERSION = 1;
