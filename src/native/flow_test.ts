import assert from "node:assert/strict";
import { resolveModelConfig } from "../policy/config.ts";
import { paramLayout, randomParams } from "../policy/params.ts";
import { createCpuNet } from "../policy/net_cpu.ts";
import { type MethodName, resolveMethodConfig } from "../rtc/method_config.ts";
import { type ChunkRequest, sampleChunk } from "../rtc/sample.ts";
import { loadNativeEngine } from "./build.ts";
import { createNativeNet } from "./net_native.ts";
import { assertBitEqual, assertClose, NATIVE_IGNORE } from "./_testing.ts";

const config = resolveModelConfig({
  channelDim: 12,
  channelHiddenDim: 20,
  tokenHiddenDim: 6,
  numLayers: 2,
  actionChunkSize: 4,
});
const dims = { obsDim: 5, actionDim: 3 };
const H = config.actionChunkSize, A = dims.actionDim, O = dims.obsDim;
const layout = paramLayout(config, dims);
const params = randomParams(layout, { seed: 3 });

function request(B: number, trace: boolean): ChunkRequest {
  return {
    batch: B,
    obs: Float32Array.from({ length: B * O }, (_, i) => Math.sin(i)),
    prevChunk: Float32Array.from({ length: B * H * A }, (_, i) => Math.cos(i)),
    delay: Int32Array.from({ length: B }, (_, b) => b % 3),
    executeHorizon: Int32Array.from({ length: B }, (_, b) => 1 + (b % 2)),
    seed: 4,
    counter: 9,
    trace,
  };
}

const METHODS: MethodName[] = [
  "naive",
  "realtime",
  "hard_masking",
  "training_time",
  "bid",
];

Deno.test({
  name:
    "PolicyNet.flow() of the native net equals the step-by-step sampler bit for bit (every method)",
  ignore: NATIVE_IGNORE,
  async fn() {
    const net = createNativeNet(await loadNativeEngine(), {
      config,
      ...dims,
      layout,
      params,
      tileSamples: 2,
    });
    for (const m of METHODS) {
      const method = resolveMethodConfig({ method: m, bidSamples: 3 });
      // a trace makes sampleChunk run its own loop over forward/vjp
      const fused = await sampleChunk(net, request(5, false), method);
      const loop = await sampleChunk(net, request(5, true), method);
      assert.ok(loop.trace, `${m}: the loop path ran`);
      assertBitEqual(fused.chunk, loop.chunk, m);
    }
    net.destroy!();
  },
});

// Chunks of the native net against the CPU reference: the same method and
// noise through 5 Euler steps amplify the network's float32 differences
// (≤ 5e-7 relative per call) by at most a few times; 1e-4 of the largest
// action leaves room for that.
Deno.test({
  name: "sampleChunk() on the native net matches the CPU reference net",
  ignore: NATIVE_IGNORE,
  async fn() {
    const native = createNativeNet(await loadNativeEngine(), {
      config,
      ...dims,
      layout,
      params,
    });
    const cpu = createCpuNet({ config, ...dims, layout, params });
    for (const m of ["naive", "realtime", "training_time"] as const) {
      const method = resolveMethodConfig({ method: m });
      const a = await sampleChunk(native, request(3, false), method);
      const b = await sampleChunk(cpu, request(3, false), method);
      assertClose(a.chunk, b.chunk, m, 1e-4);
    }
    native.destroy!();
  },
});
