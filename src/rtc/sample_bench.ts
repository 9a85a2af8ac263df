/**
 * Benchmarks of `sampleChunk`. Run: `deno bench -A src/rtc/sample_bench.ts`.
 *
 * 1. Every method on the CPU reference (B=64).
 * 2. naive and realtime at B=256 and 2048 (seed's small model, O=8, A=2):
 *    GPU-resident (`sampleChunkGpu`: one submission + one readback per
 *    chunk), the CPU-orchestrated loop on the same WebGPU net (one readback
 *    per forward/VJP; forced with `trace: true`) and the CPU reference.
 *    chunks/s = B / time per call.
 *
 * @module
 */

import { getBackend } from "../gpu/backend.ts";
import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
import { createNet, type PolicyNet } from "../policy/net.ts";
import { initParams, paramLayout } from "../policy/params.ts";
import { METHOD_NAMES, resolveMethodConfig } from "./method_config.ts";
import { type ChunkRequest, sampleChunk } from "./sample.ts";

// SMALL model (C=64, L=2, H=4), obs 8, action 2.
const O = 8, A = 2, H = SMALL_MODEL_CONFIG.actionChunkSize;
const dims = { obsDim: O, actionDim: A };
const params = initParams(paramLayout(SMALL_MODEL_CONFIG, dims), { seed: 0 });
// non-zero adaLN so every branch does work
for (let i = 0; i < params.length; i++) if (params[i] === 0) params[i] = 0.01;
const cpuNet = await createNet(await getBackend({ backend: "cpu" }), {
  config: SMALL_MODEL_CONFIG,
  ...dims,
  params,
});

function request(B: number): ChunkRequest {
  return {
    batch: B,
    obs: Float32Array.from({ length: B * O }, (_, i) => Math.sin(i)),
    prevChunk: Float32Array.from({ length: B * H * A }, (_, i) => Math.cos(i)),
    delay: Int32Array.from({ length: B }, (_, b) => b % 3),
    executeHorizon: new Int32Array(B).fill(2),
    seed: 0,
    counter: 0,
  };
}

const small = request(64);
for (const method of METHOD_NAMES) {
  const m = resolveMethodConfig({ method, bidSamples: 4 });
  Deno.bench(`sampleChunk ${method} (cpu, B=64, small model)`, async () => {
    await sampleChunk(cpuNet, small, m);
  });
}

const gpuBackend = await getBackend();
console.log(`sample_bench: adapter ${gpuBackend.adapterName}`);
const nets: [string, PolicyNet][] = [["cpu", cpuNet]];
if (gpuBackend.backend === "webgpu") {
  nets.unshift([
    `webgpu (${gpuBackend.adapterName})`,
    await createNet(gpuBackend, {
      config: SMALL_MODEL_CONFIG,
      ...dims,
      params,
    }),
  ]);
} else {
  console.error("sample_bench: no WebGPU adapter, CPU reference only");
}
for (const B of [256, 2048]) {
  const req = request(B);
  const traced = { ...req, trace: true };
  for (const method of ["naive", "realtime"] as const) {
    const m = resolveMethodConfig({ method });
    const group = `${method} B=${B}`;
    for (const [name, net] of nets) {
      const opts = name === "cpu" && B > 256
        ? { n: 3, warmup: 1 }
        : { warmup: 2 };
      if (net.backend === "webgpu") {
        Deno.bench({
          name: `${group} ${name} GPU-resident`,
          group,
          baseline: true,
          ...opts,
          async fn() {
            await sampleChunk(net, req, m);
          },
        });
        Deno.bench({
          name: `${group} ${name} CPU-orchestrated`,
          group,
          ...opts,
          async fn() {
            await sampleChunk(net, traced, m);
          },
        });
      } else {
        Deno.bench({
          name: `${group} cpu reference`,
          group,
          baseline: nets.length === 1,
          ...opts,
          async fn() {
            await sampleChunk(net, req, m);
          },
        });
      }
    }
  }
}
