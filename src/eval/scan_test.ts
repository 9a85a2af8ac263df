import assert from "node:assert/strict";
import { evaluateScan } from "./scan.ts";
import { createCpuStepper } from "../envs/wrapper.ts";
import { createRolloutLog, recordStep } from "../envs/episode_log.ts";
import {
  expertSampler,
  fixedDelay,
  seedMixture,
  taggingSampler,
  toyTask,
} from "../testing/toy_task.ts";

const task = toyTask(40);
const N = 16;

Deno.test("evaluateScan() with d = 0, s = 1 and a perfect sampler reproduces the expert rollout", async () => {
  // Direct expert rollout with the same stepper and seed.
  const direct = createCpuStepper(task.cpu, { numEnvs: N, seed: 7 });
  await direct.reset();
  const log = createRolloutLog(N, { actionDim: 1 });
  const actions = new Float32Array(N);
  const a = new Float32Array(1);
  for (let t = 0; t < task.spec.maxTimesteps; t++) {
    for (let e = 0; e < N; e++) {
      task.cpu.expert(direct.states[e]!, a, {
        seed: 7,
        env: e,
        episode: direct.episodes[e]!,
      });
      actions[e] = a[0]!;
    }
    recordStep(log, { actions, outcome: await direct.step(actions) });
  }
  const solvedRate = Array.from(log.firstSolved).reduce((x, y) => x + y) / N;
  assert.ok(solvedRate > 0.5, `expert solve rate ${solvedRate}`);

  const stepper = createCpuStepper(task.cpu, { numEnvs: N, seed: 7 });
  const result = await evaluateScan(task, {
    sampler: expertSampler(stepper, 4),
    profile: fixedDelay(0),
    seed: 7,
    numEnvs: N,
    horizon: 4,
    executeHorizon: 1,
    stepper,
  });
  assert.equal(result.metrics.returned_episode_solved, solvedRate);
  assert.deepEqual(result.log.firstReturn, log.firstReturn);
  assert.deepEqual(result.log.firstLength, log.firstLength);
  assert.deepEqual(result.log.maxDelta, log.maxDelta);
  assert.equal(result.steps, task.spec.maxTimesteps);
  assert.equal(result.metrics.p_violate, 0);
  assert.equal(result.metrics.n_inferences, task.spec.maxTimesteps + 1);
});

Deno.test("evaluateScan() executes old actions for i < d, new ones from d on, and never stalls when d > s", async () => {
  const run = async (d: number, s: number) => {
    const seen: number[] = [];
    const result = await evaluateScan(task, {
      sampler: taggingSampler(4, 1),
      profile: fixedDelay(d),
      seed: 1,
      numEnvs: 2,
      horizon: 4,
      executeHorizon: s,
      onStep: (ev) => seen.push(ev.actions[0]!),
    });
    return { seen, result };
  };
  // d = 3 > s = 1: every step comes from the old chunk and nothing stalls.
  const late = await run(3, 1);
  assert.equal(late.seen.length, task.spec.maxTimesteps);
  assert.deepEqual(
    late.seen,
    late.seen.map((_, it) => (it === 0 ? 0 : it * 10 + 1)),
  );
  assert.equal(late.result.metrics.p_starve, 0);
  assert.equal(late.result.metrics.p_violate, 0); // 3 > H − s = 3 is false
  // d = 0: every step is the new chunk's position 0.
  const fresh = await run(0, 1);
  assert.deepEqual(fresh.seen, fresh.seen.map((_, it) => (it + 1) * 10));
  // d = 1, s = 2: position 0 old (previous chunk shifted by 2), position 1 new.
  const mixed = await run(1, 2);
  assert.deepEqual(mixed.seen.slice(0, 6), [0, 11, 12, 21, 22, 31]);
  // d = 4 (clipped to H) with s = 2 violates H − s = 2 every time.
  const violating = await run(9, 2);
  assert.equal(violating.result.metrics.p_violate, 1);
  assert.equal(violating.result.metrics.d_p50, 4);
});

Deno.test("evaluateScan() is deterministic per seed and shares one delay per iteration", async () => {
  const run = (seed: number, delayMode: "shared" | "per_env") =>
    evaluateScan(task, {
      sampler: taggingSampler(4, 1),
      profile: seedMixture(),
      seed,
      numEnvs: 4,
      horizon: 4,
      delayMode,
    });
  const a = await run(3, "shared");
  const b = await run(3, "shared");
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(a.delays, b.delays);
  assert.equal(a.delays.length, task.spec.maxTimesteps);
  const c = await run(4, "shared");
  assert.notDeepEqual(a.delays, c.delays);
  const perEnv = await run(3, "per_env");
  assert.equal(perEnv.delays.length, task.spec.maxTimesteps * 4);
});

Deno.test("evaluateScan() rejects bad sizes and wrong-sized chunks", async () => {
  await assert.rejects(
    evaluateScan(task, {
      sampler: taggingSampler(4, 1),
      profile: fixedDelay(0),
      seed: 0,
      numEnvs: 2,
      horizon: 4,
      executeHorizon: 5,
    }),
    /executeHorizon must be at most horizon 4: current value is 5/,
  );
  await assert.rejects(
    evaluateScan(task, {
      sampler: taggingSampler(3, 1),
      profile: fixedDelay(0),
      seed: 0,
      numEnvs: 2,
      horizon: 4,
    }),
    /chunk must have length 8/,
  );
});

Deno.test("evaluateScan() with temporal ensembling averages every chunk covering the step", async () => {
  const seen: number[] = [];
  const far = toyTask(40, true);
  const result = await evaluateScan(far, {
    sampler: taggingSampler(4, 1),
    profile: fixedDelay(0),
    seed: 0,
    numEnvs: 1,
    horizon: 4,
    temporalEnsemble: { decay: 0 },
    onStep: (ev) => seen.push(ev.actions[0]!),
  });
  // Step 0: call 1 (start step 0) replaced the initial chunk (same start step).
  assert.equal(seen[0], 10);
  // Step 1: call 1's position 1 and call 2's position 0.
  assert.equal(seen[1], (11 + 20) / 2);
  // Step 5: calls 3..6 started at steps 2..5, positions 3..0.
  assert.equal(seen[5], (33 + 42 + 51 + 60) / 4);
  assert.equal(result.metrics.p_starve, 0);
});
