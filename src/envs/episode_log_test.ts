import assert from "node:assert/strict";
import { createRolloutLog, recordStep, summarizeLog } from "./episode_log.ts";

const outcome = (reward: number[], done: number[]) => ({
  obs: new Float32Array(reward.length),
  reward: Float32Array.from(reward),
  done: Uint8Array.from(done),
  solved: Uint8Array.from(done),
});

Deno.test("recordStep() logs the first episode only and the smoothness over the whole rollout", () => {
  const log = createRolloutLog(2, { actionDim: 1 });
  recordStep(log, {
    actions: new Float32Array([0, 0]),
    outcome: outcome([1, 1], [0, 1]),
  });
  recordStep(log, {
    actions: new Float32Array([1, 2]),
    outcome: outcome([1, 5], [1, 0]),
  });
  assert.deepEqual([...log.firstDone], [1, 1]);
  assert.deepEqual([...log.firstReturn], [2, 1]);
  assert.deepEqual([...log.firstLength], [2, 1]);
  assert.deepEqual([...log.maxDelta], [1, 2]);
  assert.deepEqual([...log.maxDeltaFirst], [1, 0]);
});

Deno.test("summarizeLog() averages finished first episodes only", () => {
  const log = createRolloutLog(3, { actionDim: 1 });
  log.firstDone.set([1, 1, 0]);
  log.firstReturn.set([1, -1, 5]);
  log.firstLength.set([10, 30, 0]);
  log.firstSolved.set([1, 0, 0]);
  assert.deepEqual(summarizeLog(log), {
    returned_episode_returns: 0,
    returned_episode_lengths: 20,
    returned_episode_solved: 0.5,
    finished: 2,
    n: 3,
  });
  assert.ok(
    Number.isNaN(
      summarizeLog(createRolloutLog(1, { actionDim: 1 }))
        .returned_episode_solved,
    ),
  );
});
