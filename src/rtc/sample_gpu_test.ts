import assert from "node:assert/strict";
import { gpuTest } from "../testing/gpu.ts";
import { resolveModelConfig } from "../policy/config.ts";
import { paramLayout, randomParams } from "../policy/params.ts";
import { createCpuNet } from "../policy/net_cpu.ts";
import { createGpuNet } from "../policy/net_gpu.ts";
import { type MethodConfig, resolveMethodConfig } from "./method_config.ts";
import { type ChunkRequest, sampleChunk } from "./sample.ts";
import { canSampleOnGpu, sampleChunkGpu } from "./sample_gpu.ts";

// Tolerance: the GPU-resident path draws its noise with the WGSL RNG
// (normals within ~1e-6 of the CPU ones) and does the error/update
// arithmetic in float32 where the CPU-orchestrated loop uses float64, and
// the CPU net differs from the WebGPU net by summation order; five guided
// Euler steps amplify these to ~1e-6..1e-5. |Δ| ≤ RTOL·(1 + |ref|) with
// RTOL = 1e-4 leaves room for that only: a wrong index, weight or step
// gives errors of order 1e-2..1.
const RTOL = 1e-4;

function assertClose(
  actual: Float32Array,
  expected: Float32Array,
  what: string,
) {
  assert.equal(actual.length, expected.length, what);
  let worst = 0, at = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i]! - expected[i]!) /
      (1 + Math.abs(expected[i]!));
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  assert.ok(
    worst <= RTOL,
    `${what}: max relative error ${worst} at ${at} (${actual[at]} vs ${
      expected[at]
    })`,
  );
}

const H = 4, A = 2, O = 3, B = 5;
const config = resolveModelConfig({
  channelDim: 8,
  channelHiddenDim: 8,
  tokenHiddenDim: 4,
  numLayers: 1,
  actionChunkSize: H,
  simulatedDelay: 2,
});
const dims = { obsDim: O, actionDim: A };
const layout = paramLayout(config, dims);
const params = randomParams(layout, { seed: 3, scale: 0.5 });

const request: ChunkRequest = {
  batch: B,
  obs: Float32Array.from({ length: B * O }, (_, i) => Math.sin(i)),
  prevChunk: Float32Array.from({ length: B * H * A }, (_, i) => Math.cos(i)),
  delay: Int32Array.of(0, 1, 2, 3, 4),
  executeHorizon: Int32Array.of(1, 2, 0, 1, 0),
  seed: 17,
  counter: Uint32Array.of(3, 4, 5, 6, 0xffffffff),
  streams: Uint32Array.of(9, 1, 8, 2, 7),
};

const METHODS: [string, MethodConfig][] = [
  ["naive", resolveMethodConfig({ method: "naive" })],
  [
    "temporal_ensembling",
    resolveMethodConfig({ method: "temporal_ensembling" }),
  ],
  ["realtime exp", resolveMethodConfig({ method: "realtime" })],
  [
    "realtime linear, 3 steps, beta 2",
    resolveMethodConfig({
      method: "realtime",
      schedule: "linear",
      numFlowSteps: 3,
      maxGuidanceWeight: 2,
    }),
  ],
  [
    "realtime ones",
    resolveMethodConfig({ method: "realtime", schedule: "ones" }),
  ],
  ["hard_masking", resolveMethodConfig({ method: "hard_masking" })],
  ["training_time", resolveMethodConfig({ method: "training_time" })],
];

