import assert from "node:assert/strict";
import { gpuTest } from "../testing/gpu.ts";
import { compileMessages } from "../gpu/kernel.ts";
import {
  DEFAULT_MODEL_CONFIG,
  type ModelConfig,
  resolveModelConfig,
  SMALL_MODEL_CONFIG,
} from "./config.ts";
import { paramLayout, randomParams } from "./params.ts";
import { netShape } from "./forward_cpu.ts";
import { policyKernels } from "./net_wgsl.ts";
import { createCpuNet } from "./net_cpu.ts";
import { createGpuNet } from "./net_gpu.ts";
import { normal, uniform } from "../rng/rng.ts";

// Parity tolerance: both sides compute in float32; they differ by summation
// order (FMA contraction), sin/cos/exp accuracy and 1/sqrt, i.e. a few ulp
// per operation, amplified through L blocks. 1e-4 of the largest magnitude
// of each compared tensor leaves room for that and nothing else: a wrong
// term or index gives errors of order 1e-2..1.
const RTOL = 1e-4;

function rand(n: number, stream: number, scale = 1): Float32Array {
  return Float32Array.from(
    { length: n },
    (_, i) => scale * normal(11, stream, i),
  );
}

function assertClose(
  actual: Float32Array,
  expected: Float32Array,
  what: string,
  rtol = RTOL,
) {
  assert.equal(actual.length, expected.length, what);
  let scale = 0;
  for (const x of expected) scale = Math.max(scale, Math.abs(x));
  assert.ok(scale > 0, `${what} is all zero`);
  let worst = 0, at = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i]! - expected[i]!);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  assert.ok(
    worst <= rtol * scale,
    `${what}: max error ${worst} at ${at} (${actual[at]} vs ${
      expected[at]
    }), scale ${scale}`,
  );
}

async function parity(
  device: GPUDevice,
  config: ModelConfig,
  dims: { obsDim: number; actionDim: number },
  B: number,
) {
  const layout = paramLayout(config, dims);
  const params = randomParams(layout, { seed: 5 });
  const opts = { config, ...dims, layout, params };
  const cpu = createCpuNet(opts);
  const gpu = createGpuNet(device, opts);
  const { H, A, O } = netShape(config, dims);
  try {
    const inputs = {
      batch: B,
      obs: rand(B * O, 1),
      xt: rand(B * H * A, 2),
      time: Float32Array.from({ length: B * H }, (_, i) => uniform(11, 3, i)),
    };
    assertClose(
      await gpu.forward(inputs),
      await cpu.forward(inputs),
      "forward v",
    );
    const cot = rand(B * H * A, 4);
    const g = await gpu.vjp(inputs, cot);
    const c = await cpu.vjp(inputs, cot);
    assertClose(g.v, c.v, "vjp v");
    assertClose(g.gradXt, c.gradXt, "vjp gradXt");
    const batch = {
      batch: B,
      obs: inputs.obs,
      actions: rand(B * H * A, 5, 0.5),
      t: Float32Array.from({ length: B }, (_, i) => uniform(11, 6, i)),
      eps: rand(B * H * A, 7),
      delay: Int32Array.from({ length: B }, (_, i) => i % Math.min(3, H)),
    };
    const gl = await gpu.lossAndGrad(batch);
    const cl = await cpu.lossAndGrad(batch);
    assert.ok(
      Math.abs(gl.loss - cl.loss) <= RTOL * cl.loss,
      `loss ${gl.loss} vs ${cl.loss}`,
    );
    for (const e of layout.entries) {
      assertClose(
        gl.grad.subarray(e.offset, e.offset + e.size),
        cl.grad.subarray(e.offset, e.offset + e.size),
        `grad ${e.name}`,
      );
    }
    // sampling-like times (one shared t; training-time RTC prefix at time 1):
    // the time conditioning runs once per distinct value and is gathered
    const shared = {
      ...inputs,
      time: Float32Array.from(
        { length: B * H },
        (_, i) => (i % H) < 1 ? 1 : 0.375,
      ),
    };
    assertClose(
      await gpu.forward(shared),
      await cpu.forward(shared),
      "forward v (shared time)",
    );
    const gs = await gpu.vjp(shared, cot);
    const cs = await cpu.vjp(shared, cot);
    assertClose(gs.v, cs.v, "vjp v (shared time)");
    assertClose(gs.gradXt, cs.gradXt, "vjp gradXt (shared time)");
    // one time for every token: each token reads the single conditioning row
    const one = { ...inputs, time: new Float32Array(B * H).fill(0.625) };
    assertClose(
      await gpu.forward(one),
      await cpu.forward(one),
      "forward v (one time)",
    );
    const go = await gpu.vjp(one, cot);
    const co = await cpu.vjp(one, cot);
    assertClose(go.v, co.v, "vjp v (one time)");
    assertClose(go.gradXt, co.gradXt, "vjp gradXt (one time)");
    // a second batch size reuses nothing from the first plan by mistake
    const small = {
      ...inputs,
      batch: 1,
      obs: inputs.obs.subarray(0, O),
      xt: inputs.xt.subarray(0, H * A),
      time: inputs.time.subarray(0, H),
    };
    assertClose(
      await gpu.forward(small),
      await cpu.forward(small),
      "forward v (batch 1)",
    );
  } finally {
    gpu.destroy?.();
  }
}

