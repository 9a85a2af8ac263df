import assert from "node:assert/strict";
import { compileMessages, readBuffer } from "../gpu/kernel.ts";
import { gpuTest } from "../testing/gpu.ts";
import { normal } from "../rng/rng.ts";
import {
  adamwStep,
  createAdamWState,
  globalNorm,
  resolveAdamWOptions,
} from "./adamw.ts";
import { ADAMW_WGSL, adamwStepGpu, createAdamWBuffers } from "./adamw_wgsl.ts";

/** Relative tolerance of GPU vs CPU AdamW (f32 kernel vs f64 element math). */
const TOL = 2e-5;

gpuTest("ADAMW_WGSL compiles cleanly", async (device) => {
  assert.deepEqual(await compileMessages(device, ADAMW_WGSL), []);
});

gpuTest(
  "adamwStepGpu() matches adamwStep() over 3 steps with clipping",
  async (device) => {
    const n = 1000;
    const options = resolveAdamWOptions({
      learningRate: 1e-2,
      warmupSteps: 2,
      clipNorm: 5,
    });
    const p = Float32Array.from({ length: n }, (_, i) => normal(1, 0, i));
    const cpu = p.slice();
    const state = createAdamWState(n);
    const gpuState = { step: 0 };
    const buffers = createAdamWBuffers(device, p);
    for (let s = 0; s < 3; s++) {
      const grad = Float32Array.from(
        { length: n },
        (_, i) => 0.3 * normal(2, s, i),
      );
      device.queue.writeBuffer(buffers.grad, 0, grad);
      const a = adamwStep(cpu, { grad, state, options });
      const b = adamwStepGpu(device, {
        buffers,
        n,
        state: gpuState,
        options,
        gradNorm: globalNorm(grad),
      });
      assert.deepEqual(b, a);
    }
    const out = new Float32Array(
      await readBuffer(device, buffers.params, 4 * n),
    );
    const m = new Float32Array(await readBuffer(device, buffers.m, 4 * n));
    for (let i = 0; i < n; i++) {
      assert.ok(
        Math.abs(out[i]! - cpu[i]!) <= TOL * Math.max(1, Math.abs(cpu[i]!)),
        `param ${i}: ${out[i]} vs ${cpu[i]}`,
      );
      assert.ok(Math.abs(m[i]! - state.m[i]!) <= TOL * 0.1, `m ${i}`);
    }
    assert.notDeepEqual(out, p);
  },
);
