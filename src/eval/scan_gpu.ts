/**
 * The GPU-fused `scan` evaluator: the seed-compatible evaluation of
 * `scan.ts` (`docs/SEMANTICS.md` §6) with everything on the GPU. Per iteration one
 * submission records the delay draw (`scan_begin`), every dispatch of the
 * chunk sampler (`withChunkRecorder` of `src/rtc/sample_gpu.ts`) and the
 * execution of `s` actions with environment stepping, action noise,
 * auto-reset, the rollout log and the chunk shift (`scan_execute`); nothing
 * is read back until the run ends (one readback of the log and the delays).
 *
 * Same RNG coordinates as the CPU-orchestrated `evaluateScan` with the CPU
 * twin stepper: delays `profile.sampleAt(deriveDelaySeed(seed), stream, it)`
 * (bit-identical for integer profiles), action noise and resets of the
 * evaluation wrapper (`src/envs/wrapper.ts`), sampler
 * counters `it + 1` and streams `e`. Differences: the environment runs its
 * WGSL twin (float32 `sin`/`cos` may differ from the CPU twin by ulps, so a
 * chaotic task can drift apart over an episode) and the first-episode
 * return is summed in float32. See `scan_gpu_test.ts` for the measured
 * agreement.
 *
 * Methods: those with a GPU-resident sampler (naive, realtime, hard_masking,
 * training_time) and `temporal_ensembling` (naive chunks averaged at
 * execution by the WGSL ensemble of `src/rtc/temporal_ensemble_wgsl.ts`,
 * with the method's `temporalDecay`; as `evaluateScan` with
 * `temporalEnsemble`) and `bid` (S naive candidates per environment,
 * scored and selected on the GPU: `fused_sampler.ts`,
 * `src/rtc/bid_wgsl.ts`; with forward contrast the weak policy's S
 * candidates are sampled in the same submission and must live on the
 * net's device, see `isFusedMethod`).
 *
 * @module
 */
import type { Task } from "../envs/types.ts";
import { profileWgsl } from "../latency/profile_wgsl.ts";
import type { PolicyNet } from "../policy/net.ts";
import { gpuNetInternals } from "../policy/net_gpu.ts";
import type { MethodConfig } from "../rtc/method_config.ts";
import type { EvalResult } from "./common.ts";
import {
  type FusedEvalOptions,
  resolveFusedRun,
  runFused,
} from "./fused_run.ts";
import type { GpuSplit } from "./gpu_phases.ts";
import { computeRunMetrics } from "./metrics.ts";
import { decodeGpuLog } from "../envs/wrapper_wgsl.ts";
import { SCAN_PARAMS, scanShader } from "./scan_gpu_wgsl.ts";
import { temporalEnsembleStride } from "../rtc/temporal_ensemble_wgsl.ts";
import { isFusedMethod, weakOf } from "./fused_sampler.ts";

/**
 * Options for {@linkcode evaluateScanGpu}.
 *
 * @example
 * ```ts
 * import type { ScanGpuOptions } from "./scan_gpu.ts";
 * const describe = (o: ScanGpuOptions): string => `${o.method.method}, ${o.numEnvs} rollouts`;
 * ```
 */
export interface ScanGpuOptions extends FusedEvalOptions {
  /** Execute horizon s (1..H). @default 1 */
  executeHorizon?: number;
  /** One delay per iteration for the whole batch (seed) or per environment. @default "shared" */
  delayMode?: "shared" | "per_env";
}

/**
 * Seconds per phase of a timed run ({@linkcode ScanGpuOptions.timing}).
 *
 * @example
 * ```ts
 * import type { ScanGpuSplit } from "./scan_gpu.ts";
 * const total = (s: ScanGpuSplit): number => s.policy + s.env + s.delays + s.readback;
 * ```
 */
export type ScanGpuSplit = GpuSplit;

/**
 * Result of {@linkcode evaluateScanGpu}: an `EvalResult` (its
 * `samplerSeconds` is the policy phase of a timed run, else NaN) plus the
 * split of a timed run.
 *
 * @example
 * ```ts
 * import type { ScanGpuResult } from "./scan_gpu.ts";
 * const policyShare = (r: ScanGpuResult): number => r.split ? r.split.policy / r.wallSeconds : NaN;
 * ```
 */
export interface ScanGpuResult extends EvalResult {
  /** Wall-clock seconds of the whole run. */
  wallSeconds: number;
  /** Time per phase (timed runs only). */
  split?: ScanGpuSplit;
}

/**
 * Whether {@linkcode evaluateScanGpu} can run a method with a net: a WebGPU
 * net and any method (`bid` with forward contrast: a weak policy that is the
 * net or a WebGPU net on its device with its sizes, see `isFusedMethod`).
 *
 * @param net The policy.
 * @param method A resolved method config.
 * @returns True when the fused evaluator applies.
 *
 * @example
 * ```ts
 * import { canScanOnGpu } from "./scan_gpu.ts";
 * import { resolveMethodConfig } from "../rtc/method_config.ts";
 * import { createNet } from "../policy/net.ts";
 * import { initParams, paramLayout } from "../policy/params.ts";
 * import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
 * import { getBackend } from "../gpu/backend.ts";
 * import assert from "node:assert/strict";
 * const dims = { obsDim: 2, actionDim: 1 };
 * const params = initParams(paramLayout(SMALL_MODEL_CONFIG, dims), { seed: 0 });
 * const net = await createNet(await getBackend({ backend: "cpu" }), { config: SMALL_MODEL_CONFIG, ...dims, params });
 * assert.equal(canScanOnGpu(net, resolveMethodConfig({ method: "naive" })), false);
 * ```
 */
