import assert from "node:assert/strict";
import { DEFAULT_TASK, getTask, TASKS } from "./registry.ts";

Deno.test("TASKS holds every task under its spec name with consistent dimensions", () => {
  for (const [name, task] of Object.entries(TASKS)) {
    assert.equal(task.spec.name, name);
    assert.equal(task.cpu.spec, task.spec);
    assert.match(
      task.wgsl,
      new RegExp(`TASK_STATE_DIM: u32 = ${task.spec.stateDim}u`),
    );
    assert.match(
      task.wgsl,
      new RegExp(`TASK_OBS_DIM: u32 = ${task.spec.obsDim}u`),
    );
    assert.match(
      task.wgsl,
      new RegExp(`TASK_ACTION_DIM: u32 = ${task.spec.actionDim}u`),
    );
    assert.match(
      task.wgsl,
      new RegExp(`TASK_MAX_T: u32 = ${task.spec.maxTimesteps}u`),
    );
  }
  assert.deepEqual(Object.keys(TASKS).sort(), [
    "cartpole_swingup",
    "catch",
    "lander",
    "reach_around",
  ]);
});

Deno.test("getTask() returns the default task and rejects unknown names listing the known ones", () => {
  assert.equal(getTask(DEFAULT_TASK).spec.name, "reach_around");
  assert.throws(
    () => getTask("pong"),
    /must be one of "reach_around", .*current value is "pong"/,
  );
  assert.throws(() => getTask("toString"), RangeError);
});