gpuTest("policyKernels() WGSL compiles cleanly", async (device) => {
  const k = policyKernels(
    netShape(SMALL_MODEL_CONFIG, { obsDim: 32, actionDim: 6 }),
  );
  for (const [name, code] of Object.entries(k)) {
    assert.deepEqual(await compileMessages(device, code), [], name);
  }
});

gpuTest(
  "createGpuNet() matches the CPU reference on a tiny config",
  async (device) => {
    const config = resolveModelConfig({
      channelDim: 8,
      channelHiddenDim: 12,
      tokenHiddenDim: 5,
      numLayers: 2,
      actionChunkSize: 3,
    });
    await parity(device, config, { obsDim: 5, actionDim: 2 }, 8);
  },
);

gpuTest(
  "createGpuNet() matches the CPU reference on the seed's small model",
  async (device) => {
    await parity(device, SMALL_MODEL_CONFIG, { obsDim: 32, actionDim: 6 }, 8);
  },
);

gpuTest(
  "createGpuNet() matches the CPU reference on the upstream default model",
  async (device) => {
    await parity(device, DEFAULT_MODEL_CONFIG, { obsDim: 10, actionDim: 2 }, 3);
  },
);

gpuTest(
  "createGpuNet() stays correct across more batch sizes than it caches",
  async (device) => {
    const config = resolveModelConfig({
      channelDim: 8,
      channelHiddenDim: 12,
      tokenHiddenDim: 5,
      numLayers: 1,
      actionChunkSize: 3,
    });
    const dims = { obsDim: 5, actionDim: 2 };
    const layout = paramLayout(config, dims);
    const opts = {
      config,
      ...dims,
      layout,
      params: randomParams(layout, { seed: 2 }),
    };
    const cpu = createCpuNet(opts);
    const gpu = createGpuNet(device, opts);
    try {
      for (const B of [1, 2, 3, 4, 5, 6, 1, 2]) {
        const inputs = {
          batch: B,
          obs: rand(B * 5, 20 + B),
          xt: rand(B * 6, 30 + B),
          time: Float32Array.from(
            { length: B * 3 },
            (_, i) => uniform(11, B, i),
          ),
        };
        assertClose(
          await gpu.forward(inputs),
          await cpu.forward(inputs),
          `forward v (batch ${B})`,
        );
      }
    } finally {
      gpu.destroy?.();
    }
  },
);
