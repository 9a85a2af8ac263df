import assert from "node:assert/strict";
import { type ModelConfig, resolveModelConfig } from "../policy/config.ts";
import { paramLayout, randomParams } from "../policy/params.ts";
import { createCpuNet } from "../policy/net_cpu.ts";
import type { PolicyNet } from "../policy/net.ts";
import { uniform } from "../rng/rng.ts";
import { loadNativeEngine } from "./build.ts";
import { createNativeNet, type NativeNetOptions } from "./net_native.ts";
import {
  assertBitEqual,
  assertClose,
  NATIVE_IGNORE,
  randn,
} from "./_testing.ts";

// Parity tolerance against the float32 CPU reference: both compute in
// float32; the engine fuses multiply-adds (one rounding instead of two),
// sums LayerNorm statistics and the weight gradients in 8 lanes, uses a
// polynomial exp in GELU/swish and sums adaLN gradients per distinct time
// first. Measured: ≤ 5e-7 (forward, VJP) and ≤ 2e-6 (parameter gradients)
// of each tensor's largest magnitude. 2e-5 leaves room for other CPUs'
// libm and nothing else: a wrong index or term gives errors of 1e-2..1.
const RTOL = 2e-5;

// Shapes: the smallest net (C = 8), a width that is not a multiple of 8
// (C = 12, Hc = 20: the padded lanes), and the small model at O = 32, A = 6.
const SHAPES: [string, ModelConfig, { obsDim: number; actionDim: number }][] = [
  [
    "tiny",
    resolveModelConfig({
      channelDim: 8,
      channelHiddenDim: 8,
      tokenHiddenDim: 4,
      numLayers: 1,
      actionChunkSize: 2,
    }),
    { obsDim: 3, actionDim: 2 },
  ],
  [
    "odd widths",
    resolveModelConfig({
      channelDim: 12,
      channelHiddenDim: 20,
      tokenHiddenDim: 6,
      numLayers: 2,
      actionChunkSize: 3,
    }),
    { obsDim: 5, actionDim: 3 },
  ],
  [
    "small model",
    resolveModelConfig({
      channelDim: 64,
      channelHiddenDim: 128,
      tokenHiddenDim: 32,
      numLayers: 2,
      actionChunkSize: 4,
    }),
    { obsDim: 32, actionDim: 6 },
  ],
];

async function nets(
  config: ModelConfig,
  dims: { obsDim: number; actionDim: number },
  extra: Partial<NativeNetOptions> = {},
): Promise<{ cpu: PolicyNet; native: PolicyNet; H: number }> {
  const layout = paramLayout(config, dims);
  const opts = {
    config,
    ...dims,
    layout,
    params: randomParams(layout, { seed: 5 }),
  };
  return {
    cpu: createCpuNet(opts),
    native: createNativeNet(await loadNativeEngine(), {
      ...opts,
      tileSamples: 2,
      ...extra,
    }),
    H: config.actionChunkSize,
  };
}

function inputs(B: number, H: number, A: number, O: number) {
  return {
    batch: B,
    obs: randn(B * O, 1),
    xt: randn(B * H * A, 2),
    time: Float32Array.from({ length: B * H }, (_, i) => uniform(11, 3, i)),
  };
}

function lossBatch(B: number, H: number, A: number, O: number) {
  return {
    batch: B,
    obs: randn(B * O, 1),
    actions: randn(B * H * A, 5, 0.5),
    t: Float32Array.from({ length: B }, (_, i) => uniform(11, 6, i)),
    eps: randn(B * H * A, 7),
    delay: Int32Array.from({ length: B }, (_, i) => i % Math.min(3, H)),
  };
}

for (const [name, config, dims] of SHAPES) {
  Deno.test({
    name:
      `createNativeNet() forward, vjp and lossAndGrad match the CPU reference (${name})`,
    ignore: NATIVE_IGNORE,
    async fn() {
      const { cpu, native, H } = await nets(config, dims);
      const { actionDim: A, obsDim: O } = dims;
      const B = 5; // three tiles of 2, the last one short
      const x = inputs(B, H, A, O);
      assertClose(await native.forward(x), await cpu.forward(x), "v", RTOL);
      const cot = randn(B * H * A, 4);
      const n = await native.vjp(x, cot), c = await cpu.vjp(x, cot);
      assertClose(n.v, c.v, "vjp v", RTOL);
      assertClose(n.gradXt, c.gradXt, "gradXt", RTOL);
      // sampling-like times: one shared t, the training-time prefix at 1
      const shared = {
        ...x,
        time: Float32Array.from(
          { length: B * H },
          (_, i) => i % H < 1 ? 1 : 0.375,
        ),
      };
      assertClose(
        await native.forward(shared),
        await cpu.forward(shared),
        "v (shared time)",
        RTOL,
      );
      for (const delay of [true, false]) {
        const batch = lossBatch(B, H, A, O);
        if (!delay) delete (batch as { delay?: Int32Array }).delay;
        const nl = await native.lossAndGrad(batch);
        const cl = await cpu.lossAndGrad(batch);
        assert.ok(
          Math.abs(nl.loss - cl.loss) <= RTOL * cl.loss,
          `loss ${nl.loss} vs ${cl.loss}`,
        );
        for (const e of native.layout.entries) {
          assertClose(
            nl.grad.subarray(e.offset, e.offset + e.size),
            cl.grad.subarray(e.offset, e.offset + e.size),
            `grad ${e.name} (delay mask ${delay})`,
            RTOL,
          );
        }
      }
      native.destroy!();
    },
  });
}

