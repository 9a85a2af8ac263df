/**
 * The GPU-fused `scan` evaluator: the seed-compatible evaluation of
 * `scan.ts` (DESIGN 6.1) with everything on the GPU. Per iteration one
 * submission records the delay draw (`scan_begin`), every dispatch of the
 * chunk sampler (`withChunkRecorder` of `src/rtc/sample_gpu.ts`) and the
 * execution of `s` actions with environment stepping, action noise,
 * auto-reset, the rollout log and the chunk shift (`scan_execute`); nothing
 * is read back until the run ends (one readback of the log and the delays).
 *
 * Same RNG coordinates as the CPU-orchestrated `evaluateScan` with the CPU
 * twin stepper: delays `profile.sampleAt(deriveDelaySeed(seed), stream, it)`
 * (bit-identical for integer profiles), action noise `normal(seed ^
 * 0x9e3779b9, e, t·8 + j, 0)`, resets `task_reset(seed, e, episode)`, sampler
 * counters `it + 1` and streams `e`. Differences: the environment runs its
 * WGSL twin (float32 `sin`/`cos` may differ from the CPU twin by ulps, so a
 * chaotic task can drift apart over an episode) and the first-episode
 * return is summed in float32. See `scan_gpu_test.ts` for the measured
 * agreement.
 *
 * Methods: those with a GPU-resident sampler (naive, realtime, hard_masking,
 * training_time); `bid` and temporal ensembling use `evaluateScan`.
 *
 * @module
 */
import {
  createStorage,
  createUniform,
  type Dispatch,
  dispatch,
  getPipeline,
  readBuffer,
} from "../gpu/kernel.ts";
import type { Task } from "../envs/types.ts";
import { profileWgsl } from "../latency/profile_wgsl.ts";
import type { DelayProfile } from "../latency/types.ts";
import type { PolicyNet } from "../policy/net.ts";
import { gpuNetInternals } from "../policy/net_gpu.ts";
import {
  type MethodConfig,
  resolveMethodConfig,
} from "../rtc/method_config.ts";
import { withChunkRecorder } from "../rtc/sample_gpu.ts";
import { computeRunMetrics } from "./metrics.ts";
import { ACTION_NOISE_SALT } from "./stepper.ts";
import { checkInt, deriveDelaySeed, type EvalResult } from "./common.ts";
import { createPhaseRunner, type GpuSplit } from "./gpu_phases.ts";
import { SCAN_PARAMS, SCAN_WORKGROUP, scanShader } from "./scan_gpu_wgsl.ts";
import { decodeGpuLog, gpuLogStride } from "./rollout_log_wgsl.ts";

/**
 * Options for {@linkcode evaluateScanGpu}.
 *
 * @example
 * ```ts
 * import type { ScanGpuOptions } from "./scan_gpu.ts";
 * const describe = (o: ScanGpuOptions): string => `${o.method.method}, ${o.numEnvs} rollouts`;
 * ```
 */
