import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { getTask } from "../envs/registry.ts";
import { SEED_PROFILES } from "../latency/presets.ts";
import { resolveProfile } from "../latency/resolve.ts";
import { loadCheckpoint } from "../policy/checkpoint.ts";
import { createCpuNet } from "../policy/net_cpu.ts";
import type { PolicyNet } from "../policy/net.ts";
import { paramLayout } from "../policy/params.ts";
import { type MethodName, resolveMethodConfig } from "../rtc/method_config.ts";
import { sampleChunk } from "../rtc/sample.ts";
import type { EvalResult } from "../eval/common.ts";
import { evaluateScan } from "../eval/scan.ts";
import { evaluateAsync } from "../eval/async.ts";
import { loadNativeEngine } from "./build.ts";
import { createNativeNet } from "./net_native.ts";
import { NATIVE_IGNORE } from "./_testing.ts";

// The CPU-orchestrated evaluators with the native net against the same runs
// with the CPU reference net: shipped reach_around policy (H = 4), N
// rollouts. Delays are integer draws from the same RNG coordinates and must
// be identical. The nets differ by float32 rounding (≤ 5e-7 relative per
// call), which can move an action across a success threshold late in an
// episode: at most 1 of the N first-episode outcomes (solved flag and
// length) may differ (measured: none in each run below), and at least half of the rollouts must be solved so
// the comparison is not vacuous.
const N = 10;
const MAX_DIFFERENT = 1;

async function shippedNets(): Promise<{ native: PolicyNet; cpu: PolicyNet }> {
  const path = fileURLToPath(
    new URL(
      "../../exp_runs/checkpoints/reach_around/plain_h4.safetensors",
      import.meta.url,
    ),
  );
  const ckpt = await loadCheckpoint(path);
  const dims = { obsDim: ckpt.obsDim, actionDim: ckpt.actionDim };
  const opts = {
    config: ckpt.config,
    ...dims,
    layout: paramLayout(ckpt.config, dims),
    params: ckpt.params,
  };
  return {
    native: createNativeNet(await loadNativeEngine(), opts),
    cpu: createCpuNet(opts),
  };
}

function assertAgree(a: EvalResult, b: EvalResult, what: string): void {
  const sorted = (d: Int32Array) => [...d].sort((x, y) => x - y);
  assert.deepEqual(sorted(a.delays), sorted(b.delays), `${what}: delays`);
  assert.equal(a.samplerCalls, b.samplerCalls, `${what}: sampler calls`);
  let different = 0;
  for (let e = 0; e < N; e++) {
    if (
      a.log.firstSolved[e] !== b.log.firstSolved[e] ||
      a.log.firstLength[e] !== b.log.firstLength[e]
    ) different++;
  }
  assert.ok(
    different <= MAX_DIFFERENT,
    `${what}: ${different} of ${N} outcomes differ`,
  );
  assert.ok(
    a.metrics.returned_episode_solved >= 0.5,
    `${what}: solved ${a.metrics.returned_episode_solved}`,
  );
  assert.ok(a.delays.some((d) => d > 0), `${what}: some delay > 0`);
}

for (const [m, s] of [["realtime", 4], ["naive", 2]] as const) {
  Deno.test({
    name:
      `evaluateScan() with the native net matches the CPU reference net (${m}, s=${s})`,
    ignore: NATIVE_IGNORE,
    async fn() {
      const { native, cpu } = await shippedNets();
      const task = getTask("reach_around");
      const method = resolveMethodConfig({ method: m as MethodName });
      const naive = resolveMethodConfig({ method: "naive" });
      const run = (net: PolicyNet) =>
        evaluateScan(task, {
          profile: resolveProfile(SEED_PROFILES.long_tail),
          seed: 3,
          numEnvs: N,
          executeHorizon: s,
          delayMode: "per_env",
          horizon: net.config.actionChunkSize,
          sampler: (req) => sampleChunk(net, req, method),
          initialSampler: (req) => sampleChunk(net, req, naive),
        });
      assertAgree(await run(native), await run(cpu), `${m} scan`);
      native.destroy!();
    },
  });
}

Deno.test({
  name:
    "evaluateAsync() with the native net matches the CPU reference net (realtime)",
  ignore: NATIVE_IGNORE,
  async fn() {
    const { native, cpu } = await shippedNets();
    const task = getTask("reach_around");
    const method = resolveMethodConfig({ method: "realtime" });
    const naive = resolveMethodConfig({ method: "naive" });
    const run = (net: PolicyNet) =>
      evaluateAsync(task, {
        profile: resolveProfile(SEED_PROFILES.long_tail),
        seed: 5,
        numEnvs: N,
        sMin: 4,
        horizon: net.config.actionChunkSize,
        sampler: (req) => sampleChunk(net, req, method),
        initialSampler: (req) => sampleChunk(net, req, naive),
      });
    assertAgree(await run(native), await run(cpu), "realtime async");
    native.destroy!();
  },
});
