import assert from "node:assert/strict";
import { CpuVecEnv } from "./batch.ts";
import { CARTPOLE_SWINGUP } from "./cartpole_swingup/mod.ts";
import { REACH_AROUND } from "./reach_around/mod.ts";
import { evaluateScan } from "../eval/scan.ts";
import {
  ACTION_NOISE_SALT,
  addActionNoise,
  createCpuStepper,
  vecEnvStepper,
} from "./wrapper.ts";
import { normal } from "../rng/rng.ts";
import { seedMixture, sineSampler } from "../testing/toy_task.ts";

Deno.test("createCpuStepper() follows the VecEnv noise and reset conventions exactly", async () => {
  for (const task of [REACH_AROUND, CARTPOLE_SWINGUP]) {
    const run = (
      stepper:
        | ReturnType<typeof createCpuStepper>
        | ReturnType<typeof vecEnvStepper>,
    ) =>
      evaluateScan(task, {
        sampler: sineSampler(4, task.spec.actionDim),
        profile: seedMixture(),
        seed: 9,
        numEnvs: 6,
        horizon: 4,
        stepper,
      });
    const ours = await run(createCpuStepper(task.cpu, { numEnvs: 6, seed: 9 }));
    const theirs = await run(
      vecEnvStepper(new CpuVecEnv(task, { n: 6, seed: 9, noiseStd: 0.1 })),
    );
    assert.deepEqual(ours.metrics, theirs.metrics, task.spec.name);
    assert.deepEqual(ours.log.firstReturn, theirs.log.firstReturn);
  }
});

Deno.test("createCpuStepper() noise changes the rollout (the convention test above is not vacuous)", async () => {
  const run = (actionNoise: number) =>
    evaluateScan(REACH_AROUND, {
      sampler: sineSampler(4, 2),
      profile: seedMixture(),
      seed: 9,
      numEnvs: 6,
      horizon: 4,
      actionNoise,
    });
  const a = await run(0.1);
  const b = await run(0);
  assert.notDeepEqual(a.log.firstLength, b.log.firstLength);
});

Deno.test("addActionNoise() uses normal(seed ^ 0x9e3779b9, env, t * 8 + i, 0)", () => {
  const a = addActionNoise(new Float32Array([0.5, -0.5]), {
    seed: 11,
    env: 3,
    t: 7,
    noiseStd: 0.1,
  });
  const seed = (11 ^ ACTION_NOISE_SALT) >>> 0;
  assert.equal(
    a[0],
    Math.fround(0.5 + Math.fround(Math.fround(0.1) * normal(seed, 3, 56, 0))),
  );
  assert.equal(
    a[1],
    Math.fround(-0.5 + Math.fround(Math.fround(0.1) * normal(seed, 3, 57, 0))),
  );
  assert.deepEqual(
    addActionNoise(new Float32Array([0.5]), {
      seed: 1,
      env: 0,
      t: 0,
      noiseStd: 0,
    }),
    new Float32Array([0.5]),
  );
});
