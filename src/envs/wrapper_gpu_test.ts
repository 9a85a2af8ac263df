import assert from "node:assert/strict";
import { GpuVecEnv } from "../envs/batch_gpu.ts";
import { REACH_AROUND } from "../envs/reach_around/mod.ts";
import { gpuTest } from "../gpu/testing.ts";
import { evaluateScan } from "./scan.ts";
import { createCpuStepper, vecEnvStepper } from "./stepper.ts";
import { seedMixture, sineSampler } from "./_toy_task.ts";

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
