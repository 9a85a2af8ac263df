/**
 * `sampleChunk`: one batched chunk inference with any method of `docs/SEMANTICS.md` §3
 * (naive, realtime, hard masking, BID, training-time RTC; temporal
 * ensembling samples like naive and ensembles at execution time, see
 * `temporal_ensemble.ts`).
 *
 * Buffer layouts: `obs` is `[B, O]`, `prevChunk` and the result `[B, H, A]`,
 * all flat row-major `Float32Array`s.
 *
 * @module
 */

import type { PolicyNet } from "../policy/net.ts";
import { bidSelect } from "./_bid.ts";
import { initialNoise, naiveFlow, realtimeFlow } from "./_flow.ts";
import type { MethodConfig } from "./method_config.ts";
import { canSampleOnGpu, sampleChunkGpu } from "./sample_gpu.ts";

/** One inference request for B environments. */
export interface ChunkRequest {
  /** Number of environments B. */
  readonly batch: number;
  /** Observations `[B, O]`. */
  readonly obs: Float32Array;
  /**
   * Previous chunk `[B, H, A]`, shifted so index 0 is the current step and
   * zero-padded. Required by realtime, hard_masking, bid and training_time.
   */
  readonly prevChunk?: Float32Array;
  /** Inference delay d per environment (frozen prefix length), in [0, H]. Required with prevChunk. */
  readonly delay?: Int32Array;
  /** Execution horizon s per environment (guided window ends at H − s), in [0, H]. Required with prevChunk. */
  readonly executeHorizon?: Int32Array;
  /** Run seed (u32). */
  readonly seed: number;
  /** Call counter (u32), distinct per call; or one counter per environment. */
  readonly counter: number | Uint32Array;
  /** RNG stream per row. @default the row index b */
  readonly streams?: Uint32Array;
  /** Record a per-denoising-step trace. @default false */
  readonly trace?: boolean;
}

/** The state of one Euler step, recorded when `trace` is set. */
export interface FlowStepTrace {
  /** Flow time t of this step (0 at noise). */
  readonly t: number;
  /** `x_t` before the step, `[B·N?, H, A]` (BID: all N·B candidate rows). */
  readonly xt: Float32Array;
  /** Velocity `v = f(obs, x_t, time)`, same shape. */
  readonly v: Float32Array;
  /** Guidance weight gw of realtime/hard masking (0 for unguided methods). */
  readonly guidanceWeight: number;
  /** Weighted error `e = (y − denoise(x))·w` of realtime/hard masking, `[B, H, A]`. */
  readonly error?: Float32Array;
}

/** Optional trace of a {@linkcode sampleChunk} call. */
export interface ChunkTrace {
  /** One entry per Euler step. */
  readonly steps: FlowStepTrace[];
  /** BID: total loss of each candidate, `[N, B]`. */
  readonly bidLoss?: Float32Array;
  /** BID: index of the executed candidate per environment, `[B]`. */
  readonly bidChoice?: Int32Array;
}

/** The new chunks. */
export interface ChunkResult {
  /** `[B, H, A]`. */
  readonly chunk: Float32Array;
  /** Present when the request asked for a trace. */
  readonly trace?: ChunkTrace;
}

function checkRequest(
  net: PolicyNet,
  req: ChunkRequest,
  method: MethodConfig,
  needPrefix: boolean,
): void {
  const { batch } = req;
  const h = net.config.actionChunkSize;
  const ha = h * net.actionDim;
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(
      `Cannot sample chunk as batch must be a positive integer: current value is ${batch}`,
    );
  }
  if (req.obs.length !== batch * net.obsDim) {
    throw new TypeError(
      `Cannot sample chunk as obs must have batch*obsDim=${
        batch * net.obsDim
      } elements: current length is ${req.obs.length}`,
    );
  }
  if (typeof req.counter !== "number" && req.counter.length !== batch) {
    throw new TypeError(
      `Cannot sample chunk as counter must be a number or have batch=${batch} elements: current length is ${req.counter.length}`,
    );
  }
  if (req.streams && req.streams.length !== batch) {
    throw new TypeError(
      `Cannot sample chunk as streams must have batch=${batch} elements: current length is ${req.streams.length}`,
    );
  }
  const weak = method.bidWeakPolicy;
  if (
    method.method === "bid" && weak &&
    (weak.obsDim !== net.obsDim || weak.actionDim !== net.actionDim ||
      weak.config.actionChunkSize !== h)
  ) {
    throw new TypeError(
      `Cannot sample chunk as bidWeakPolicy must have the policy's obsDim/actionDim/H (${net.obsDim}/${net.actionDim}/${h}): current values are ${weak.obsDim}/${weak.actionDim}/${weak.config.actionChunkSize}`,
    );
  }
  if (!needPrefix) return;
  if (!req.prevChunk || req.prevChunk.length !== batch * ha) {
    throw new TypeError(
      `Cannot sample chunk as prevChunk must have batch*H*A=${
        batch * ha
      } elements: current length is ${req.prevChunk?.length}`,
    );
  }
  for (const field of ["delay", "executeHorizon"] as const) {
    const arr = req[field];
    if (!arr || arr.length !== batch) {
      throw new TypeError(
        `Cannot sample chunk as ${field} must have batch=${batch} elements: current length is ${arr?.length}`,
      );
    }
    for (let b = 0; b < batch; b++) {
      const v = arr[b]!;
      if (v < 0 || v > h) {
        throw new RangeError(
          `Cannot sample chunk as ${field}[${b}] must be in [0, H=${h}]: current value is ${v}`,
        );
      }
    }
  }
}

