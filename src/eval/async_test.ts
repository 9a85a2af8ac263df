import assert from "node:assert/strict";
import { evaluateAsync } from "./async.ts";
import { evaluateScan } from "./scan.ts";
import { createCpuStepper } from "../envs/wrapper.ts";
import {
  expertSampler,
  fixedDelay,
  seedMixture,
  taggingSampler,
  toyTask,
} from "../testing/toy_task.ts";
import type { DelayForecaster } from "./types.ts";

const task = toyTask(40);
const T = task.spec.maxTimesteps;

Deno.test("evaluateAsync() with d = 0 and s_min = 1 equals scan with d = 0, s = 1", async () => {
  const N = 8;
  const s1 = createCpuStepper(task.cpu, { numEnvs: N, seed: 5 });
  const scan = await evaluateScan(task, {
    sampler: expertSampler(s1, 4),
    profile: fixedDelay(0),
    seed: 5,
    numEnvs: N,
    horizon: 4,
    stepper: s1,
  });
  const s2 = createCpuStepper(task.cpu, { numEnvs: N, seed: 5 });
  const async = await evaluateAsync(task, {
    sampler: expertSampler(s2, 4),
    profile: fixedDelay(0),
    seed: 5,
    numEnvs: N,
    horizon: 4,
    stepper: s2,
  });
  assert.deepEqual(async.log.firstReturn, scan.log.firstReturn);
  assert.deepEqual(async.log.firstSolved, scan.log.firstSolved);
  assert.equal(async.metrics.p_starve, 0);
});

Deno.test("evaluateAsync() counts starvation when the delay exceeds the chunk", async () => {
  const run = (d: number) =>
    evaluateAsync(task, {
      sampler: taggingSampler(4, 1),
      profile: fixedDelay(d),
      seed: 0,
      numEnvs: 3,
      horizon: 4,
    });
  // d = 2 with s = 2 back to back: index s + d − 1 = 3 < H, never starves.
  assert.equal((await run(2)).metrics.p_starve, 0);
  // d = 3: after the first landing each 3-step cycle runs 1 fresh action and starves 2.
  const three = await run(3);
  assert.ok(three.metrics.p_starve > 0.5 && three.metrics.p_starve < 0.7);
  // s = 1 for the first inference, then s = d = 3.
  assert.equal(
    three.metrics.mean_s,
    Math.fround(3 - 2 / (three.delays.length / 3)),
  );
  // d = 6 > H: after the initial chunk's 4 actions it starves for good.
  assert.equal((await run(6)).metrics.p_starve, Math.fround((T - 4) / T));
});

Deno.test("evaluateAsync() lands a chunk at index d and holds the last action while starved", async () => {
  const seen: number[] = [];
  const starved: number[] = [];
  await evaluateAsync(task, {
    sampler: taggingSampler(4, 1),
    profile: fixedDelay(3),
    seed: 0,
    numEnvs: 1,
    horizon: 4,
    onStep: (ev) => {
      seen.push(ev.actions[0]!);
      starved.push(ev.starved[0]!);
    },
  });
  // k=0..3 initial chunk; the inference started at k=1 (counter 2) lands at
  // k=4 at index 3; the one started at k=4 (counter 5) lands at k=7, index 3.
  assert.deepEqual(seen.slice(0, 9), [0, 1, 2, 3, 23, 23, 23, 53, 53]);
  assert.deepEqual(starved.slice(0, 9), [0, 0, 0, 0, 0, 1, 1, 0, 1]);
});

Deno.test("evaluateAsync(): p_starve > 0 under long_tail and 0 with tail_cap 2 (H = 4)", async () => {
  const run = (cap: number) =>
    evaluateAsync(task, {
      sampler: taggingSampler(4, 1),
      profile: seedMixture(cap),
      seed: 11,
      numEnvs: 32,
      horizon: 4,
    });
  const longTail = await run(Infinity);
  const capped = await run(2);
  assert.ok(longTail.metrics.p_starve > 0);
  assert.equal(capped.metrics.p_starve, 0);
  assert.equal(longTail.metrics.d_p99, 4);
  assert.ok(capped.metrics.d_p99 <= 2);
});

Deno.test("evaluateAsync() is deterministic per seed and uses the forecaster", async () => {
  const observed: number[] = [];
  const forecaster = (): DelayForecaster => {
    let last = 0;
    return {
      observe(d) {
        observed.push(d);
        last = d;
      },
      predict: () => last,
    };
  };
  const delaysSeen: number[] = [];
  const run = () =>
    evaluateAsync(task, {
      sampler: (req) => {
        delaysSeen.push(...req.delay!);
        return taggingSampler(4, 1)(req);
      },
      profile: seedMixture(),
      seed: 2,
      numEnvs: 4,
      horizon: 4,
      forecaster,
    });
  const a = await run();
  const b = await run();
  assert.deepEqual(a.metrics, b.metrics);
  assert.deepEqual(a.delays, b.delays);
  assert.ok(observed.length > 0);
  assert.ok(delaysSeen.every((d) => d >= 0 && d <= 3));
});

Deno.test("evaluateAsync() with temporal ensembling starves exactly when no chunk covers the step", async () => {
  const far = toyTask(40, true);
  const run = (d: number, ensemble: boolean) =>
    evaluateAsync(far, {
      sampler: taggingSampler(4, 1),
      profile: fixedDelay(d),
      seed: 0,
      numEnvs: 2,
      horizon: 4,
      temporalEnsemble: ensemble ? { decay: 0.01 } : undefined,
    });
  for (const d of [1, 3, 6]) {
    const plain = await run(d, false);
    const ens = await run(d, true);
    assert.equal(ens.metrics.p_starve, plain.metrics.p_starve, `d=${d}`);
  }
  const seen: number[] = [];
  await evaluateAsync(far, {
    sampler: taggingSampler(4, 1),
    profile: fixedDelay(1),
    seed: 0,
    numEnvs: 1,
    horizon: 4,
    temporalEnsemble: { decay: 0 },
    onStep: (ev) => seen.push(ev.actions[0]!),
  });
  // k=0: initial chunk only; k=2: initial (2) and the chunk started at k=1
  // (counter 2, landed at k=2, position 1: 21).
  assert.equal(seen[0], 0);
  assert.equal(seen[2], (2 + 21) / 2);
});
