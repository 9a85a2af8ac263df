import assert from "node:assert/strict";
import { GpuVecEnv } from "./batch_gpu.ts";
import { REACH_AROUND } from "./reach_around/mod.ts";
import { gpuTest } from "../testing/gpu.ts";
import { evaluateScan } from "../eval/scan.ts";
import { createCpuStepper, vecEnvStepper } from "./wrapper.ts";
import { seedMixture, sineSampler } from "../testing/toy_task.ts";

gpuTest(
  "vecEnvStepper() over the WGSL batch stepper matches the CPU stepper's first episodes",
  async (device) => {
    const run = (stepper: ReturnType<typeof vecEnvStepper>) =>
      evaluateScan(REACH_AROUND, {
        sampler: sineSampler(4, 2),
        profile: seedMixture(),
        seed: 4,
        numEnvs: 8,
        horizon: 4,
        stepper,
      });
    const env = new GpuVecEnv(REACH_AROUND, device, {
      n: 8,
      seed: 4,
      noiseStd: 0.1,
    });
    try {
      const gpu = await run(vecEnvStepper(env));
      const cpu = await run(
        createCpuStepper(REACH_AROUND.cpu, { numEnvs: 8, seed: 4 }),
      );
      assert.deepEqual(gpu.log.firstLength, cpu.log.firstLength);
      assert.deepEqual(gpu.log.firstSolved, cpu.log.firstSolved);
      assert.deepEqual(gpu.log.firstReturn, cpu.log.firstReturn);
    } finally {
      env.destroy();
    }
  },
);
