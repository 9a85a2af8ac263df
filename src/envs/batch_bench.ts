import { getBackend } from "../gpu/backend.ts";
import { CpuVecEnv, createVecEnv } from "./batch.ts";
import { TASKS } from "./registry.ts";

const N = 1024;
const STEPS = 8;
const backend = await getBackend({ notice: () => {} });

for (const task of Object.values(TASKS)) {
  const actions = new Float32Array(STEPS * N * task.spec.actionDim).fill(0.1);
  const cpu = new CpuVecEnv(task, { n: N, seed: 0, noiseStd: 0.1 });
  await cpu.reset();
  Deno.bench(`${task.spec.name}: cpu, ${N} envs x ${STEPS} steps`, {
    group: task.spec.name,
    baseline: true,
  }, async () => {
    await cpu.step(actions, { steps: STEPS });
  });
  if (backend.backend === "webgpu") {
    const gpu = await createVecEnv(task, { backend, n: N, seed: 0 });
    await gpu.reset();
    Deno.bench(
      `${task.spec.name}: ${backend.adapterName}, ${N} envs x ${STEPS} steps`,
      { group: task.spec.name },
      async () => {
        await gpu.step(actions, { steps: STEPS });
      },
    );
  }
}
