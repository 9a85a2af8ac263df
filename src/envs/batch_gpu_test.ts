import assert from "node:assert/strict";
import { uniform } from "../rng/rng.ts";
import { gpuTest } from "../testing/gpu.ts";
import { CpuVecEnv, type VecEnv } from "./batch.ts";
import { summarizeLog } from "./episode_log.ts";
import { GpuVecEnv } from "./batch_gpu.ts";
import { TASKS } from "./registry.ts";
import type { Task } from "./types.ts";

/** Max state difference between the CPU and GPU wrappers. */
const STATE_ATOL = 1e-4;

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(m) ? Infinity : m;
}

/** Random actions biased per environment, so that some environments terminate early (auto-reset). */
function actions(
  task: Task,
  n: number,
  steps: number,
  t0: number,
): Float32Array {
  const A = task.spec.actionDim;
  const out = new Float32Array(steps * n * A);
  for (let j = 0; j < steps; j++) {
    for (let e = 0; e < n; e++) {
      for (let i = 0; i < A; i++) {
        const bias = e % 3 === 0 ? (i === A - 1 ? 0.9 : 0) : 0;
        out[(j * n + e) * A + i] = bias +
          0.6 * (2 * uniform(77, e, (t0 + j) * 8 + i) - 1);
      }
    }
  }
  return out;
}

for (const task of Object.values(TASKS)) {
  gpuTest(
    `GpuVecEnv matches CpuVecEnv on ${task.spec.name} with given actions, auto-reset included`,
    async (device) => {
      const n = 64;
      const cpu: VecEnv = new CpuVecEnv(task, { n, seed: 4, noiseStd: 0.1 });
      const gpu: VecEnv = new GpuVecEnv(task, device, {
        n,
        seed: 4,
        noiseStd: 0.1,
      });
      assert.ok(maxDiff(await cpu.reset(), await gpu.reset()) <= 1e-6);
      for (let t = 0; t < 100; t += 4) {
        const act = actions(task, n, 4, t);
        const a = await cpu.step(act, { steps: 4 });
        const b = await gpu.step(act, { steps: 4 });
        assert.deepEqual(b.results, a.results, `results at t=${t}`);
        assert.ok(maxDiff(a.obs, b.obs) <= STATE_ATOL, `obs at t=${t}`);
      }
      assert.ok(maxDiff(await cpu.states(), await gpu.states()) <= STATE_ATOL);
      const episodes = await gpu.episodes();
      assert.deepEqual(episodes, await cpu.episodes());
      assert.ok(episodes.some((x) => x > 0), "some environment auto-reset");
      // the log: identical but for the first-episode return, summed in
      // float32 on the GPU and in float64 on the CPU
      const lg = await gpu.log();
      const lc = await cpu.log();
      assert.deepEqual(lg.firstDone, lc.firstDone);
      assert.deepEqual(lg.firstLength, lc.firstLength);
      assert.deepEqual(lg.firstSolved, lc.firstSolved);
      for (let e = 0; e < n; e++) {
        assert.ok(Math.abs(lg.firstReturn[e]! - lc.firstReturn[e]!) <= 1e-4);
      }
      gpu.destroy();
    },
  );

  gpuTest(
    `GpuVecEnv expert rollout of ${task.spec.name} matches the CPU solve rate`,
    async (device) => {
      const n = 128;
      const cpu: VecEnv = new CpuVecEnv(task, { n, seed: 1, noiseStd: 0.1 });
      const gpu: VecEnv = new GpuVecEnv(task, device, {
        n,
        seed: 1,
        noiseStd: 0.1,
      });
      await cpu.reset();
      await gpu.reset();
      // the first 20 steps in lockstep
      const a = await cpu.stepExpert(20);
      const b = await gpu.stepExpert(20);
      assert.ok(maxDiff(a.obs, b.obs) <= STATE_ATOL);
      await cpu.stepExpert(task.spec.maxTimesteps - 20);
      await gpu.stepExpert(task.spec.maxTimesteps - 20);
      const sc = summarizeLog(await cpu.log());
      const sg = summarizeLog(await gpu.log());
      assert.equal(sg.finished, n);
      assert.ok(
        sg.returned_episode_solved >= 0.95,
        `gpu solve rate ${sg.returned_episode_solved}`,
      );
      assert.ok(
        Math.abs(sg.returned_episode_solved - sc.returned_episode_solved) <=
          0.02,
      );
      gpu.destroy();
    },
  );
}
