/**
 * How the GPU-fused evaluators (`scan_gpu.ts`, `async_gpu.ts`) sample a
 * method's chunks: directly with the GPU-resident sampler
 * (`withChunkRecorder`), or, for `bid`, naive flow over S candidate rows
 * per environment with the prepare and select kernels of
 * `src/rtc/bid_wgsl.ts` around it; with forward contrast (`bidK`) the weak
 * policy's naive flow runs on S candidate rows of its own, from the same
 * noise and observations, recorded into the same encoder.
 *
 * @module
 */
import type { PolicyNet } from "../policy/net.ts";
import { gpuNetInternals } from "../policy/net_gpu.ts";
import {
  type MethodConfig,
  resolveMethodConfig,
} from "../rtc/method_config.ts";
import { bidWeightTable, type BidWgslDims } from "../rtc/bid_wgsl.ts";

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
  bid: BidWgslDims | null;
  /**
   * BID: `runFused`'s candidate rows and entry points, and the weak policy
   * of the forward contrast (absent: backward loss only).
   */
  candidates?: {
    rows: number;
    prepare: string;
    select: string;
    weak?: PolicyNet;
  };
  /** Contents of the extra buffers to append (BID: `bidw`). */
  extra: Float32Array[];
}

/**
 * Whether the fused evaluators run a method with a WebGPU net: every
 * method; `bid` with forward contrast when its weak policy is the net
 * itself or another WebGPU net from `createNet` on the net's device with
 * the net's observation size, action size and H (a weak policy elsewhere,
 * e.g. a CPU net, runs CPU-orchestrated).
 *
 * @param method A resolved method config.
 * @param net The (strong) policy.
 * @returns True when fusable.
 *
 * @example
 * ```ts
 * import { isFusedMethod } from "./fused_sampler.ts";
 * import { resolveMethodConfig } from "../rtc/method_config.ts";
 * import type { PolicyNet } from "../policy/net.ts";
 * import assert from "node:assert/strict";
 * const net = {} as PolicyNet;
 * assert.ok(isFusedMethod(resolveMethodConfig({ method: "bid" }), net));
 * assert.ok(isFusedMethod(resolveMethodConfig({ method: "bid", bidK: 2, bidWeakPolicy: net }), net));
 * ```
 */
export function isFusedMethod(method: MethodConfig, net: PolicyNet): boolean {
  const weak = method.bidWeakPolicy;
  if (method.method !== "bid" || method.bidK === null || !weak) return true;
  if (weak === net) return true;
  const w = gpuNetInternals(weak), s = gpuNetInternals(net);
  return weak.backend === "webgpu" && w !== undefined && s !== undefined &&
    w !== s && w.device === s.device && weak.obsDim === net.obsDim &&
    weak.actionDim === net.actionDim &&
    weak.config.actionChunkSize === net.config.actionChunkSize;
}

/**
 * Describes a method's BID weak policy for error messages: "none", or its
 * backend and sizes.
 *
 * @param method A resolved method config.
 * @returns A short description.
 *
 * @example
 * ```ts
 * import { weakOf } from "./fused_sampler.ts";
 * import { resolveMethodConfig } from "../rtc/method_config.ts";
 * import assert from "node:assert/strict";
 * assert.equal(weakOf(resolveMethodConfig({ method: "bid" })), "none");
 * ```
 */
export function weakOf(method: MethodConfig): string {
  const w = method.bidWeakPolicy;
  if (method.method !== "bid" || method.bidK === null || !w) return "none";
  return `${w.backend} net (obsDim ${w.obsDim}, actionDim ${w.actionDim}, H ${w.config.actionChunkSize})`;
}

/**
 * The sampling set-up of a method for a fused run of `numEnvs`
 * environments. A weak policy that is the net itself yields candidates
 * identical to the strong ones (same noise and observations), so its
 * forward contrast `Σ_top-k D − Σ_top-k D` is zero (on the CPU up to
 * float64 rounding, ~1e-16): it runs as BID without contrast (one net
 * cannot hold two recorder sessions at once).
 *
 * @param method A fusable method ({@linkcode isFusedMethod}).
 * @param dims Number of environments N, chunk length H, observation size O
 *   and the (strong) net.
 * @returns The recorder's method, BID kernels and extra buffers.
 *
 * @example
 * ```ts
 * import { fusedSampler } from "./fused_sampler.ts";
 * import { resolveMethodConfig } from "../rtc/method_config.ts";
 * import assert from "node:assert/strict";
 * const s = fusedSampler(resolveMethodConfig({ method: "bid" }), { numEnvs: 4, horizon: 4, obsDim: 9, net: null });
 * assert.equal(s.method.method, "naive");
 * assert.equal(s.candidates?.rows, 64);
 * ```
 */
export function fusedSampler(
  method: MethodConfig,
  dims: {
    numEnvs: number;
    horizon: number;
    obsDim: number;
    net: PolicyNet | null;
  },
): FusedSampler {
  if (method.method !== "bid") return { method, bid: null, extra: [] };
  const samples = method.bidSamples;
  const weak = method.bidWeakPolicy;
  const contrast = method.bidK !== null && weak !== null && weak !== dims.net;
  return {
    method: resolveMethodConfig({
      method: "naive",
      numFlowSteps: method.numFlowSteps,
    }),
    bid: { samples, obsDim: dims.obsDim, k: contrast ? method.bidK : null },
    candidates: {
      rows: samples * dims.numEnvs,
      prepare: "bid_prepare",
      select: "bid_select",
      ...(contrast ? { weak: weak! } : {}),
    },
    extra: [bidWeightTable(dims.horizon)],
  };
}
