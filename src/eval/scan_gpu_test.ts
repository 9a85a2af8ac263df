import assert from "node:assert/strict";
import { gpuTest } from "../testing/gpu.ts";
import { getTask } from "../envs/registry.ts";
import { SEED_PROFILES } from "../latency/presets.ts";
import { resolveProfile } from "../latency/resolve.ts";
import { resolveMethodConfig } from "../rtc/method_config.ts";
import { sampleChunk } from "../rtc/sample.ts";
import { evaluateScan } from "./scan.ts";
import { canScanOnGpu, evaluateScanGpu } from "./scan_gpu.ts";
import { isFusable } from "../experiment/fused_engine.ts";
import {
  assertRunsAgree,
  loadShippedCpuNet,
  loadShippedNet,
  type ParityMethod,
  withParityNets,
} from "../testing/fused_parity.ts";

// The fused GPU evaluator against the CPU-orchestrated one (CPU twin
// stepper, the same net sampling chunk by chunk), shipped reach_around
// policies, 16 rollouts; tolerances in src/testing/fused_parity.ts.
const N = 16;

async function compare(
  device: GPUDevice,
  c: ParityMethod & {
    s: number;
    delayMode: "shared" | "per_env";
  },
) {
  const task = getTask("reach_around");
  return await withParityNets(device, c, async ({ net, method, naive }) => {
    const profile = resolveProfile(SEED_PROFILES.long_tail);
    const common = {
      profile,
      seed: 7,
      numEnvs: c.rollouts ?? N,
      executeHorizon: c.s,
      delayMode: c.delayMode,
    };
    const gpu = await evaluateScanGpu(task, { net, method, ...common });
    const cpu = await evaluateScan(task, {
      ...common,
      sampler: (req) => sampleChunk(net, req, method),
      initialSampler: (req) => sampleChunk(net, req, naive),
      horizon: net.config.actionChunkSize,
      temporalEnsemble: c.decay === undefined ? undefined : { decay: c.decay },
    });
    assertRunsAgree(
      gpu,
      cpu,
      `${c.variant} ${c.method} s=${c.s} ${c.delayMode}`,
    );
    assert.deepEqual(gpu.delays, cpu.delays, "scan delays in the same order");
    assert.equal(gpu.samplerCalls, cpu.samplerCalls);
    return gpu;
  });
}

gpuTest(
  "evaluateScanGpu() matches evaluateScan() (realtime, s=1, shared delays)",
  (device) =>
    compare(device, {
      variant: "plain_h4",
      method: "realtime",
      s: 1,
      delayMode: "shared",
    }).then(() => {}),
);

gpuTest(
  "evaluateScanGpu() matches evaluateScan() (naive, s=2, per-environment delays)",
  (device) =>
    compare(device, {
      variant: "plain_h4",
      method: "naive",
      s: 2,
      delayMode: "per_env",
    }).then(() => {}),
);

// Temporal ensembling: after an auto-reset the ensemble is empty until the
// next chunk joins, so a delay >= s starves (holds the last action).
gpuTest(
  "evaluateScanGpu() matches evaluateScan() (temporal_ensembling, decay 0.3, s=1)",
  async (device) => {
    const r = await compare(device, {
      variant: "plain_h4",
      method: "temporal_ensembling",
      s: 1,
      delayMode: "shared",
      decay: 0.3,
    });
    assert.ok(r.metrics.p_starve > 0, "starvation exercised");
  },
);

gpuTest(
  "evaluateScanGpu() matches evaluateScan() (temporal_ensembling, decay 1, s=2, per-environment delays)",
  (device) =>
    compare(device, {
      variant: "plain_h4",
      method: "temporal_ensembling",
      s: 2,
      delayMode: "per_env",
      decay: 1,
    }).then(() => {}),
);

gpuTest(
  "evaluateScanGpu() matches evaluateScan() (temporal_ensembling, decay 0.1, H=8, s=3)",
  (device) =>
    compare(device, {
      variant: "plain",
      method: "temporal_ensembling",
      s: 3,
      delayMode: "shared",
      decay: 0.1,
    }).then(() => {}),
);

// BID: 4 naive candidates per environment (the selection kernel is the same
// for any count; 16 is the default), the argmin of the backward loss
// executed, 8 rollouts (BID samples candidates x rollouts rows per chunk, the
// costliest parity case on a software adapter). The CPU-orchestrated
// candidates come from the same net to ~1e-5, so a selection flips only if
// two losses agree that closely.
gpuTest(
  "evaluateScanGpu() matches evaluateScan() (bid, 4 candidates, s=1, shared delays)",
  (device) =>
    compare(device, {
      variant: "plain_h4",
      method: "bid",
      bidSamples: 4,
      rollouts: 8,
      s: 1,
      delayMode: "shared",
    }).then(() => {}),
);

