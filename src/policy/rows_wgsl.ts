/**
 * Per-token and elementwise kernels of the policy network: sincos embedding,
 * LayerNorm with adaLN modulation and its VJP, the output head and its VJP,
 * swish backward, gradient-partial reduction and the distinct-time gather.
 *
 * @module
 */

import type { NetShape } from "./forward_cpu.ts";
import {
  bind,
  bind4,
  P_BIND,
  prelude,
  ROW_UNIFORMS,
  RU_HEAD,
  STATS4,
  U,
} from "./_wgsl_util.ts";

export function embed(s: NetShape): string {
  // Cody-Waite reduction by 2π (6.28125 has 8 significant bits, so k·P1 is
  // exact for |k| < 2^16) keeps sin/cos accurate for arguments up to ~1600.
  return /* wgsl */ `${prelude(s)}
${RU_HEAD}
${bind(1, "freq")}
${bind(2, "time")}
${bind(3, "emb", true)}
const INV_2PI: f32 = 0.15915494309189535;
const P1: f32 = 6.28125;
const P2: f32 = ${Math.fround(2 * Math.PI - 6.28125)};
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= u.rows * HALF) { return; }
  let n = i / HALF;
  let j = i % HALF;
  let arg = time[n] * freq[j];
  let k = round(arg * INV_2PI);
  let r = (arg - k * P1) - k * P2;
  emb[n * C + j] = sin(r);
  emb[n * C + HALF + j] = cos(r);
}
`;
}

export function lnMod(s: NetShape): string {
  // one invocation per token: y = LN(x)·(1 + scale) + shift with scale/shift
  // at ada[w0 + n·3C + (0 | C) + c]; flags & 1: (mean, 1/std) stored at
  // stats[w1 + 2n] for ln_bwd. vec4 loads and stores (C is a multiple of 4).
  return /* wgsl */ `${prelude(s)}
${RU_HEAD}
${bind4(1, "x4")}
${bind4(2, "ada4")}
${bind4(3, "y4", true)}
${bind(4, "stats", true)}
${STATS4("x4")}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= u.rows) { return; }
  let st = stats4_x4(n * C4);
  if ((u.flags & 1u) != 0u) {
    stats[u.w1 + 2u * n] = st.x;
    stats[u.w1 + 2u * n + 1u] = st.y;
  }
  let a = (u.w0 + (n & u.tmask) * 3u * C) / 4u;
  for (var c = 0u; c < C4; c = c + 1u) {
    y4[n * C4 + c] = ((x4[n * C4 + c] - st.x) * st.y) * (1.0 + ada4[a + c]) + ada4[a + C4 + c];
  }
}
`;
}

export function lnBwd(s: NetShape): string {
  // one invocation per token: gx += LNᵀ(gy·(1 + scale)) for y = LN(x)(1+scale)+shift,
  // scale at ada[w0 + n·3C + c]. flags & 1: gada[w0 + ...] gets (gy·xhat, gy);
  // flags & 2: gada gate column gets gx_old · ada[w2 + n·C + c] (the branch output).
  // The LN statistics of x come from ln_mod's tape at stats[w1 + 2n]. vec4
  // loads and stores (C is a multiple of 4).
  return /* wgsl */ `${prelude(s)}
${RU_HEAD}
${bind4(1, "x4")}
${bind4(2, "ada4")}
${bind4(3, "gy4")}
${bind4(4, "gx4", true)}
${bind4(5, "gada4", true)}
${bind(6, "stats")}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= u.rows) { return; }
  let st = vec2<f32>(stats[u.w1 + 2u * n], stats[u.w1 + 2u * n + 1u]);
  let a = (u.w0 + (n & u.tmask) * 3u * C) / 4u;
  let ga = (u.w0 + n * 3u * C) / 4u;
  let q = u.w2 / 4u + n * C4;
  let r = n * C4;
  let full = (u.flags & 1u) != 0u;
  let gate = (u.flags & 2u) != 0u;
  var s1 = vec4<f32>(0.0);
  var s2 = vec4<f32>(0.0);
  for (var c = 0u; c < C4; c = c + 1u) {
    let g = gy4[r + c];
    let xh = (x4[r + c] - st.x) * st.y;
    let t = g * (1.0 + ada4[a + c]);
    s1 = s1 + t;
    s2 = s2 + t * xh;
    if (full) {
      gada4[ga + c] = g * xh;
      gada4[ga + C4 + c] = g;
    }
    if (gate) { gada4[ga + 2u * C4 + c] = gx4[r + c] * ada4[q + c]; }
  }
  let m1 = ((s1.x + s1.y) + (s1.z + s1.w)) / FC;
  let m2 = ((s2.x + s2.y) + (s2.z + s2.w)) / FC;
  for (var c = 0u; c < C4; c = c + 1u) {
    let xh = (x4[r + c] - st.x) * st.y;
    let t = gy4[r + c] * (1.0 + ada4[a + c]);
    gx4[r + c] = gx4[r + c] + st.y * ((t - m1) - xh * m2);
  }
}
`;
}

