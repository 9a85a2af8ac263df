import assert from "node:assert/strict";
import { gpuTest } from "../testing/gpu.ts";
import { getTask } from "../envs/registry.ts";
import { resolveForecaster } from "../latency/forecast.ts";
import { SEED_PROFILES } from "../latency/presets.ts";
import { resolveProfile } from "../latency/resolve.ts";
import { scaleProfile } from "../latency/scale.ts";
import type { ProfileConfig } from "../latency/types.ts";
import { resolveMethodConfig } from "../rtc/method_config.ts";
import { sampleChunk } from "../rtc/sample.ts";
import { evaluateAsync } from "./async.ts";
import {
  canAsyncOnGpu,
  evaluateAsyncGpu,
  type GpuForecaster,
} from "./async_gpu.ts";
import {
  assertRunsAgree,
  loadShippedCpuNet,
  loadShippedNet,
  type ParityMethod,
  withParityNets,
} from "../testing/fused_parity.ts";

// The fused GPU async evaluator against evaluateAsync (CPU twin stepper,
// the same net sampling the starting rows per control step), shipped
// reach_around policies, 16 rollouts, long-tail delays (spikes of 4 steps
// starve an H=4 policy, so p_starve > 0 is exercised); tolerances in
// src/testing/fused_parity.ts.
const N = 16;

async function compare(
  device: GPUDevice,
  c: ParityMethod & {
    sMin: number;
    forecaster: GpuForecaster;
    starve: "hold" | "zero";
    /** Cost-coupled latency: both sides draw the profile scaled by this. */
    latencyScale?: number;
    profile?: ProfileConfig;
  },
) {
  const task = getTask("reach_around");
  return await withParityNets(device, c, async ({ net, method, naive }) => {
    const base = resolveProfile(c.profile ?? SEED_PROFILES.long_tail);
    const scale = c.latencyScale ?? 1;
    const common = {
      profile: scaleProfile(base, scale),
      seed: 5,
      numEnvs: c.rollouts ?? N,
      sMin: c.sMin,
      starve: c.starve,
    };
    const gpu = await evaluateAsyncGpu(task, {
      ...common,
      net,
      method,
      forecaster: c.forecaster,
    });
    const fc = c.forecaster;
    const cpu = await evaluateAsync(task, {
      ...common,
      sampler: (req) => sampleChunk(net, req, method),
      initialSampler: (req) => sampleChunk(net, req, naive),
      horizon: net.config.actionChunkSize,
      forecaster: fc.kind === "oracle" ? "oracle" : () => resolveForecaster(fc),
      temporalEnsemble: c.decay === undefined ? undefined : { decay: c.decay },
    });
    const what =
      `${c.variant} ${c.method} s_min=${c.sMin} ${fc.kind} ${c.starve}`;
    assertRunsAgree(gpu, cpu, what);
    return gpu;
  });
}

gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (realtime, buffer_max:10, hold)",
  async (device) => {
    const r = await compare(device, {
      variant: "plain_h4",
      method: "realtime",
      sMin: 1,
      forecaster: { kind: "buffer_max", size: 10 },
      starve: "hold",
    });
    assert.ok(r.metrics.p_starve > 0, "starvation exercised");
  },
);

// Cost-coupled latency: a millisecond profile scaled by realtime's cost,
// with a cold start and a cap after the scale (same integer delays).
gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() with cost-coupled latency (realtime, ms profile, scale 1.38, cap)",
  async (device) => {
    const r = await compare(device, {
      variant: "plain_h4",
      method: "realtime",
      sMin: 1,
      forecaster: { kind: "buffer_max", size: 10 },
      starve: "hold",
      latencyScale: 1.3823,
      profile: {
        kind: "bursty",
        dt_ms: 20,
        p_enter: 0.05,
        p_exit: 0.95,
        calm: { median_ms: 22, sigma: 0.3 },
        burst: { median_ms: 70, sigma: 0.3 },
        transforms: [{ kind: "cold_start", extra: 3 }, {
          kind: "tail_cap",
          cap: 5,
        }],
      },
    });
    assert.ok(r.metrics.p_starve > 0, "starvation exercised");
    assert.ok(
      r.metrics.d_p99 === 5,
      `scaled delays capped: ${r.metrics.d_p99}`,
    );
  },
);

gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (naive, oracle, zero, s_min=2)",
  async (device) => {
    const r = await compare(device, {
      variant: "plain_h4",
      method: "naive",
      sMin: 2,
      forecaster: { kind: "oracle" },
      starve: "zero",
    });
    assert.ok(r.metrics.p_starve > 0, "starvation exercised");
  },
);

gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (training_time, H=8, buffer_max:3)",
  (device) =>
    compare(device, {
      variant: "training_time",
      method: "training_time",
      sMin: 1,
      forecaster: { kind: "buffer_max", size: 3 },
      starve: "hold",
    }).then(() => {}),
);

