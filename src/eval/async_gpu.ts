/**
 * The GPU-fused `async` evaluator: RTC Algorithm 1 of `async.ts` (`docs/SEMANTICS.md`
 * §7) with everything on the GPU. Per control step one submission records
 * `async_begin` (land due inferences; start new ones: delay draw, forecast,
 * frozen prefix, call record), the chunk sampler over every environment
 * (`withChunkRecorder`), and `async_execute` (keep the chunks of the
 * environments that started, land zero delays, execute or starve, step,
 * log). One readback per run.
 *
 * The sampler runs on all rows at every control step and only the rows of
 * starting environments are kept: a row's chunk depends only on its own
 * inputs and RNG coordinates (counter k + 1, stream e), so the kept chunks
 * equal those of `evaluateAsync`'s batched calls over exactly the starting
 * rows. The cost is the full batch per control step (`samplerCalls` counts
 * these), where `evaluateAsync` samples only the starting rows.
 *
 * Methods: those of `evaluateScanGpu` (temporal ensembling with the WGSL
 * ensemble of `src/rtc/temporal_ensemble_wgsl.ts`, `bid` with S
 * candidates per row, with forward contrast the weak policy's S candidates
 * per row as well). Forecasters: oracle, buffer_max and quantile, any ring
 * or window (allocated as `asyncRing(W, T)` = min(W, T + 1), which holds
 * every delay a run of T steps can push); the quantile forecast is
 * bit-identical to the CPU's float64 one (`src/latency/quantile_wgsl.ts`:
 * exact order statistics on the GPU, the float64 interpolation tabulated
 * on the host for every ring count and difference up to the largest delay
 * that can land, `numSteps − 1`; the table's `2·ring·(T + 1)` floats must
 * fit the device's `maxStorageBufferBindingSize`, 128 MiB by default:
 * a window ≥ T + 1 reaches that only past T ≈ 4000 steps).
 * Same RNG coordinates as `evaluateAsync` with the CPU twin stepper; the
 * environments run their WGSL twins (see `scan_gpu.ts` on agreement).
 * `delays` lists each environment's inferences in order, environment by
 * environment (`evaluateAsync` lists them by control step; the metrics do
 * not depend on the order).
 *
 * @module
 */
import type { Task } from "../envs/types.ts";
import { profileWgsl } from "../latency/profile_wgsl.ts";
import type { PolicyNet } from "../policy/net.ts";
import { gpuNetInternals } from "../policy/net_gpu.ts";
import type { MethodConfig } from "../rtc/method_config.ts";
import { temporalEnsembleStride } from "../rtc/temporal_ensemble_wgsl.ts";
import { quantileTable } from "../latency/quantile_wgsl.ts";
import { checkInt } from "./common.ts";
import { weakOf } from "./fused_sampler.ts";
import {
  type FusedEvalOptions,
  resolveFusedRun,
  runFused,
} from "./fused_run.ts";
import { computeRunMetrics } from "./metrics.ts";
import { decodeGpuLog } from "../envs/wrapper_wgsl.ts";
import { canScanOnGpu, type ScanGpuResult } from "./scan_gpu.ts";
import {
  ASYNC_CTRL_FIELDS,
  ASYNC_PARAMS,
  asyncRing,
  asyncShader,
} from "./async_gpu_wgsl.ts";

/**
 * A forecaster the GPU path implements.
 *
 * @example
 * ```ts
 * import type { GpuForecaster } from "./async_gpu.ts";
 * const f: GpuForecaster = { kind: "buffer_max", size: 10 };
 * ```
 */
export type GpuForecaster =
  | { kind: "oracle" }
  | { kind: "buffer_max"; size: number }
  | { kind: "quantile"; q: number; window: number; initial?: number };

/**
 * Options for {@linkcode evaluateAsyncGpu}.
 *
 * @example
 * ```ts
 * import type { AsyncGpuOptions } from "./async_gpu.ts";
 * const describe = (o: AsyncGpuOptions): string => `${o.method.method}, s_min ${o.sMin ?? 1}`;
 * ```
 */