export function head(s: NetShape): string {
  // one invocation per token; flags & 1: store the modulated stream yf.
  // vec4 loads and stores of the stream (C is a multiple of 4)
  const { A } = s;
  return /* wgsl */ `${prelude(s)}
${RU_HEAD}
${P_BIND}
${bind4(2, "x4")}
${bind4(3, "adaf4")}
${bind4(4, "yf4", true)}
${bind(5, "v", true)}
${STATS4("x4")}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = min(gid.x, u.rows - 1u);
  let st = stats4_x4(n * C4);
  ${U(A, (a) => `var acc${a} = vec4<f32>(0.0);`, " ")}
  let store = (u.flags & 1u) != 0u && gid.x < u.rows;
  let af = (n & u.tmask) * 2u * C4;
  for (var c = 0u; c < C4; c = c + 1u) {
    let xh = (x4[n * C4 + c] - st.x) * st.y;
    let y = xh * (1.0 + adaf4[af + c]) + adaf4[af + C4 + c];
    if (store) { yf4[n * C4 + c] = y; }
    let w = u.w0 + 4u * c * A;
    ${
    U(A, (a) =>
      `acc${a} = acc${a} + y * vec4<f32>(${
        U(4, (t) =>
          `params[w + ${t * s.A + a}u]`, ", ")
      });`, "\n    ")
  }
  }
  if (gid.x >= u.rows) { return; }
  ${
    U(A, (a) =>
      `v[n * A + ${a}u] = ((acc${a}.x + acc${a}.y) + (acc${a}.z + acc${a}.w)) + params[u.w1 + ${a}u];`)
  }
}
`;
}

