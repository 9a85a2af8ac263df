/**
 * WGSL twin of {@linkcode adamwStep} (`adamw.ts`) and its host-side
 * dispatch: one invocation per parameter applies the clipped AdamW update in
 * place to storage buffers holding the parameters and both moments. The
 * gradient norm, clip factor, bias corrections and learning rate are
 * computed on the host (float64) and passed in the uniform.
 *
 * @module
 */

import { defineStruct, type StructLayout } from "../gpu/struct.ts";
import {
  createStorage,
  createUniform,
  dispatch,
  getPipeline,
  writeBuffer,
} from "../gpu/kernel.ts";
import type { AdamWOptions, AdamWState, AdamWStepInfo } from "./adamw.ts";
import { learningRateAt } from "./adamw.ts";

/** Uniform of the AdamW kernel. */
export const ADAMW_UNIFORMS: StructLayout<
  | "n"
  | "row"
  | "lr"
  | "beta1"
  | "beta2"
  | "eps"
  | "weight_decay"
  | "bc1"
  | "bc2"
  | "clip_scale"
> = defineStruct("AdamWUniforms", {
  n: "u32",
  row: "u32",
  lr: "f32",
  beta1: "f32",
  beta2: "f32",
  eps: "f32",
  weight_decay: "f32",
  bc1: "f32",
  bc2: "f32",
  clip_scale: "f32",
});

/** Workgroup size of {@linkcode ADAMW_WGSL}. */
export const ADAMW_WORKGROUP = 256;

/**
 * The AdamW kernel: bindings 0 params (rw), 1 grad (read), 2 m (rw), 3 v
 * (rw), 4 uniform {@linkcode ADAMW_UNIFORMS}; element `i = x + y·row`.
 *
 * @example
 * ```ts
 * import { ADAMW_WGSL } from "./adamw_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(ADAMW_WGSL, /fn main/);
 * ```
 */
export const ADAMW_WGSL: string = /* wgsl */ `
${ADAMW_UNIFORMS.wgsl}
@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<uniform> u: AdamWUniforms;

@compute @workgroup_size(${ADAMW_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * u.row;
  if (i >= u.n) { return; }
  let g = grad[i] * u.clip_scale;
  let mi = u.beta1 * m[i] + (1.0 - u.beta1) * g;
  let vi = u.beta2 * v[i] + (1.0 - u.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let upd = (mi / u.bc1) / (sqrt(vi / u.bc2) + u.eps) + u.weight_decay * params[i];
  params[i] = params[i] - u.lr * upd;
}
`;

/** Device buffers of one GPU AdamW optimizer (each `n` floats, storage usage). */
export interface AdamWBuffers {
  /** Parameters, updated in place. */
  readonly params: GPUBuffer;
  /** Gradient. */
  readonly grad: GPUBuffer;
  /** First moment, updated in place. */
  readonly m: GPUBuffer;
  /** Second moment, updated in place. */
  readonly v: GPUBuffer;
  /** Uniform buffer of {@linkcode ADAMW_UNIFORMS} size, rewritten every step. */
  readonly uniform: GPUBuffer;
}

/**
 * Creates the device buffers of a GPU AdamW optimizer: parameters uploaded,
 * moments zero, gradient and uniform empty.
 *
 * @param device The device.
 * @param params Initial parameters.
 * @returns The buffers (destroy them when done).
 *
 * @example
 * ```ts ignore
 * const buffers = createAdamWBuffers(device, net.params());
 * ```
 */
export function createAdamWBuffers(
  device: GPUDevice,
  params: Float32Array,
): AdamWBuffers {
  const bytes = 4 * params.length;
  return {
    params: createStorage(device, { data: params, label: "adamw params" }),
    grad: createStorage(device, { size: bytes, label: "adamw grad" }),
    m: createStorage(device, { size: bytes, label: "adamw m" }),
    v: createStorage(device, { size: bytes, label: "adamw v" }),
    uniform: createUniform(device, new Uint8Array(ADAMW_UNIFORMS.size)),
  };
}

/**
 * Records one AdamW update on the device (same formula as `adamwStep`).
 * The caller supplies the gradient's global norm (e.g. from the host copy of
 * the gradient); `state.step` is advanced, the moments live in `buffers`.
 *
 * @param device The device.
 * @param options Buffers, parameter count, step counter, options and gradient norm.
 * @returns The learning rate, gradient norm and clip factor used.
 *
 * @example
 * ```ts ignore
 * adamwStepGpu(device, { buffers, n, state: { step }, options, gradNorm });
 * ```
 */
export function adamwStepGpu(
  device: GPUDevice,
  options: {
    buffers: AdamWBuffers;
    n: number;
    state: Pick<AdamWState, "step">;
    options: AdamWOptions;
    gradNorm: number;
  },
): AdamWStepInfo {
  const { buffers, n, state, gradNorm } = options;
  const o = options.options;
  const clipScale = gradNorm >= o.clipNorm ? o.clipNorm / gradNorm : 1;
  const lr = learningRateAt(state.step, o);
  const c = state.step + 1;
  const groups = Math.ceil(n / ADAMW_WORKGROUP);
  const x = Math.min(groups, 65535);
  const y = Math.ceil(groups / x);
  writeBuffer(
    device,
    buffers.uniform,
    ADAMW_UNIFORMS.pack({
      n,
      row: x * ADAMW_WORKGROUP,
      lr,
      beta1: o.beta1,
      beta2: o.beta2,
      eps: o.eps,
      weight_decay: o.weightDecay,
      bc1: 1 - Math.pow(o.beta1, c),
      bc2: 1 - Math.pow(o.beta2, c),
      clip_scale: clipScale,
    }),
  );
  const pipeline = getPipeline(device, { code: ADAMW_WGSL, label: "adamw" });
  dispatch(device, [{
    pipeline,
    buffers: [
      buffers.params,
      buffers.grad,
      buffers.m,
      buffers.v,
      buffers.uniform,
    ],
    workgroups: [x, y],
  }]);
  state.step = c;
  return { learningRate: lr, gradNorm, clipScale };
}