gpuTest(
  "sampleChunkGpu() equals the CPU-orchestrated path (WebGPU and CPU nets) for each method",
  async (device) => {
    const gpuNet = createGpuNet(device, { config, ...dims, layout, params });
    const cpuNet = createCpuNet({ config, ...dims, layout, params });
    const traced = { ...request, trace: true }; // trace forces the CPU-orchestrated loop
    for (const [name, method] of METHODS) {
      assert.ok(canSampleOnGpu(gpuNet, request, method), name);
      assert.ok(!canSampleOnGpu(gpuNet, traced, method), name);
      const { chunk } = await sampleChunkGpu(gpuNet, request, method);
      assert.ok(chunk.every(Number.isFinite), name);
      const old = (await sampleChunk(gpuNet, traced, method)).chunk;
      assertClose(chunk, old, `${name} vs CPU-orchestrated on WebGPU net`);
      const cpu = (await sampleChunk(cpuNet, request, method)).chunk;
      assertClose(chunk, cpu, `${name} vs CPU net`);
      // sampleChunk takes the GPU-resident path by itself
      const auto = (await sampleChunk(gpuNet, request, method)).chunk;
      assert.deepEqual(auto, chunk, `${name} determinism / automatic dispatch`);
      if (method.method === "training_time") {
        for (let b = 0; b < B; b++) {
          const d = request.delay![b]!;
          const at = b * H * A;
          assert.deepEqual(
            chunk.subarray(at, at + d * A),
            request.prevChunk!.subarray(at, at + d * A),
            `training_time prefix of env ${b}`,
          );
        }
      }
    }
    gpuNet.destroy!();
  },
);

gpuTest(
  "sampleChunkGpu() rows do not depend on batch composition, and guidance is active",
  async (device) => {
    const gpuNet = createGpuNet(device, { config, ...dims, layout, params });
    const realtime = resolveMethodConfig({ method: "realtime" });
    const full = (await sampleChunkGpu(gpuNet, request, realtime)).chunk;
    const naive = (await sampleChunkGpu(gpuNet, request, METHODS[0]![1])).chunk;
    assert.notDeepEqual(full, naive);
    // environment 2 alone (batch 1 → another plan) gives the same row
    const b = 2, ha = H * A;
    const one: ChunkRequest = {
      batch: 1,
      obs: request.obs.slice(b * O, (b + 1) * O),
      prevChunk: request.prevChunk!.slice(b * ha, (b + 1) * ha),
      delay: request.delay!.slice(b, b + 1),
      executeHorizon: request.executeHorizon!.slice(b, b + 1),
      seed: request.seed,
      counter: (request.counter as Uint32Array)[b]!,
      streams: request.streams!.slice(b, b + 1),
    };
    const single = (await sampleChunkGpu(gpuNet, one, realtime)).chunk;
    assertClose(single, full.subarray(b * ha, (b + 1) * ha), "env 2 alone");
    await assert.rejects(
      sampleChunkGpu(gpuNet, request, resolveMethodConfig({ method: "bid" })),
      TypeError,
    );
    await assert.rejects(
      sampleChunkGpu(gpuNet, {
        ...request,
        delay: Int32Array.of(0, 0, 5, 0, 0),
      }, realtime),
      /delay\[2\] must be in \[0, H=4\]/,
    );
    gpuNet.destroy!();
  },
);

gpuTest(
  "sampleChunkGpu() matches with H=6 (scalar token kernels), A=3, O=6 and default counters",
  async (device) => {
    const h = 6, a = 3, o = 6, b = 3;
    const cfg = resolveModelConfig({
      channelDim: 8,
      channelHiddenDim: 12,
      tokenHiddenDim: 5,
      numLayers: 2,
      actionChunkSize: h,
      simulatedDelay: null,
    });
    const d = { obsDim: o, actionDim: a };
    const lay = paramLayout(cfg, d);
    const p = randomParams(lay, { seed: 8, scale: 0.5 });
    const net = createGpuNet(device, {
      config: cfg,
      ...d,
      layout: lay,
      params: p,
    });
    const req: ChunkRequest = {
      batch: b,
      obs: Float32Array.from({ length: b * o }, (_, i) => Math.cos(3 * i)),
      prevChunk: Float32Array.from(
        { length: b * h * a },
        (_, i) => Math.sin(i),
      ),
      delay: Int32Array.of(2, 0, 6),
      executeHorizon: Int32Array.of(3, 6, 0),
      seed: 0xdeadbeef,
      counter: 12,
    };
    for (const method of ["realtime", "training_time", "naive"] as const) {
      const m = resolveMethodConfig({ method, numFlowSteps: 4 });
      const { chunk } = await sampleChunkGpu(net, req, m);
      const old = (await sampleChunk(net, { ...req, trace: true }, m)).chunk;
      assertClose(chunk, old, `${method} (H=6)`);
    }
    net.destroy!();
  },
);