/**
 * Samples one new action chunk per environment with the given method.
 *
 * Noise: row b's initial noise element k (of H·A; BID candidate n uses
 * elements from n·H·A) is `normal(deriveSeed(seed, counter_b, NOISE_TAG),
 * stream_b, k >> 1, k & 1)`, so results are deterministic and independent
 * of the batch composition. Flow times are `t = k/n`, k = 0..n−1.
 *
 * - `naive` / `temporal_ensembling`: `x ← x + dt·f(obs, x, t)`.
 * - `realtime` / `hard_masking`: ΠGDM-guided Euler step with
 *   `w = prefixWeights(d_b, H − s_b, H, schedule)` per environment
 *   (one forward and one VJP per step).
 * - `bid`: N naive candidates, backward loss `Σ_h w_h‖a_h − y_h‖` with `exp`
 *   weights (plus the forward contrast when `bidK`/`bidWeakPolicy` are set),
 *   executes the argmin.
 * - `training_time`: before every step `x_i = y_i` and `time_i = 1` for
 *   `i < d_b`; after the last step positions `i < d_b` are set to `y` again,
 *   so the frozen prefix equals the previous chunk exactly (upstream leaves
 *   `y + dt·v` there; executors take those positions from the old chunk
 *   anyway). Meant for nets trained with `simulatedDelay`, but runs on any net.
 *
 * On a WebGPU net without `trace`, every method but `bid` runs GPU-resident
 * (`sampleChunkGpu`: one submission and one readback per chunk; float32
 * guidance arithmetic, equal to this CPU-orchestrated loop to ~1e-5).
 *
 * @param net The policy.
 * @param request Observations, previous chunks, delays, execution horizons and RNG indices.
 * @param method A resolved method config (see `resolveMethodConfig`).
 * @returns The chunks `[B, H, A]` and an optional trace.
 * @throws {TypeError} If an array has the wrong length.
 * @throws {RangeError} If a delay or execution horizon is outside [0, H].
 *
 * @example
 * ```ts
 * import { createNet, initParams, paramLayout, resolveModelConfig } from "../policy/mod.ts";
 * import { getBackend } from "../gpu/backend.ts";
 * const config = resolveModelConfig({ channelDim: 8, channelHiddenDim: 16, tokenHiddenDim: 8, numLayers: 1, actionChunkSize: 4 });
 * const dims = { obsDim: 9, actionDim: 2 };
 * const params = initParams(paramLayout(config, dims), { seed: 0 });
 * const net = await createNet(await getBackend({ backend: "cpu" }), { config, ...dims, params });
 * import { resolveMethodConfig, sampleChunk } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const method = resolveMethodConfig({ method: "realtime" });
 * const { chunk } = await sampleChunk(net, {
 *   batch: 1, obs: new Float32Array(9), prevChunk: new Float32Array(8),
 *   delay: Int32Array.of(2), executeHorizon: Int32Array.of(1), seed: 0, counter: 7,
 * }, method);
 * assert.equal(chunk.length, 4 * 2);
 * ```
 */
export async function sampleChunk(
  net: PolicyNet,
  request: ChunkRequest,
  method: MethodConfig,
): Promise<ChunkResult> {
  const m = method.method;
  const needPrefix = m !== "naive" && m !== "temporal_ensembling";
  checkRequest(net, request, method, needPrefix);
  if (canSampleOnGpu(net, request, method)) {
    return await sampleChunkGpu(net, request, method);
  }
  const ha = net.config.actionChunkSize * net.actionDim;
  const steps: FlowStepTrace[] | undefined = request.trace ? [] : undefined;
  if (m === "bid") {
    const x = initialNoise(request, ha, method.bidSamples);
    const r = await bidSelect(net, request, method, x, steps);
    return {
      chunk: r.chunk,
      trace: steps
        ? { steps, bidLoss: r.loss, bidChoice: r.choice }
        : undefined,
    };
  }
  const x = initialNoise(request, ha, 1);
  let chunk: Float32Array;
  if (m === "realtime" || m === "hard_masking") {
    chunk = await realtimeFlow(net, request, method, x, steps);
  } else {
    chunk = await naiveFlow(net, {
      obs: request.obs,
      x,
      numFlowSteps: method.numFlowSteps,
      steps,
      prefix: m === "training_time"
        ? { y: request.prevChunk!, delay: request.delay! }
        : undefined,
    });
  }
  return { chunk, trace: steps ? { steps } : undefined };
}