export function headBwd(s: NetShape): string {
  // flags & 1: loss mode (gv = 2·w·(v − u), per-token loss at gv[count + n]);
  // flags & 2: write gadaf. lossin = [target (N·A), weight (N)], count = N·A.
  // vec4 loads and stores of the stream (C is a multiple of 4)
  const { A } = s;
  return /* wgsl */ `${prelude(s)}
${RU_HEAD}
${P_BIND}
${bind4(2, "x4")}
${bind4(3, "adaf4")}
${bind(4, "v")}
${bind(5, "lossin")}
${bind(6, "gv", true)}
${bind4(7, "gx4", true)}
${bind4(8, "gadaf4", true)}
${STATS4("x4")}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = gid.x;
  if (n >= u.rows) { return; }
  ${U(A, (a) => `var g${a} = gv[n * A + ${a}u];`, " ")}
  if ((u.flags & 1u) != 0u) {
    let w = lossin[u.count + n];
    ${
    U(A, (a) =>
      `let d${a} = v[n * A + ${a}u] - lossin[n * A + ${a}u];
    g${a} = (2.0 * w) * d${a};
    gv[n * A + ${a}u] = g${a};`, "\n    ")
  }
    gv[u.count + n] = ${U(A, (a) => `w * (d${a} * d${a})`, " + ")};
  }
  let st = stats4_x4(n * C4);
  let full = (u.flags & 2u) != 0u;
  let af = (n & u.tmask) * 2u * C4;
  let r = n * C4;
  var s1 = vec4<f32>(0.0);
  var s2 = vec4<f32>(0.0);
  for (var c = 0u; c < C4; c = c + 1u) {
    let w = u.w0 + 4u * c * A;
    let gy = vec4<f32>(${
    U(4, (t) => U(A, (a) => `g${a} * params[w + ${t * s.A + a}u]`, " + "), ", ")
  });
    let xh = (x4[r + c] - st.x) * st.y;
    let t = gy * (1.0 + adaf4[af + c]);
    s1 = s1 + t;
    s2 = s2 + t * xh;
    if (full) {
      gadaf4[n * 2u * C4 + c] = gy * xh;
      gadaf4[n * 2u * C4 + C4 + c] = gy;
    }
    gx4[r + c] = t;
  }
  let m1 = ((s1.x + s1.y) + (s1.z + s1.w)) / FC;
  let m2 = ((s2.x + s2.y) + (s2.z + s2.w)) / FC;
  for (var c = 0u; c < C4; c = c + 1u) {
    let xh = (x4[r + c] - st.x) * st.y;
    gx4[r + c] = st.y * ((gx4[r + c] - m1) - xh * m2);
  }
}
`;
}

export function scaleRows(s: NetShape): string {
  // out[k·HC + j] = ada[w1 + k] · params[w0 + k·HC + j] for k < C, j < HC: the
  // rows of a [C, HC] kernel scaled by one shared gate row
  return /* wgsl */ `${prelude(s)}
${RU_HEAD}
${P_BIND}
${bind(2, "ada")}
${bind(3, "out", true)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= C * HC) { return; }
  out[i] = ada[u.w1 + i / HC] * params[u.w0 + i];
}
`;
}

export function swishBwd(s: NetShape): string {
  // g *= swish'(h) elementwise, grid-stride over N·C
  return /* wgsl */ `${prelude(s)}
${RU_HEAD}
${bind(1, "h")}
${bind(2, "g", true)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  for (var i = gid.x; i < u.rows * C; i = i + nw.x * 64u) {
    g[i] = g[i] * swish_grad(h[i]);
  }
}
`;
}

export function reduce(): string {
  // table: [gradOff, size, partOff, stride] per group (workgroup y); u.count = slices
  return /* wgsl */ `${ROW_UNIFORMS.wgsl}
@group(0) @binding(0) var<uniform> u: RU;
@group(0) @binding(1) var<storage, read> table: array<u32>;
@group(0) @binding(2) var<storage, read> part: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.y;
  let i = gid.x;
  let size = table[4u * e + 1u];
  if (i >= size) { return; }
  let p = table[4u * e + 2u];
  let stride = table[4u * e + 3u];
  var s = 0.0;
  for (var k = 0u; k < u.count; k = k + 1u) { s = s + part[p + k * stride + i]; }
  grad[table[4u * e] + i] = s;
}
`;
}

export function expand(): string {
  // dst[y·w3 + n·W + i] = src[y·w2 + idx[n]·W + i] for plane y (workgroup y),
  // n < rows, i < W = count; vec4 copies, grid-stride over x
  return /* wgsl */ `${ROW_UNIFORMS.wgsl}
@group(0) @binding(0) var<uniform> u: RU;
@group(0) @binding(1) var<storage, read> idx: array<u32>;
@group(0) @binding(2) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let w4 = u.count / 4u;
  let total = u.rows * w4;
  let so = gid.y * (u.w2 / 4u);
  let d0 = gid.y * (u.w3 / 4u);
  for (var k = gid.x; k < total; k = k + nw.x * 64u) {
    let n = k / w4;
    let i = k % w4;
    dst[d0 + k] = src[so + idx[n] * w4 + i];
  }
}
`;
}
