/**
 * The FlowPolicy network behind one interface on every backend: the CPU
 * reference (float32 with `Math.fround`), WebGPU compute kernels and the
 * native C engine (`src/native`).
 *
 * @module
 */

import type { Backend } from "../gpu/backend.ts";
import type { ModelConfig } from "./config.ts";
import { type ParamLayout, paramLayout } from "./params.ts";
import type { LossBatch, NetInputs } from "./net_inputs.ts";
import { createCpuNet } from "./net_cpu.ts";
import { createGpuNet } from "./net_gpu.ts";
import { createNativeNet } from "../native/net_native.ts";

export type { LossBatch, NetInputs } from "./net_inputs.ts";

/**
 * Arguments of {@linkcode PolicyNet.flow}: the Euler flow of one chunk for R rows.
 *
 * @example
 * ```ts ignore
 * const chunk = await net.flow!({ obs, x: noise, numFlowSteps: 5 });
 * ```
 */
export interface NetFlowArgs {
  /** Observations `[R, O]`. */
  obs: Float32Array;
  /** Initial noise `[R, H, A]`; replaced by the chunk in place. */
  x: Float32Array;
  /** Euler steps n (flow times k/n, k = 0..n−1). */
  numFlowSteps: number;
  /** Training-time prefix: positions `i < delay[r]` held at `y` with time 1 (before every step and after the last). */
  prefix?: { y: Float32Array; delay: Int32Array };
  /** ΠGDM guidance: previous chunk `y`, prefix weights `[R, H]` and the guidance weight of each step. */
  guidance?: {
    y: Float32Array;
    weights: Float32Array;
    guidanceWeights: Float64Array;
  };
}

/** A FlowPolicy network with its parameters, on one backend. */
export interface PolicyNet {
  /** The architecture. */
  readonly config: ModelConfig;
  /** Observation size O. */
  readonly obsDim: number;
  /** Action size A. */
  readonly actionDim: number;
  /** Parameter layout (flat-vector order). */
  readonly layout: ParamLayout;
  /** Where it runs. */
  readonly backend: "cpu" | "webgpu" | "native";
  /** A copy of the current flat parameters. */
  params(): Float32Array;
  /** Replaces the parameters (copied; length `layout.size`). */
  setParams(params: Float32Array): void;
  /** Velocity `v = f(obs, x_t, time)`, `[B,H,A]`. */
  forward(inputs: NetInputs): Promise<Float32Array>;
  /** Velocity and `gradXt = J_f(x_t)ᵀ·cotangent`, both `[B,H,A]`. */
  vjp(
    inputs: NetInputs,
    cotangent: Float32Array,
  ): Promise<{ v: Float32Array; gradXt: Float32Array }>;
  /**
   * Flow-matching loss (mean of `(f − u)²` over the entries not masked by the
   * simulated delay) and its gradient, flat in layout order.
   */
  lossAndGrad(batch: LossBatch): Promise<{ loss: number; grad: Float32Array }>;
  /**
   * Optional fast path: the whole Euler flow of a chunk in one call, with the
   * same float operations as the step-by-step loop of `sampleChunk` (which
   * uses it when present and no trace is asked for). Returns `args.x`.
   */
  flow?(args: NetFlowArgs): Promise<Float32Array>;
  /** Releases device buffers or native memory (no-op on the CPU). */
  destroy?(): void;
}

/** Options for {@linkcode createNet}. */
export interface CreateNetOptions {
  /** The architecture. */
  config: ModelConfig;
  /** Observation size O. */
  obsDim: number;
  /** Action size A. */
  actionDim: number;
  /** Initial flat parameters (copied), length `paramLayout(config, dims).size`. */
  params: Float32Array;
}

/**
 * Creates a network on the backend: the CPU reference for a `CpuContext`,
 * WebGPU kernels for a `GpuContext` (pipelines compile on first use; buffers
 * are allocated per batch size and reused), the C engine for a
 * `NativeContext`.
 *
 * @param backend From `getBackend()`.
 * @param options Config, sizes and parameters.
 * @returns The network.
 * @throws {TypeError} If params has the wrong length.
 *
 * @example
 * ```ts
 * import { createNet } from "./net.ts";
 * import { initParams, paramLayout } from "./params.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import { getBackend } from "../gpu/backend.ts";
 * import assert from "node:assert/strict";
 * const dims = { obsDim: 2, actionDim: 1 };
 * const params = initParams(paramLayout(SMALL_MODEL_CONFIG, dims), { seed: 0 });
 * const net = await createNet(await getBackend({ backend: "cpu" }), { config: SMALL_MODEL_CONFIG, ...dims, params });
 * const v = await net.forward({ batch: 1, obs: new Float32Array(2), xt: new Float32Array(4), time: new Float32Array(4) });
 * assert.equal(v.length, 4);
 * ```
 */
export function createNet(
  backend: Backend,
  options: CreateNetOptions,
): Promise<PolicyNet> {
  try {
    return Promise.resolve(create(backend, options));
  } catch (e) {
    return Promise.reject(e);
  }
}

function create(backend: Backend, options: CreateNetOptions): PolicyNet {
  const { config, obsDim, actionDim, params } = options;
  const layout = paramLayout(config, { obsDim, actionDim });
  if (params.length !== layout.size) {
    throw new TypeError(
      `Cannot create policy network as params must have length ${layout.size}: current length is ${params.length}`,
    );
  }
  if (backend.backend === "cpu") {
    return createCpuNet({ config, obsDim, actionDim, layout, params });
  }
  if (backend.backend === "native") {
    return createNativeNet(backend.engine, {
      config,
      obsDim,
      actionDim,
      layout,
      params,
    });
  }
  return createGpuNet(backend.device, {
    config,
    obsDim,
    actionDim,
    layout,
    params,
  });
}