export interface AsyncGpuOptions extends FusedEvalOptions {
  /** Minimum executed actions before the next inference (1..H). @default 1 */
  sMin?: number;
  /** Delay forecaster. @default oracle */
  forecaster?: GpuForecaster;
  /** What a starved environment executes. @default "hold" */
  starve?: "hold" | "zero";
  /** Control steps. @default task.spec.maxTimesteps */
  numSteps?: number;
}

/**
 * Whether {@linkcode evaluateAsyncGpu} can run: a WebGPU net, a method
 * `canScanOnGpu` accepts, and an oracle, a buffer_max forecaster (integer
 * size ≥ 1) or a quantile forecaster (q in [0, 1], integer window ≥ 1,
 * integer initial ≥ 0).
 *
 * @param net The policy.
 * @param method A resolved method config.
 * @param forecaster The forecaster config.
 * @returns True when the fused evaluator applies.
 *
 * @example
 * ```ts
 * import { canAsyncOnGpu } from "./async_gpu.ts";
 * import { resolveMethodConfig } from "../rtc/method_config.ts";
 * import { createNet } from "../policy/net.ts";
 * import { initParams, paramLayout } from "../policy/params.ts";
 * import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
 * import { getBackend } from "../gpu/backend.ts";
 * import assert from "node:assert/strict";
 * const dims = { obsDim: 2, actionDim: 1 };
 * const params = initParams(paramLayout(SMALL_MODEL_CONFIG, dims), { seed: 0 });
 * const net = await createNet(await getBackend({ backend: "cpu" }), { config: SMALL_MODEL_CONFIG, ...dims, params });
 * assert.equal(canAsyncOnGpu(net, resolveMethodConfig({}), { kind: "oracle" }), false);
 * ```
 */
export function canAsyncOnGpu(
  net: PolicyNet,
  method: MethodConfig,
  forecaster: {
    kind: string;
    size?: number;
    q?: number;
    window?: number;
    initial?: number;
  },
): boolean {
  if (!canScanOnGpu(net, method)) return false;
  const ring = (w: number | undefined) => Number.isInteger(w) && w! >= 1;
  switch (forecaster.kind) {
    case "oracle":
      return true;
    case "buffer_max":
      return ring(forecaster.size);
    case "quantile": {
      const init = forecaster.initial ?? 0;
      return ring(forecaster.window) && forecaster.q! >= 0 &&
        forecaster.q! <= 1 && Number.isInteger(init) && init >= 0;
    }
    default:
      return false;
  }
}

/**
 * Runs the asynchronous (Algorithm 1) evaluation entirely on the GPU (see
 * the module doc).
 *
 * @param task The task (its WGSL twin is stepped).
 * @param options Net, method, delay profile, forecaster, sizes.
 * @returns Metrics (with `p_starve`, `mean_s`, `n_inferences`), delays, log, timing.
 * @throws {TypeError} If the net, method or forecaster has no GPU path.
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
 *   const { evaluateAsyncGpu } = await import("./async_gpu.ts");
 *   const result = await evaluateAsyncGpu(getTask("reach_around"), {
 *     net, method: resolveMethodConfig({ method: "realtime" }),
 *     profile: resolveProfile(SEED_PROFILES.long_tail), seed: 0, numEnvs: 2,
 *     forecaster: { kind: "buffer_max", size: 10 },
 *   });
 *   assert.ok(result.metrics.p_starve >= 0);
 *   net.destroy?.();
 * }
 * ```
 */
