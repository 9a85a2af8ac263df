import assert from "node:assert/strict";
import { REACH_AROUND } from "../envs/reach_around/mod.ts";
import { rolloutExpert } from "../envs/rollout.ts";
import { evaluateScan } from "../eval/scan.ts";
import { createCpuStepper } from "../envs/wrapper.ts";
import { expertSampler, fixedDelay } from "../testing/toy_task.ts";

Deno.test("evaluateScan() with a perfect expert sampler matches rolloutExpert()'s chunked scan on reach_around", async () => {
  const N = 16;
  for (const [d, s] of [[0, 1], [2, 2], [3, 1]] as const) {
    const stepper = createCpuStepper(REACH_AROUND.cpu, { numEnvs: N, seed: 3 });
    const ours = await evaluateScan(REACH_AROUND, {
      sampler: expertSampler(stepper, 4),
      profile: fixedDelay(d),
      seed: 3,
      numEnvs: N,
      horizon: 4,
      executeHorizon: s,
      stepper,
    });
    const theirs = await rolloutExpert(REACH_AROUND, {
      n: N,
      seed: 3,
      delay: d,
      chunk: { horizon: 4, executeHorizon: s },
    });
    assert.equal(
      ours.metrics.returned_episode_solved,
      Math.fround(theirs.returned_episode_solved),
      `d=${d} s=${s}`,
    );
    assert.equal(
      ours.metrics.returned_episode_lengths,
      Math.fround(theirs.returned_episode_lengths),
      `d=${d} s=${s}`,
    );
  }
});
