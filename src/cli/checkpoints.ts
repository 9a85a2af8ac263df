/**
 * Where the workflow commands find the shipped policies: paths relative to
 * the repository root (a checkout, not the published package).
 *
 * @module
 */
import { exists } from "../io/atomic.ts";

/**
 * The default checkpoint of a task: `exp_runs/checkpoints/<task>/<variant>.safetensors`.
 * Variants shipped: `plain` (H = 8), `training_time` (H = 8, the same
 * recipe with training-time RTC, simulated delays 0..4 drawn uniformly) and,
 * for the seed's tail_v1 workflow (Step A / Step D, H = 4), `plain_h4`.
 *
 * @param task The task name.
 * @param variant The policy variant. @default "plain"
 * @returns The path.
 *
 * @example
 * ```ts
 * import { defaultCheckpoint } from "./checkpoints.ts";
 * import assert from "node:assert/strict";
 * assert.equal(defaultCheckpoint("catch"), "exp_runs/checkpoints/catch/plain.safetensors");
 * assert.equal(defaultCheckpoint("reach_around", "plain_h4"), "exp_runs/checkpoints/reach_around/plain_h4.safetensors");
 * ```
 */
export function defaultCheckpoint(task: string, variant = "plain"): string {
  return `exp_runs/checkpoints/${task}/${variant}.safetensors`;
}

/**
 * The checkpoint variant the workflow scripts use by default for a task:
 * `plain_h4` (the seed's chunk length H = 4) where it exists, else `plain`.
 *
 * @param task Task name.
 * @returns The variant name.
 *
 * @example
 * ```ts
 * import { stepVariant } from "./checkpoints.ts";
 * import assert from "node:assert/strict";
 * assert.equal(await stepVariant("reach_around"), "plain_h4");
 * assert.equal(await stepVariant("lander"), "plain");
 * ```
 */
export async function stepVariant(task: string): Promise<string> {
  return await exists(defaultCheckpoint(task, "plain_h4"))
    ? "plain_h4"
    : "plain";
}