// Temporal ensembling: chunks join at their start step when they land, so
// long delays leave steps uncovered (starvation) and overlapping chunks are
// averaged with the ACT weights.
gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (temporal_ensembling, decay 0.3, buffer_max:10, hold)",
  async (device) => {
    const r = await compare(device, {
      variant: "plain_h4",
      method: "temporal_ensembling",
      sMin: 1,
      forecaster: { kind: "buffer_max", size: 10 },
      starve: "hold",
      decay: 0.3,
    });
    assert.ok(r.metrics.p_starve > 0, "starvation exercised");
  },
);

gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (temporal_ensembling, decay 1, s_min=2, zero)",
  async (device) => {
    const r = await compare(device, {
      variant: "plain_h4",
      method: "temporal_ensembling",
      sMin: 2,
      forecaster: { kind: "oracle" },
      starve: "zero",
      decay: 1,
    });
    assert.ok(r.metrics.p_starve > 0, "starvation exercised");
  },
);

// Quantile forecasters: d_hat must be the CPU's float64 forecast exactly
// (any difference changes the guided prefix and so the outcomes).
gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (realtime, quantile:0.9:10, hold)",
  async (device) => {
    const r = await compare(device, {
      variant: "plain_h4",
      method: "realtime",
      sMin: 1,
      forecaster: { kind: "quantile", q: 0.9, window: 10 },
      starve: "hold",
    });
    assert.ok(r.metrics.p_starve > 0, "starvation exercised");
  },
);

gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (hard_masking, quantile:0.5:3 from initial 2, s_min=2, zero)",
  (device) =>
    compare(device, {
      variant: "plain_h4",
      method: "hard_masking",
      sMin: 2,
      forecaster: { kind: "quantile", q: 0.5, window: 3, initial: 2 },
      starve: "zero",
    }).then(() => {}),
);

// BID with 4 candidates and 8 rollouts (candidates x rollouts rows at every
// control step: the costliest case on a software adapter; the selection
// kernel is the same for any count).
gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (bid, 4 candidates, buffer_max:10, hold)",
  (device) =>
    compare(device, {
      variant: "plain_h4",
      method: "bid",
      bidSamples: 4,
      rollouts: 8,
      sMin: 1,
      forecaster: { kind: "buffer_max", size: 10 },
      starve: "hold",
    }).then(() => {}),
);

// Rings larger than a run can fill (reach_around: T = 100 control steps,
// at most 101 delays pushed): the GPU allocates min(W, T + 1) and must
// agree with the CPU forecasters' rings of W.
gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (realtime, quantile:0.9:500, hold)",
  (device) =>
    compare(device, {
      variant: "plain_h4",
      method: "realtime",
      sMin: 1,
      forecaster: { kind: "quantile", q: 0.9, window: 500 },
      starve: "hold",
    }).then(() => {}),
);

gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (naive, buffer_max:1000, zero)",
  (device) =>
    compare(device, {
      variant: "plain_h4",
      method: "naive",
      sMin: 1,
      forecaster: { kind: "buffer_max", size: 1000 },
      starve: "zero",
    }).then(() => {}),
);

// BID with forward contrast (the training_time net as the weak policy, 4 candidates,
// top-2, 8 rollouts), every row sampled at every control step as the other methods.
gpuTest(
  "evaluateAsyncGpu() matches evaluateAsync() (bid with forward contrast, k=2 of 4, H=8, quantile)",
  (device) =>
    compare(device, {
      variant: "plain",
      method: "bid",
      rollouts: 8,
      sMin: 2,
      forecaster: { kind: "quantile", q: 0.9, window: 5 },
      starve: "hold",
      weak: { variant: "training_time", k: 2, samples: 4 },
    }).then(() => {}),
);

gpuTest(
  "evaluateAsyncGpu() takes any integer ring >= 1 and rejects a bid weak policy off the net's device",
  async (device) => {
    const net = await loadShippedNet(device, "plain_h4");
    try {
      const realtime = resolveMethodConfig({ method: "realtime" });
      const can = (f: Parameters<typeof canAsyncOnGpu>[2]) =>
        canAsyncOnGpu(net, realtime, f);
      assert.equal(can({ kind: "quantile", q: 0.9, window: 65 }), true);
      assert.equal(can({ kind: "buffer_max", size: 100000 }), true);
      assert.equal(can({ kind: "quantile", q: 0.9, window: 0 }), false);
      assert.equal(can({ kind: "buffer_max", size: 2.5 }), false);
      const contrast = resolveMethodConfig({
        method: "bid",
        bidK: 2,
        bidWeakPolicy: await loadShippedCpuNet("plain_h4"),
      });
      assert.equal(canAsyncOnGpu(net, contrast, { kind: "oracle" }), false);
      await assert.rejects(
        evaluateAsyncGpu(getTask("reach_around"), {
          net,
          method: contrast,
          profile: resolveProfile({ kind: "fixed", delay: 1 }),
          seed: 0,
          numEnvs: 2,
        }),
        /current values are webgpu, "bid" \(weak cpu net \(obsDim 9, actionDim 2, H 4\)\)/,
      );
    } finally {
      net.destroy?.();
    }
  },
);
