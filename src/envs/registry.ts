/**
 * The task registry: every task by name.
 *
 * @module
 */

import { CARTPOLE_SWINGUP } from "./cartpole_swingup/mod.ts";
import { CATCH } from "./catch/mod.ts";
import { LANDER } from "./lander/mod.ts";
import { REACH_AROUND } from "./reach_around/mod.ts";
import type { Task } from "./types.ts";

/**
 * All tasks by name.
 *
 * @example
 * ```ts
 * import { TASKS } from "./registry.ts";
 * import assert from "node:assert/strict";
 * assert.equal(TASKS["reach_around"]!.spec.name, "reach_around");
 * ```
 */
export const TASKS: Readonly<Record<string, Task>> = Object.freeze({
  [REACH_AROUND.spec.name]: REACH_AROUND,
  [CARTPOLE_SWINGUP.spec.name]: CARTPOLE_SWINGUP,
  [LANDER.spec.name]: LANDER,
  [CATCH.spec.name]: CATCH,
});

/**
 * The default task name.
 *
 * @example
 * ```ts
 * import { DEFAULT_TASK, getTask } from "./registry.ts";
 * import assert from "node:assert/strict";
 * assert.equal(getTask(DEFAULT_TASK).spec.name, "reach_around");
 * ```
 */
export const DEFAULT_TASK = "reach_around";

/**
 * Looks a task up by name.
 *
 * @param name The task name.
 * @returns The task.
 * @throws {RangeError} If no task has that name (the message lists the known ones).
 *
 * @example
 * ```ts
 * import { getTask } from "./registry.ts";
 * import assert from "node:assert/strict";
 * assert.equal(getTask("cartpole_swingup").spec.actionDim, 1);
 * assert.throws(() => getTask("pong"), RangeError);
 * ```
 */
export function getTask(name: string): Task {
  const task = Object.hasOwn(TASKS, name) ? TASKS[name] : undefined;
  if (!task) {
    throw new RangeError(
      `Cannot get task as name must be one of ${
        Object.keys(TASKS).map((k) => `"${k}"`).join(", ")
      }: current value is "${name}"`,
    );
  }
  return task;
}
