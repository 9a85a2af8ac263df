/**
 * Sustained GPU sampling throughput, as the GPU-fused evaluators use the
 * sampler: `CHUNKS` chunks recorded back to back (`withChunkRecorder`) in
 * one submission with one readback at the end, against `CHUNKS` calls of
 * `sampleChunkGpu` (one submission and one readback per chunk) and the CPU
 * reference, in the same run. The shape: the seed's small model
 * (C=64, Hc=128, Ht=32, L=2, H=4) with O=32, A=6.
 *
 * chunks/s = CHUNKS·B / time per bench iteration.
 *
 * Run: `deno bench -A src/rtc/sample_loop_bench.ts`.
 *
 * @module
 */
import { getBackend } from "../gpu/backend.ts";
import { dispatch, writeBuffer } from "../gpu/kernel.ts";
import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
import { createNet } from "../policy/net.ts";
import { initParams, paramLayout } from "../policy/params.ts";
import { resolveMethodConfig } from "./method_config.ts";
import { type ChunkRequest, sampleChunk } from "./sample.ts";
import { sampleChunkGpu, withChunkRecorder } from "./sample_gpu.ts";

/** Chunks per bench iteration. */
const CHUNKS = 10;
const O = 32, A = 6, H = SMALL_MODEL_CONFIG.actionChunkSize;
const dims = { obsDim: O, actionDim: A };
const params = initParams(paramLayout(SMALL_MODEL_CONFIG, dims), { seed: 0 });
// non-zero adaLN so every branch does work
for (let i = 0; i < params.length; i++) if (params[i] === 0) params[i] = 0.01;

function request(B: number, counter: number): ChunkRequest {
  return {
    batch: B,
    obs: Float32Array.from({ length: B * O }, (_, i) => Math.sin(i)),
    prevChunk: Float32Array.from({ length: B * H * A }, (_, i) => Math.cos(i)),
    delay: Int32Array.from({ length: B }, (_, b) => b % 3),
    executeHorizon: new Int32Array(B).fill(1),
    seed: 0,
    counter,
  };
}

const gpu = await getBackend();
if (gpu.backend !== "webgpu") {
  console.error("sample_loop_bench: no WebGPU adapter, nothing to measure");
} else {
  console.log(
    `sample_loop_bench: adapter ${gpu.adapterName}; ${CHUNKS} chunks per iteration`,
  );
  const net = await createNet(gpu, {
    config: SMALL_MODEL_CONFIG,
    ...dims,
    params,
  });
  const cpuNet = await createNet(await getBackend({ backend: "cpu" }), {
    config: SMALL_MODEL_CONFIG,
    ...dims,
    params,
  });
  for (const B of [256, 2048]) {
    const reqs = Array.from({ length: CHUNKS }, (_, k) => request(B, k));
    for (const name of ["naive", "realtime"] as const) {
      const method = resolveMethodConfig({ method: name });
      const group = `${name} B=${B}, ${CHUNKS} chunks`;
      Deno.bench({
        name: `${group}: webgpu loop, one submission + one wait`,
        group,
        baseline: true,
        warmup: 1,
        n: B > 256 ? 3 : 5,
        async fn() {
          await withChunkRecorder(net, { batch: B, seed: 0 }, async (rec) => {
            const r = reqs[0]!;
            writeBuffer(rec.device, rec.obs, r.obs);
            writeBuffer(rec.device, rec.prevChunk, r.prevChunk!);
            const meta = new Uint32Array(4 * B);
            for (let b = 0; b < B; b++) {
              meta.set([1, b, r.delay![b]!, r.executeHorizon![b]!], 4 * b);
            }
            writeBuffer(rec.device, rec.meta, meta);
            const list = rec.record(method);
            const enc = rec.device.createCommandEncoder();
            for (let k = 0; k < CHUNKS; k++) dispatch(rec.device, list, enc);
            rec.device.queue.submit([enc.finish()]);
            await rec.device.queue.onSubmittedWorkDone();
          });
        },
      });
      Deno.bench({
        name: `${group}: webgpu, readback per chunk`,
        group,
        warmup: 1,
        n: B > 256 ? 3 : 5,
        async fn() {
          for (const r of reqs) await sampleChunkGpu(net, r, method);
        },
      });
      if (B === 256) {
        Deno.bench({
          name: `${group}: CPU reference`,
          group,
          warmup: 0,
          n: 1,
          async fn() {
            for (const r of reqs) await sampleChunk(cpuNet, r, method);
          },
        });
      }
    }
  }
}
