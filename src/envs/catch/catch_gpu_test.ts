import assert from "node:assert/strict";
import { gpuTest } from "../../gpu/testing.ts";
import { compileMessages } from "../../gpu/kernel.ts";
import { CATCH } from "./catch.ts";
import {
  cpuRollout,
  gpuRollout,
  maxAbsDiff,
  parityKernel,
} from "../lander/_parity.ts";

/** Largest allowed |CPU − GPU| of states, observations and expert actions. */
const PARITY_ATOL = 1e-4;
const OPTS = { envs: 64, steps: 100, seed: 11 };

gpuTest("CATCH.wgsl compiles cleanly", async (device) => {
  assert.deepEqual(
    await compileMessages(device, parityKernel(CATCH, OPTS)),
    [],
  );
});

gpuTest("CATCH CPU and WGSL twins agree over 100 steps", async (device) => {
  const cpu = cpuRollout(CATCH, OPTS);
  const gpu = await gpuRollout(device, CATCH, cpu.actions, OPTS);
  let dones = 0;
  for (let i = 0; i < cpu.outs.length; i++) {
    if (!Object.is(cpu.outs[i], gpu.outs[i])) { // -0 counts as a mismatch
      assert.fail(`outs[${i}]: cpu ${cpu.outs[i]} gpu ${gpu.outs[i]}`);
    }
    if (i % 3 === 1) dones += cpu.outs[i]!;
  }
  assert.ok(
    dones > 10,
    `only ${dones} episodes ended: the test covers no resets`,
  );
  for (const k of ["states", "obs", "experts"] as const) {
    const { diff, index } = maxAbsDiff(cpu[k], gpu[k]);
    assert.ok(diff <= PARITY_ATOL, `${k}[${index}]: |cpu − gpu| = ${diff}`);
  }
});
