/**
 * The `cartpole_swingup` {@linkcode Task} object.
 *
 * @module
 */

import type { Task } from "../types.ts";
import {
  CARTPOLE_SWINGUP_CPU,
  CARTPOLE_SWINGUP_SPEC,
} from "./cartpole_swingup_cpu.ts";
import { CARTPOLE_SWINGUP_WGSL } from "./cartpole_swingup_wgsl.ts";

/**
 * The `cartpole_swingup` task (spec, CPU twin, WGSL twin).
 *
 * @example
 * ```ts
 * import { CARTPOLE_SWINGUP } from "./cartpole_swingup_task.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CARTPOLE_SWINGUP.spec.actionDim, 1);
 * ```
 */
export const CARTPOLE_SWINGUP: Task = Object.freeze({
  spec: CARTPOLE_SWINGUP_SPEC,
  cpu: CARTPOLE_SWINGUP_CPU,
  wgsl: CARTPOLE_SWINGUP_WGSL,
});
