/**
 * Shared pieces of the policy WGSL generators: uniform structs, the per-shape
 * constant prelude (sizes and activation functions) and binding declarations.
 *
 * @module
 */

import { defineStruct } from "../gpu/struct.ts";
import type { NetShape } from "./forward_cpu.ts";

/** Uniforms of every matmul kernel (unused fields are 0). */
export const MM_UNIFORMS = defineStruct("MM", {
  rows: "u32",
  cols: "u32",
  red: "u32",
  split: "u32",
  aOff: "u32",
  wOff: "u32",
  oOff: "u32",
  flags: "u32",
  zA: "u32",
  zW: "u32",
  zO: "u32",
  aux: "u32",
  aux2: "u32",
  /** Row of the time-conditioning tensors for token n: `n & tmask` (all ones: one row per token; 0: one shared row). */
  tmask: "u32",
});

/** Uniforms of the per-sample and per-token kernels. */
export const ROW_UNIFORMS = defineStruct("RU", {
  batch: "u32",
  rows: "u32",
  flags: "u32",
  w0: "u32",
  w1: "u32",
  w2: "u32",
  w3: "u32",
  count: "u32",
  /** Row of the time-conditioning tensors for token n: `n & tmask` (see MM). */
  tmask: "u32",
});

export function prelude(s: NetShape): string {
  return /* wgsl */ `
const C: u32 = ${s.C}u;
const HC: u32 = ${s.Hc}u;
const HT: u32 = ${s.Ht}u;
const H: u32 = ${s.H}u;
const A: u32 = ${s.A}u;
const O: u32 = ${s.O}u;
const HALF: u32 = ${s.C / 2}u;
const C4: u32 = ${Math.floor(s.C / 4)}u;
const FC: f32 = ${s.C}.0;
const LN_EPS: f32 = 1e-6;
const GK0: f32 = 0.7978845608028654;
const GK1: f32 = 0.044715;
fn tanh_s(u: f32) -> f32 { return 1.0 - 2.0 / (exp(2.0 * u) + 1.0); }
fn gelu(x: f32) -> f32 {
  let u = GK0 * (x + GK1 * ((x * x) * x));
  return (0.5 * x) * (1.0 + tanh_s(u));
}
fn gelu_grad(x: f32) -> f32 {
  let x2 = x * x;
  let t = tanh_s(GK0 * (x + GK1 * (x2 * x)));
  let du = GK0 * (1.0 + (3.0 * GK1) * x2);
  return 0.5 * (1.0 + t) + ((0.5 * x) * (1.0 - t * t)) * du;
}
fn sigm(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
fn swish(x: f32) -> f32 { return x * sigm(x); }
fn swish_grad(x: f32) -> f32 { let s = sigm(x); return s * (1.0 + x * (1.0 - s)); }
`;
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Joins `f(i)` for i in [0, n) (loops over H and A are unrolled in TypeScript so private values stay in registers on llvmpipe). */
export const U = (n: number, f: (i: number) => string, sep = "\n  ") =>
  range(n).map(f).join(sep);

/** Sequential sum `Σ_h a(h)` written out (same order as the CPU reference). */
export const SUM = (n: number, f: (i: number) => string) => U(n, f, " + ");

export const XYZW = "xyzw";

export const VEC4_FNS = /* wgsl */ `
fn swish4(x: vec4<f32>) -> vec4<f32> { return vec4<f32>(swish(x.x), swish(x.y), swish(x.z), swish(x.w)); }
fn gelu4(x: vec4<f32>) -> vec4<f32> { return vec4<f32>(gelu(x.x), gelu(x.y), gelu(x.z), gelu(x.w)); }
fn gelu_tanh4(x: vec4<f32>) -> vec4<f32> {
  let u = GK0 * (x + GK1 * ((x * x) * x));
  return 1.0 - 2.0 / (exp(2.0 * u) + 1.0);
}
// gelu and gelu' from t = gelu_tanh4(x) (one exp for both)
fn gelu_t4(x: vec4<f32>, t: vec4<f32>) -> vec4<f32> { return (0.5 * x) * (1.0 + t); }
fn gelu_grad_t4(x: vec4<f32>, t: vec4<f32>) -> vec4<f32> {
  let du = GK0 * (1.0 + (3.0 * GK1) * (x * x));
  return 0.5 * (1.0 + t) + ((0.5 * x) * (1.0 - t * t)) * du;
}
fn gelu_grad4(x: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(gelu_grad(x.x), gelu_grad(x.y), gelu_grad(x.z), gelu_grad(x.w));
}
fn swish_grad4(x: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(swish_grad(x.x), swish_grad(x.y), swish_grad(x.z), swish_grad(x.w));
}
`;

export function bind4(i: number, name: string, rw = false): string {
  return `@group(0) @binding(${i}) var<storage, ${
    rw ? "read_write" : "read"
  }> ${name}: array<vec4<f32>>;`;
}

export const P_BIND =
  "@group(0) @binding(1) var<storage, read> params: array<f32>;";

export function bind(i: number, name: string, rw = false): string {
  return `@group(0) @binding(${i}) var<storage, ${
    rw ? "read_write" : "read"
  }> ${name}: array<f32>;`;
}

export const RU_HEAD = `${ROW_UNIFORMS.wgsl}
@group(0) @binding(0) var<uniform> u: RU;`;

/**
 * Row statistics over vec4s: mean and 1/std of `buf[base .. base+C4)` (C4 =
 * C/4 vec4s; 4 partial sums, combined at the end).
 */
export const STATS4 = (buf: string) => /* wgsl */ `
fn stats4_${buf}(base: u32) -> vec2<f32> {
  var s = vec4<f32>(0.0);
  for (var k = 0u; k < C4; k = k + 1u) { s = s + ${buf}[base + k]; }
  let mu = ((s.x + s.y) + (s.z + s.w)) / FC;
  var v = vec4<f32>(0.0);
  for (var k = 0u; k < C4; k = k + 1u) { let d = ${buf}[base + k] - mu; v = v + d * d; }
  return vec2<f32>(mu, 1.0 / sqrt(((v.x + v.y) + (v.z + v.w)) / FC + LN_EPS));
}`;
