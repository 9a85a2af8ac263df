/**
 * The `reach_around` {@linkcode Task} object.
 *
 * @module
 */

import type { Task } from "../types.ts";
import { REACH_AROUND_CPU, REACH_AROUND_SPEC } from "./reach_around_cpu.ts";
import { REACH_AROUND_WGSL } from "./reach_around_wgsl.ts";

/**
 * The `reach_around` task (spec, CPU twin, WGSL twin).
 *
 * @example
 * ```ts
 * import { REACH_AROUND } from "./reach_around_task.ts";
 * import assert from "node:assert/strict";
 * assert.equal(REACH_AROUND.spec.name, "reach_around");
 * ```
 */
export const REACH_AROUND: Task = Object.freeze({
  spec: REACH_AROUND_SPEC,
  cpu: REACH_AROUND_CPU,
  wgsl: REACH_AROUND_WGSL,
});
