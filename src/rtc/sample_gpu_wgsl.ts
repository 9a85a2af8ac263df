/**
 * WGSL kernels of GPU-resident chunk sampling (`sample_gpu.ts`): initial
 * noise and prefix weights, the per-step network input, the ΠGDM error and
 * the Euler update, chained between the WebGPU network's dispatches.
 *
 * Buffers (B environments, H positions, A action dims, N = B·H tokens):
 * `envs` `[B]` of `vec4<u32>` (counter, stream, delay d, execution horizon s);
 * `x`, `y` (previous chunk), `v`, `gv` (cotangent), `gradXt` `[N·A]`;
 * `w` (prefix weights) `[N]`; `idx` (distinct-time row per token) `[N]` u32;
 * `obs` `[B·O]`; `xin` `[N·K0]` (the network's `concat(x_t, obs)` rows).
 *
 * @module
 */

import { defineStruct } from "../gpu/struct.ts";
import { RNG_WGSL } from "../rng/rng_wgsl.ts";
import { NOISE_TAG } from "../rng/noise.ts";

/**
 * Uniforms of every sampling kernel (one buffer per flow step). `flags`:
 * bit 0 guided (realtime/hard masking), bit 1 training-time prefix, bit 2
 * last step. `schedule`: 0 exp, 1 linear, 2 ones, 3 zeros.
 *
 * @example
 * ```ts
 * import { SAMPLE_UNIFORMS } from "./sample_gpu_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(SAMPLE_UNIFORMS.wgsl, /struct SU/);
 * ```
 */
export const SAMPLE_UNIFORMS = defineStruct("SU", {
  count: "u32",
  rows: "u32",
  flags: "u32",
  seed: "u32",
  schedule: "u32",
  t: "f32",
  omt: "f32",
  dt: "f32",
  gw: "f32",
});

/** Sampling flag bits (`SU.flags`). */
export const SAMPLE_FLAGS = { guided: 1, prefix: 2, last: 4 } as const;

/** The WGSL sources of the sampling kernels (entry point `main` each). */
export interface SampleKernels {
  /** Noise `x`, prefix weights `w` and time rows `idx`; one invocation per element of `x`. */
  readonly init: string;
  /** Network input `xin` (x or the frozen prefix, then obs) and the step's times; one invocation per `xin` float. */
  readonly prep: string;
  /** ΠGDM error `gv = (y − (x + v·(1−t)))·w`; one invocation per element. */
  readonly guide: string;
  /** Euler update of `x` (guided, plain or prefix-conditioned); one invocation per element. */
  readonly update: string;
}

/**
 * Builds the sampling kernels for one network shape.
 *
 * @param dims Chunk length H, action size A, observation size O and the
 *   network's `xin` row width K0 (A + O rounded up to a multiple of 4).
 * @returns The WGSL sources.
 *
 * @example
 * ```ts
 * import { sampleKernels } from "./sample_gpu_wgsl.ts";
 * import assert from "node:assert/strict";
 * const k = sampleKernels({ H: 4, A: 2, O: 3, K0: 8 });
 * assert.match(k.init, /rng_normal/);
 * ```
 */
export function sampleKernels(
  dims: { H: number; A: number; O: number; K0: number },
): SampleKernels {
  const { H, A, O, K0 } = dims;
  const head = /* wgsl */ `
${SAMPLE_UNIFORMS.wgsl}
@group(0) @binding(0) var<uniform> u: SU;
const H: u32 = ${H}u;
const A: u32 = ${A}u;
const O: u32 = ${O}u;
const K0: u32 = ${K0}u;
const HA: u32 = ${H * A}u;
fn gindex(gid: vec3<u32>, nw: vec3<u32>) -> u32 { return gid.x + gid.y * nw.x * 64u; }
`;
  const main = (body: string) => /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gindex(gid, nw);
${body}
}`;
  const init = /* wgsl */ `${head}
${RNG_WGSL}
@group(0) @binding(1) var<storage, read> envs: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;
@group(0) @binding(4) var<storage, read_write> idx: array<u32>;
const NOISE_TAG: u32 = ${NOISE_TAG}u;
fn prefix_weight(h: u32, d: u32, s: u32) -> f32 {
  let end = i32(H) - i32(s);
  let start = min(i32(d), end);
  let hi = i32(h);
  if (hi >= end) { return 0.0; }
  if (u.schedule == 2u) { return 1.0; }
  if (u.schedule == 3u) { return select(0.0, 1.0, hi < start); }
  var v = clamp(f32(start - 1 - hi) / f32(end - start + 1) + 1.0, 0.0, 1.0);
  if (u.schedule == 0u) { v = v * (exp(v) - 1.0) / 1.718281828459045; }
  return v;
}
${
    main(/* wgsl */ `
  if (i < u.count) {
    let b = i / HA;
    let k = i % HA;
    let m = envs[b];
    let seed = pcg4d(vec4<u32>(u.seed, m.x, NOISE_TAG, 0u)).x;
    x[i] = rng_normal(seed, m.y, k >> 1u, k & 1u);
  }
  if (i < u.rows) {
    let m = envs[i / H];
    let h = i % H;
    w[i] = prefix_weight(h, m.z, m.w);
    idx[i] = select(0u, 1u, (u.flags & 2u) != 0u && h < m.z);
  }`)
  }`;
  const prep = /* wgsl */ `${head}
@group(0) @binding(1) var<storage, read> envs: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read> obs: array<f32>;
@group(0) @binding(5) var<storage, read_write> xin: array<f32>;
@group(0) @binding(6) var<storage, read_write> time: array<f32>;
${
    main(/* wgsl */ `
  if (i == 0u) {
    time[0] = u.t;
    if ((u.flags & 2u) != 0u) { time[1] = 1.0; }
  }
  if (i >= u.rows * K0) { return; }
  let n = i / K0;
  let j = i % K0;
  let b = n / H;
  var val = 0.0;
  if (j < A) {
    let frozen = (u.flags & 2u) != 0u && (n % H) < envs[b].z;
    val = select(x[n * A + j], y[n * A + j], frozen);
  } else if (j < A + O) {
    val = obs[b * O + j - A];
  }
  xin[i] = val;`)
  }`;
  const guide = /* wgsl */ `${head}
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;
@group(0) @binding(4) var<storage, read> v: array<f32>;
@group(0) @binding(5) var<storage, read_write> gv: array<f32>;
${
    main(/* wgsl */ `
  if (i >= u.count) { return; }
  let denoised = x[i] + v[i] * u.omt;
  gv[i] = (y[i] - denoised) * w[i / A];`)
  }`;
  const update = /* wgsl */ `${head}
@group(0) @binding(1) var<storage, read> envs: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read> gv: array<f32>;
@group(0) @binding(5) var<storage, read> gx: array<f32>;
@group(0) @binding(6) var<storage, read_write> x: array<f32>;
${
    main(/* wgsl */ `
  if (i >= u.count) { return; }
  if ((u.flags & 1u) != 0u) {
    let g = gv[i] + u.omt * gx[i];
    x[i] = x[i] + u.dt * (v[i] + u.gw * g);
    return;
  }
  var base = x[i];
  if ((u.flags & 2u) != 0u && (i % HA) / A < envs[i / HA].z) {
    base = y[i];
    if ((u.flags & 4u) != 0u) { x[i] = base; return; }
  }
  x[i] = base + u.dt * v[i];`)
  }`;
  return { init, prep, guide, update };
}