export interface ScanGpuOptions {
  /** A WebGPU policy from `createNet`. */
  net: PolicyNet;
  /** The evaluated method (resolved). */
  method: MethodConfig;
  /** Method of the first chunk (the seed: naive). @default naive */
  initialMethod?: MethodConfig;
  /** Delay profile from `resolveProfile`. */
  profile: DelayProfile;
  /** Run seed. */
  seed: number;
  /** Number of rollouts. */
  numEnvs: number;
  /** Execute horizon s (1..H). @default 1 */
  executeHorizon?: number;
  /** One delay per iteration for the whole batch (seed) or per environment. @default "shared" */
  delayMode?: "shared" | "per_env";
  /** Std of the Gaussian action noise. @default 0.1 */
  actionNoise?: number;
  /**
   * Wait for the GPU after each phase and report the time split (costs one
   * queue round trip per phase; for benchmarks). @default false
   */
  timing?: boolean;
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
 * net and a method other than `bid` and `temporal_ensembling`.
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
  return ["naive", "realtime", "hard_masking", "training_time"].includes(
    method.method,
  );
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
 * ```ts ignore
 * import { evaluateScanGpu } from "./scan_gpu.ts";
 * const result = await evaluateScanGpu(getTask("reach_around"), {
 *   net, method: resolveMethodConfig({ method: "realtime" }),
 *   profile: resolveProfile(SEED_PROFILES.long_tail), seed: 0, numEnvs: 256,
 * });
 * console.log(result.metrics.returned_episode_solved);
 * ```
 */
export async function evaluateScanGpu(
  task: Task,
  options: ScanGpuOptions,
): Promise<ScanGpuResult> {
  const { net, method } = options;
  const initialMethod = options.initialMethod ??
    resolveMethodConfig({ method: "naive" });
  for (const m of [method, initialMethod]) {
    if (!canScanOnGpu(net, m)) {
      throw new TypeError(
        `Cannot evaluate on the GPU as the net must be a WebGPU net and the method one of naive, realtime, hard_masking, training_time: current values are ${net.backend}, "${m.method}"`,
      );
    }
  }
  const { spec } = task;
  const N = checkInt(options.numEnvs, "numEnvs", 1);
  const H = net.config.actionChunkSize;
  const s = checkInt(options.executeHorizon ?? 1, "executeHorizon", 1);
  if (s > H) {
    throw new RangeError(
      `Cannot evaluate as executeHorizon must be at most horizon ${H}: current value is ${s}`,
    );
  }
  if (net.obsDim !== spec.obsDim || net.actionDim !== spec.actionDim) {
    throw new RangeError(
      `Cannot evaluate as the net has obsDim ${net.obsDim}, actionDim ${net.actionDim} but task ${spec.name} needs ${spec.obsDim}, ${spec.actionDim}`,
    );
  }
  const A = spec.actionDim;
  const seed = options.seed >>> 0;
  const perEnv = (options.delayMode ?? "shared") === "per_env";
  const iterations = Math.ceil(spec.maxTimesteps / s);
  const nDelays = iterations * (perEnv ? N : 1);
  const stride = gpuLogStride(A);
  const timing = options.timing ?? false;
  const t0 = performance.now();

  let split: GpuSplit | undefined;
  const { logs, delays } = await withChunkRecorder(
    net,
    { batch: N, seed },
    async (rec) => {
      const { device } = rec;
      const code = scanShader({
        taskWgsl: task.wgsl,
        profileWgsl: profileWgsl(options.profile),
        horizon: H,
        actionDim: A,
      });
      const label = `scan/${spec.name}`;
      const pipe = (entryPoint: string) =>
        getPipeline(device, { code, entryPoint, label });
      const params = createUniform(
        device,
        SCAN_PARAMS.pack({
          n: N,
          seed,
          noise_seed: (seed ^ ACTION_NOISE_SALT) >>> 0,
          delay_seed: deriveDelaySeed(seed),
          s,
          per_env: perEnv ? 1 : 0,
          noise_std: options.actionNoise ?? 0.1,
          pad0: 0,
          pad1: 0,
        }),
      );
      const own = [
        params,
        createStorage(device, { size: 4 * N * spec.stateDim, label }),
        createStorage(device, { size: 8 * N, label }),
        createStorage(device, { size: 4 * N * stride, label }),
        createStorage(device, { size: 4 * nDelays, label }),
      ];
      const [, states, ctrl, logBuf, delayBuf] = own;
      const buffers = [
        params,
        states!,
        ctrl!,
        logBuf!,
        rec.obs,
        rec.meta,
        rec.prevChunk,
        rec.chunk,
        delayBuf!,
      ];
      const workgroups = [Math.ceil(N / SCAN_WORKGROUP)] as const;
      const kernel = (entry: string): Dispatch => ({
        pipeline: pipe(entry),
        buffers,
        workgroups,
      });
      const reset = kernel("scan_reset");
      const begin = kernel("scan_begin");
      const execute = kernel("scan_execute");
      const initial = rec.record(initialMethod);
      const sample = rec.record(method);
      const chunkBytes = 4 * N * H * A;

      const phases = await createPhaseRunner(device, timing);
      split = phases.split;
      const run = phases.run;
      try {
        await run([
          ["env", (enc) => dispatch(device, [reset], enc)],
          ["policy", (enc) => {
            dispatch(device, initial, enc);
            enc.copyBufferToBuffer(rec.chunk, 0, rec.prevChunk, 0, chunkBytes);
          }],
        ]);
        for (let it = 0; it < iterations; it++) {
          await run([
            ["delays", (enc) => dispatch(device, [begin], enc)],
            ["policy", (enc) => dispatch(device, sample, enc)],
            ["env", (enc) => dispatch(device, [execute], enc)],
          ]);
        }
        const tr = performance.now();
        const out = {
          logs: new Float32Array(
            await readBuffer(device, logBuf!, 4 * N * stride),
          ),
          delays: new Int32Array(
            await readBuffer(device, delayBuf!, 4 * nDelays),
          ),
        };
        phases.split.readback += (performance.now() - tr) / 1000;
        return out;
      } finally {
        for (const b of own) b!.destroy();
      }
    },
  );

  // THE ROLLOUT LOG AND THE METRICS (AS evaluateScan)
  const tm = performance.now();
  const steps = iterations * s;
  const log = decodeGpuLog(logs, { numEnvs: N, actionDim: A, steps });
  const samplerCalls = iterations + 1;
  const metrics = computeRunMetrics(log, {
    delays,
    horizon: H,
    executeHorizon: s,
    starvedSteps: 0,
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