Deno.test({
  name:
    "createNativeNet() is bit-identical across thread counts, tile sizes and batch composition",
  ignore: NATIVE_IGNORE,
  async fn() {
    const [, config, dims] = SHAPES[1]!;
    const { actionDim: A, obsDim: O } = dims;
    const H = config.actionChunkSize;
    const B = 7;
    const x = inputs(B, H, A, O);
    const cot = randn(B * H * A, 4);
    const batch = lossBatch(B, H, A, O);
    const runs = [];
    for (const [threads, tileSamples] of [[1, 1], [2, 3], [3, 2]]) {
      const { native } = await nets(config, dims, { threads, tileSamples });
      const v = await native.vjp(x, cot);
      runs.push({
        forward: await native.forward(x),
        ...v,
        grad: (await native.lossAndGrad(batch)).grad,
        // the first 3 rows alone give the same rows as within the batch
        head: await native.forward({
          batch: 3,
          obs: x.obs.subarray(0, 3 * O),
          xt: x.xt.subarray(0, 3 * H * A),
          time: x.time.subarray(0, 3 * H),
        }),
      });
      native.destroy!();
    }
    const [ref, ...rest] = runs;
    for (const r of rest) {
      assertBitEqual(r.forward, ref!.forward, "forward");
      assertBitEqual(r.v, ref!.forward, "vjp v");
      assertBitEqual(r.gradXt, ref!.gradXt, "gradXt");
      assertBitEqual(r.grad, ref!.grad, "grad");
      assertBitEqual(r.head, ref!.forward.subarray(0, 3 * H * A), "3 rows");
    }
  },
});

Deno.test({
  name:
    "createNativeNet() lossAndGrad() agrees with central finite differences of its own loss",
  ignore: NATIVE_IGNORE,
  async fn() {
    const [, config, dims] = SHAPES[1]!;
    const { native, H } = await nets(config, dims);
    const batch = lossBatch(6, H, dims.actionDim, dims.obsDim);
    const p0 = native.params();
    const { grad } = await native.lossAndGrad(batch);
    // directional derivative along a random unit direction, eps = 1e-2:
    // float32 loss noise (~1e-7 relative) / eps ≈ 1e-5, curvature O(eps²)
    const dir = randn(p0.length, 9);
    let norm = 0;
    for (const d of dir) norm += d * d;
    norm = Math.sqrt(norm);
    let analytic = 0;
    for (let i = 0; i < dir.length; i++) {
      dir[i] = dir[i]! / norm;
      analytic += grad[i]! * dir[i]!;
    }
    const eps = 1e-2;
    const at = async (s: number) => {
      native.setParams(p0.map((p, i) => p + s * eps * dir[i]!));
      return (await native.lossAndGrad(batch)).loss;
    };
    const fd = ((await at(1)) - (await at(-1))) / (2 * eps);
    assert.ok(
      Math.abs(fd - analytic) <= 2e-3 * Math.abs(analytic),
      `finite difference ${fd} vs gradient ${analytic}`,
    );
    native.destroy!();
  },
});

Deno.test({
  name: "createNativeNet() rejects bad sizes and use after destroy()",
  ignore: NATIVE_IGNORE,
  async fn() {
    const [, config, dims] = SHAPES[0]!;
    const { native } = await nets(config, dims);
    await assert.rejects(
      native.forward({
        batch: 2,
        obs: new Float32Array(5),
        xt: new Float32Array(8),
        time: new Float32Array(4),
      }),
      TypeError,
    );
    assert.throws(() => native.setParams(new Float32Array(3)), TypeError);
    native.destroy!();
    native.destroy!();
    await assert.rejects(
      native.forward(inputs(1, 2, 2, 3)),
      /destroyed/,
    );
    const layout = paramLayout(config, dims);
    assert.throws(
      () =>
        createNativeNet(undefined as never, {
          config,
          ...dims,
          layout,
          params: new Float32Array(layout.size),
          threads: 0,
        }),
      RangeError,
    );
  },
});