gpuTest(
  "evaluateScanGpu() matches evaluateScan() (training_time, H=8, s=3)",
  (device) =>
    compare(device, {
      variant: "training_time",
      method: "training_time",
      s: 3,
      delayMode: "per_env",
    }).then(() => {}),
);

// BID with forward contrast: the weak policy (the training-time RTC net run
// as a plain sampler) samples 4 candidates per environment from the same
// noise in the same submission; the top-2 contrast decides the choice
// (8 rollouts).
gpuTest(
  "evaluateScanGpu() matches evaluateScan() (bid with forward contrast, k=2 of 4, H=8, s=2)",
  (device) =>
    compare(device, {
      variant: "plain",
      method: "bid",
      rollouts: 8,
      s: 2,
      delayMode: "per_env",
      weak: { variant: "training_time", k: 2, samples: 4 },
    }).then(() => {}),
);

gpuTest(
  "evaluateScanGpu() rejects a bid weak policy off the net's device; fusedEngine routes bid with bidK",
  async (device) => {
    const net = await loadShippedNet(device, "plain_h4");
    try {
      const cpuWeak = await loadShippedCpuNet("plain_h4");
      const offDevice = resolveMethodConfig({
        method: "bid",
        bidK: 2,
        bidWeakPolicy: cpuWeak,
      });
      const itself = resolveMethodConfig({
        method: "bid",
        bidK: 2,
        bidWeakPolicy: net,
      });
      assert.equal(canScanOnGpu(net, offDevice), false);
      assert.equal(canScanOnGpu(net, itself), true);
      assert.equal(
        canScanOnGpu(net, resolveMethodConfig({ method: "bid" })),
        true,
      );
      await assert.rejects(
        evaluateScanGpu(getTask("reach_around"), {
          net,
          method: offDevice,
          profile: resolveProfile({ kind: "fixed", delay: 1 }),
          seed: 0,
          numEnvs: 2,
        }),
        /a bid weak policy a WebGPU net on its device with its sizes: current values are webgpu, "bid", weak cpu net \(obsDim 9, actionDim 2, H 4\)/,
      );
      const engine = {
        net,
        profiles: [],
        rollouts: 2,
        evaluator: "scan",
        executeHorizon: 1,
      } as const;
      assert.equal(isFusable("bid", engine), true);
      assert.equal(
        isFusable("bid", { ...engine, configs: { bid: offDevice } }),
        false,
      );
      assert.equal(
        isFusable("bid", { ...engine, configs: { bid: itself } }),
        true,
      );
    } finally {
      net.destroy?.();
    }
  },
);

// The whole GPU path against the whole CPU fallback (CPU reference net, CPU
// twin): same seed, 16 rollouts, s = 4. Delays are integer draws and must be
// identical. The two nets differ by float32 summation order (~1e-6 per
// action), which could flip a borderline episode, so at most one rollout may
// end differently (measured on llvmpipe: all 32 of 32 identical with s = 2).
gpuTest(
  "evaluateScanGpu() agrees with the CPU fallback (CPU reference net and CPU twin)",
  async (device) => {
    const task = getTask("reach_around");
    const net = await loadShippedNet(device, "plain_h4");
    try {
      const cpuNet = await loadShippedCpuNet("plain_h4");
      const naive = resolveMethodConfig({ method: "naive" });
      const common = {
        profile: resolveProfile(SEED_PROFILES.long_tail),
        seed: 11,
        numEnvs: 16,
        executeHorizon: 4,
      };
      const gpu = await evaluateScanGpu(task, {
        net,
        method: naive,
        ...common,
      });
      const cpu = await evaluateScan(task, {
        ...common,
        sampler: (req) => sampleChunk(cpuNet, req, naive),
        horizon: 4,
      });
      assert.deepEqual(gpu.delays, cpu.delays);
      let differ = 0;
      for (let e = 0; e < 16; e++) {
        if (
          gpu.log.firstSolved[e] !== cpu.log.firstSolved[e] ||
          gpu.log.firstLength[e] !== cpu.log.firstLength[e]
        ) differ++;
      }
      assert.ok(differ <= 1, `${differ} of 16 rollouts end differently`);
      assert.ok(gpu.metrics.returned_episode_solved > 0.5);
    } finally {
      net.destroy?.();
    }
  },
);

gpuTest(
  "evaluateScanGpu() is deterministic: a rerun gives identical results",
  async (device) => {
    const task = getTask("reach_around");
    const net = await loadShippedNet(device, "plain_h4");
    try {
      const run = () =>
        evaluateScanGpu(task, {
          net,
          method: resolveMethodConfig({ method: "realtime" }),
          profile: resolveProfile(SEED_PROFILES.long_tail),
          seed: 3,
          numEnvs: 8,
          delayMode: "per_env",
        });
      const a = await run();
      const b = await run();
      assert.deepEqual(b.metrics, a.metrics);
      assert.deepEqual(b.delays, a.delays);
      assert.deepEqual(b.log, a.log);
    } finally {
      net.destroy?.();
    }
  },
);
