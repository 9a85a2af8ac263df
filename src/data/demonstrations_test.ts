import assert from "node:assert/strict";
import { REACH_AROUND } from "../envs/reach_around/mod.ts";
import { rolloutExpert } from "../envs/rollout.ts";
import { generateDemonstrations } from "./demonstrations.ts";

Deno.test("generateDemonstrations() records the expert's clean actions along noisy rollouts", async () => {
  const r = await generateDemonstrations(REACH_AROUND, { envs: 8, seed: 2 });
  const T = REACH_AROUND.spec.maxTimesteps;
  assert.equal(r.steps, T);
  // The first episodes solve as often as the envs module's expert rollout.
  const solvedFirst = new Uint8Array(8);
  const ended = new Uint8Array(8);
  for (let t = 0; t < T; t++) {
    for (let e = 0; e < 8; e++) {
      if (!ended[e] && r.done[t * 8 + e]) {
        ended[e] = 1;
        solvedFirst[e] = r.solved[t * 8 + e]!;
      }
    }
  }
  const expert = await rolloutExpert(REACH_AROUND, { n: 8, seed: 2 });
  assert.equal(
    solvedFirst.reduce((a, b) => a + b, 0) / 8,
    expert.returned_episode_solved,
  );
  // Labels are clean expert actions: within [-1, 1] (noise would exceed it at times).
  assert.ok(r.actions.every((a) => a >= -1 && a <= 1));
});
