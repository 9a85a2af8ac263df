/**
 * How the GPU-fused evaluators (`scan_gpu.ts`, `async_gpu.ts`) sample a
 * method's chunks: directly with the GPU-resident sampler
 * (`withChunkRecorder`), or, for `bid`, naive flow over S candidate rows
 * per environment with the prepare and select kernels of
 * `src/rtc/bid_wgsl.ts` around it.
 *
 * @module
 */
import {
  type MethodConfig,
  resolveMethodConfig,
} from "../rtc/method_config.ts";
import { bidWeightTable } from "../rtc/bid_wgsl.ts";

/**
 * What a fused evaluator needs to sample one method (see
 * {@linkcode fusedSampler}).
 *
 * @example
 * ```ts
 * import type { FusedSampler } from "./fused_sampler.ts";
 * const rows = (s: FusedSampler, n: number): number => s.candidates?.rows ?? n;
 * ```
 */
export interface FusedSampler {
  /** The method the chunk recorder runs (bid: naive with bid's flow steps). */
  method: MethodConfig;
  /** BID: the shader's `bidWgsl` dims (null: no BID kernels). */
  bid: { samples: number; obsDim: number } | null;
  /** BID: `runFused`'s candidate rows and entry points. */
  candidates?: { rows: number; prepare: string; select: string };
  /** Contents of the extra buffers to append (BID: `bidw`). */
  extra: Float32Array[];
}

/**
 * Whether the fused evaluators run a method: every method with a
 * GPU-resident sampler, temporal ensembling, and `bid` without forward
 * contrast (`bidK` null).
 *
 * @param method A resolved method config.
 * @returns True when fusable (given a WebGPU net).
 *
 * @example
 * ```ts
 * import { isFusedMethod } from "./fused_sampler.ts";
 * import { resolveMethodConfig } from "../rtc/method_config.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isFusedMethod(resolveMethodConfig({ method: "bid" })));
 * ```
 */
export function isFusedMethod(method: MethodConfig): boolean {
  if (method.method === "bid") return method.bidK === null;
  return true;
}

/**
 * The sampling set-up of a method for a fused run of `numEnvs`
 * environments.
 *
 * @param method A fusable method ({@linkcode isFusedMethod}).
 * @param dims Number of environments N, chunk length H and observation size O.
 * @returns The recorder's method, BID kernels and extra buffers.
 *
 * @example
 * ```ts
 * import { fusedSampler } from "./fused_sampler.ts";
 * import { resolveMethodConfig } from "../rtc/method_config.ts";
 * import assert from "node:assert/strict";
 * const s = fusedSampler(resolveMethodConfig({ method: "bid" }), { numEnvs: 4, horizon: 4, obsDim: 9 });
 * assert.equal(s.method.method, "naive");
 * assert.equal(s.candidates?.rows, 64);
 * ```
 */
export function fusedSampler(
  method: MethodConfig,
  dims: { numEnvs: number; horizon: number; obsDim: number },
): FusedSampler {
  if (method.method !== "bid") return { method, bid: null, extra: [] };
  const samples = method.bidSamples;
  return {
    method: resolveMethodConfig({
      method: "naive",
      numFlowSteps: method.numFlowSteps,
    }),
    bid: { samples, obsDim: dims.obsDim },
    candidates: {
      rows: samples * dims.numEnvs,
      prepare: "bid_prepare",
      select: "bid_select",
    },
    extra: [bidWeightTable(dims.horizon)],
  };
}