export async function evaluateAsyncGpu(
  task: Task,
  options: AsyncGpuOptions,
): Promise<ScanGpuResult> {
  const { net, method } = options;
  const forecaster = options.forecaster ?? { kind: "oracle" };
  for (const m of [method, options.initialMethod ?? method]) {
    if (!canAsyncOnGpu(net, m, forecaster)) {
      throw new TypeError(
        `Cannot evaluate on the GPU as the net must be a WebGPU net, a bid weak policy a WebGPU net on its device with its sizes and the forecaster oracle, buffer_max or quantile (integer ring >= 1): current values are ${net.backend}, "${m.method}" (weak ${
          weakOf(m)
        }), ${JSON.stringify(forecaster)}`,
      );
    }
  }
  const r = resolveFusedRun(task, options, {
    field: "sMin",
    value: options.sMin,
  });
  const { numEnvs: N, horizon: H, actionDim: A, window: sMin, seed } = r;
  const { spec } = task;
  const T = checkInt(options.numSteps ?? spec.maxTimesteps, "numSteps", 1);
  const ring = asyncRing(
    forecaster.kind === "buffer_max"
      ? forecaster.size
      : forecaster.kind === "quantile"
      ? forecaster.window
      : 1,
    T,
  );
  // A LANDED DELAY IS AT MOST T - 1 (THE QUANTILE TABLE'S RANGE)
  const quantile = forecaster.kind === "quantile"
    ? { q: forecaster.q, maxDelay: T - 1 }
    : null;
  const limit = gpuNetInternals(net)!.device.limits.maxStorageBufferBindingSize;
  if (quantile && 8 * ring * (T + 1) > limit) {
    throw new RangeError(
      `Cannot evaluate on the GPU as the quantile table (2*min(window, numSteps + 1)*(numSteps + 1) floats) must fit maxStorageBufferBindingSize ${limit}: current size is ${
        8 * ring * (T + 1)
      } bytes`,
    );
  }
  const ctrlStride = ASYNC_CTRL_FIELDS.ring + ring;
  const timing = options.timing ?? false;
  const t0 = performance.now();
  const te = method.method === "temporal_ensembling";
  const { sampler } = r;
  const code = asyncShader({
    taskWgsl: task.wgsl,
    profileWgsl: profileWgsl(options.profile),
    horizon: H,
    actionDim: A,
    ring,
    temporalDecay: te ? method.temporalDecay : null,
    quantile,
    bid: sampler.bid,
  });
  const params = ASYNC_PARAMS.pack({
    n: N,
    seed,
    noise_seed: r.noiseSeed,
    delay_seed: r.delaySeed,
    s_min: sMin,
    hold: (options.starve ?? "hold") === "hold" ? 1 : 0,
    noise_std: r.noiseStd,
    forecaster: { oracle: 0, buffer_max: 1, quantile: 2 }[forecaster.kind],
    ring,
    steps: T,
    initial: forecaster.kind === "quantile" ? forecaster.initial ?? 0 : 0,
  });
  const chunkBytes = 4 * N * H * A;
  const out = await runFused(task, {
    net,
    sampler,
    initialMethod: r.initialMethod,
    batch: N,
    seed,
    code,
    params,
    ctrlBytes: 4 * N * ctrlStride,
    delaysBytes: 4 * N * T,
    extraBytes: [
      chunkBytes,
      chunkBytes,
      ...(te ? [4 * N * temporalEnsembleStride(H, A)] : []),
      ...(quantile ? [quantileTable({ ...quantile, window: ring })] : []),
    ],
    entries: {
      reset: "async_reset",
      begin: "async_begin",
      execute: "async_execute",
    },
    iterations: T,
    copyTo: 0,
    timing,
  });
  const { logs, split } = out;
  const ctrl = new Uint32Array(out.ctrl);
  const delaysRaw = out.delays;

  // COUNTERS, DELAYS, LOG AND METRICS (AS evaluateAsync)
  const tm = performance.now();
  const F = ASYNC_CTRL_FIELDS;
  let started = 0, sumS = 0, starvedSteps = 0;
  const delays: number[] = [];
  for (let e = 0; e < N; e++) {
    const c = e * ctrlStride;
    const n = ctrl[c + F.inferences]!;
    started += n;
    sumS += ctrl[c + F.sumS]!;
    starvedSteps += ctrl[c + F.starved]!;
    for (let i = 0; i < n; i++) delays.push(delaysRaw[e * T + i]!);
  }
  const log = decodeGpuLog(logs, { numEnvs: N, actionDim: A, steps: T });
  const metrics = computeRunMetrics(log, {
    delays,
    horizon: H,
    executeHorizon: sMin,
    starvedSteps,
    totalSteps: T * N,
    meanS: started > 0 ? sumS / started : NaN,
    inferences: started + N,
  });
  if (split) split.readback += (performance.now() - tm) / 1000;
  return {
    metrics,
    delays: Int32Array.from(delays),
    log,
    samplerCalls: T + 1,
    samplerSeconds: timing && split ? split.policy : NaN,
    steps: T,
    wallSeconds: (performance.now() - t0) / 1000,
    ...(timing ? { split } : {}),
  };
}