export function canScanOnGpu(net: PolicyNet, method: MethodConfig): boolean {
  if (net.backend !== "webgpu" || !gpuNetInternals(net)) return false;
  return isFusedMethod(method, net);
}

/**
 * Runs the seed-compatible `scan` evaluation entirely on the GPU (see the
 * module doc): one submission per iteration, one readback per run.
 *
 * @param task The task (its WGSL twin is stepped).
 * @param options Net, method, delay profile, seed, sizes.
 * @returns Metrics, delays, the log and timing.
 * @throws {TypeError} If the net or method cannot run on the GPU (see
 *   {@linkcode canScanOnGpu}).
 * @throws {RangeError} On invalid sizes.
 *
 * @example
 * ```ts
 * import { createNet, initParams, paramLayout, resolveModelConfig } from "../policy/mod.ts";
 * import { getBackend } from "../gpu/backend.ts";
 * import { getTask } from "../envs/mod.ts";
 * import { resolveMethodConfig } from "../rtc/mod.ts";
 * import { resolveProfile, SEED_PROFILES } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const config = resolveModelConfig({ channelDim: 8, channelHiddenDim: 16, tokenHiddenDim: 8, numLayers: 1, actionChunkSize: 4 });
 * const dims = { obsDim: 9, actionDim: 2 };
 * const backend = await getBackend();
 * if (backend.backend === "webgpu") { // the fused engine needs an adapter
 *   const net = await createNet(backend, { config, ...dims, params: initParams(paramLayout(config, dims), { seed: 0 }) });
 *   const { evaluateScanGpu } = await import("./scan_gpu.ts");
 *   const result = await evaluateScanGpu(getTask("reach_around"), {
 *     net, method: resolveMethodConfig({ method: "realtime" }),
 *     profile: resolveProfile(SEED_PROFILES.long_tail), seed: 0, numEnvs: 2,
 *   });
 *   assert.ok(result.metrics.returned_episode_solved >= 0);
 *   net.destroy?.();
 * }
 * ```
 */
export async function evaluateScanGpu(
  task: Task,
  options: ScanGpuOptions,
): Promise<ScanGpuResult> {
  const { net, method } = options;
  for (const m of [method, options.initialMethod ?? method]) {
    if (!canScanOnGpu(net, m)) {
      throw new TypeError(
        `Cannot evaluate on the GPU as the net must be a WebGPU net and a bid weak policy a WebGPU net on its device with its sizes: current values are ${net.backend}, "${m.method}", weak ${
          weakOf(m)
        }`,
      );
    }
  }
  const r = resolveFusedRun(task, options, {
    field: "executeHorizon",
    value: options.executeHorizon,
  });
  const { numEnvs: N, horizon: H, actionDim: A, window: s, seed } = r;
  const { spec } = task;
  const perEnv = (options.delayMode ?? "shared") === "per_env";
  const iterations = Math.ceil(spec.maxTimesteps / s);
  const nDelays = iterations * (perEnv ? N : 1);
  const timing = options.timing ?? false;
  const t0 = performance.now();
  const te = method.method === "temporal_ensembling";
  const { sampler } = r;

  const code = scanShader({
    taskWgsl: task.wgsl,
    profileWgsl: profileWgsl(options.profile),
    horizon: H,
    actionDim: A,
    temporalDecay: te ? method.temporalDecay : null,
    bid: sampler.bid,
  });
  const params = SCAN_PARAMS.pack({
    n: N,
    seed,
    noise_seed: r.noiseSeed,
    delay_seed: r.delaySeed,
    s,
    per_env: perEnv ? 1 : 0,
    noise_std: r.noiseStd,
    pad0: 0,
    pad1: 0,
  });
  const { logs, ctrl, delays, split } = await runFused(task, {
    net,
    sampler,
    initialMethod: r.initialMethod,
    batch: N,
    seed,
    code,
    params,
    ctrlBytes: 16 * N,
    delaysBytes: 4 * nDelays,
    extraBytes: [
      ...(te ? [4 * N * temporalEnsembleStride(H, A)] : []),
    ],
    entries: {
      reset: "scan_reset",
      begin: "scan_begin",
      execute: "scan_execute",
    },
    iterations,
    copyTo: "prev",
    timing,
  });

  // THE ROLLOUT LOG AND THE METRICS (AS evaluateScan)
  const tm = performance.now();
  const steps = iterations * s;
  const log = decodeGpuLog(logs, { numEnvs: N, actionDim: A, steps });
  const samplerCalls = iterations + 1;
  const ctrlU32 = new Uint32Array(ctrl);
  let starvedSteps = 0;
  for (let e = 0; e < N; e++) starvedSteps += ctrlU32[4 * e + 2]!;
  const metrics = computeRunMetrics(log, {
    delays,
    horizon: H,
    executeHorizon: s,
    starvedSteps,
    totalSteps: steps * N,
    meanS: s,
    inferences: samplerCalls * N,
  });
  if (split) split.readback += (performance.now() - tm) / 1000;
  return {
    metrics,
    delays,
    log,
    samplerCalls,
    samplerSeconds: timing && split ? split.policy : NaN,
    steps,
    wallSeconds: (performance.now() - t0) / 1000,
    ...(timing ? { split } : {}),
  };
}
