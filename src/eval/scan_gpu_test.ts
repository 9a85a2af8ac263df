import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { gpuTest } from "../gpu/testing.ts";
import { getTask } from "../envs/registry.ts";
import { SEED_PROFILES } from "../latency/presets.ts";
import { resolveProfile } from "../latency/resolve.ts";
import { loadCheckpoint } from "../policy/checkpoint.ts";
import { createGpuNet } from "../policy/net_gpu.ts";
import { paramLayout } from "../policy/params.ts";
import { type MethodName, resolveMethodConfig } from "../rtc/method_config.ts";
import { sampleChunk } from "../rtc/sample.ts";
import { evaluateScan } from "./scan.ts";
import { canScanOnGpu, evaluateScanGpu } from "./scan_gpu.ts";

// The fused GPU evaluator against the CPU-orchestrated one (CPU twin
// stepper, the same net sampling chunk by chunk), shipped reach_around
// policy, 32 rollouts. Tolerances: delays are integer draws and must be
// identical; the WGSL and CPU twins of reach_around agree to float32
// rounding and the task is not chaotic, so every rollout must have the same
// first-episode outcome (solved flag and length); returns are summed in
// float32 on the GPU and float64 on the CPU (|Δ| ≤ 1e-4); the smoothness
// maxima agree to 1e-4 relative. A wrong action index, delay, noise
// coordinate or shift changes outcomes of many rollouts.
const N = 32;
const TOL = 1e-4;
const root = (p: string) =>
  fileURLToPath(new URL(`../../${p}`, import.meta.url));

async function loadNet(device: GPUDevice, variant: string) {
  const ckpt = await loadCheckpoint(
    root(`exp_runs/checkpoints/reach_around/${variant}.safetensors`),
  );
  const dims = { obsDim: ckpt.obsDim, actionDim: ckpt.actionDim };
  return createGpuNet(device, {
    config: ckpt.config,
    ...dims,
    layout: paramLayout(ckpt.config, dims),
    params: ckpt.params,
  });
}

async function compare(
  device: GPUDevice,
  c: {
    variant: string;
    method: MethodName;
    s: number;
    delayMode: "shared" | "per_env";
  },
) {
  const task = getTask("reach_around");
  const net = await loadNet(device, c.variant);
  try {
    const method = resolveMethodConfig({ method: c.method });
    const naive = resolveMethodConfig({ method: "naive" });
    const profile = resolveProfile(SEED_PROFILES.long_tail);
    const common = {
      profile,
      seed: 7,
      numEnvs: N,
      executeHorizon: c.s,
      delayMode: c.delayMode,
    };
    const gpu = await evaluateScanGpu(task, { net, method, ...common });
    const cpu = await evaluateScan(task, {
      ...common,
      sampler: (req) => sampleChunk(net, req, method),
      initialSampler: (req) => sampleChunk(net, req, naive),
      horizon: net.config.actionChunkSize,
    });
    const what = `${c.variant} ${c.method} s=${c.s} ${c.delayMode}`;
    assert.deepEqual(gpu.delays, cpu.delays, `${what}: delays`);
    assert.equal(gpu.steps, cpu.steps);
    assert.equal(gpu.samplerCalls, cpu.samplerCalls);
    assert.deepEqual(gpu.log.firstSolved, cpu.log.firstSolved, what);
    assert.deepEqual(gpu.log.firstLength, cpu.log.firstLength, what);
    for (let e = 0; e < N; e++) {
      assert.ok(
        Math.abs(gpu.log.firstReturn[e]! - cpu.log.firstReturn[e]!) <= TOL,
        `${what}: return of rollout ${e}`,
      );
      for (
        const k of [
          "maxDelta",
          "maxDdelta",
          "maxDeltaFirst",
          "maxDdeltaFirst",
        ] as const
      ) {
        const a = gpu.log[k][e]!, b = cpu.log[k][e]!;
        assert.ok(
          Math.abs(a - b) <= TOL * (1 + Math.abs(b)),
          `${what}: ${k} of rollout ${e}: ${a} vs ${b}`,
        );
      }
    }
    // at least some rollouts solve and some delays are non-zero, or the
    // comparison would be vacuous
    assert.ok(gpu.metrics.returned_episode_solved > 0.5, what);
    assert.ok(gpu.delays.some((d) => d > 0), what);
  } finally {
    net.destroy?.();
  }
}

gpuTest(
  "evaluateScanGpu() matches evaluateScan() (realtime, s=1, shared delays)",
  (device) =>
    compare(device, {
      variant: "plain_h4",
      method: "realtime",
      s: 1,
      delayMode: "shared",
    }),
);

gpuTest(
  "evaluateScanGpu() matches evaluateScan() (naive, s=2, per-environment delays)",
  (device) =>
    compare(device, {
      variant: "plain_h4",
      method: "naive",
      s: 2,
      delayMode: "per_env",
    }),
);

gpuTest(
  "evaluateScanGpu() matches evaluateScan() (training_time, H=8, s=3)",
  (device) =>
    compare(device, {
      variant: "sd4",
      method: "training_time",
      s: 3,
      delayMode: "per_env",
    }),
);

gpuTest(
  "evaluateScanGpu() rejects methods without a GPU-resident sampler",
  async (device) => {
    const net = await loadNet(device, "plain_h4");
    try {
      const bid = resolveMethodConfig({ method: "bid" });
      assert.equal(canScanOnGpu(net, bid), false);
      assert.equal(
        canScanOnGpu(net, resolveMethodConfig({ method: "realtime" })),
        true,
      );
      await assert.rejects(
        evaluateScanGpu(getTask("reach_around"), {
          net,
          method: bid,
          profile: resolveProfile({ kind: "fixed", delay: 1 }),
          seed: 0,
          numEnvs: 2,
        }),
        /method one of naive, realtime, hard_masking, training_time: current values are webgpu, "bid"/,
      );
    } finally {
      net.destroy?.();
    }
  },
);
