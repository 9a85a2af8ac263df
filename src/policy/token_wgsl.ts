/**
 * Token-mixing kernels (one invocation per sample and channel): the token
 * MLP with its gated residual, and its VJP.
 *
 * @module
 */

import type { NetShape } from "./forward_cpu.ts";
import {
  bind,
  bind4,
  P_BIND,
  prelude,
  RU_HEAD,
  SUM,
  U,
  VEC4_FNS,
  XYZW,
} from "./_wgsl_util.ts";

function tokMixScalar(s: NetShape): string {
  // one invocation per (sample b, channel c): xmid = x + gate1 · Wtoutᵀ gelu(Wtinᵀ z)
  const { H } = s;
  return /* wgsl */ `${prelude(s)}
${RU_HEAD}
${P_BIND}
${bind(2, "x")}
${bind(3, "z")}
${bind(4, "ada")}
${bind(5, "xmid", true)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * 65535u * 64u;
  if (i >= u.batch * C) { return; }
  let b = i / C;
  let c = i % C;
  let base = b * H * C + c;
  ${U(H, (h) => `let z${h} = z[base + ${h}u * C];\n  var q${h} = 0.0;`)}
  for (var j = 0u; j < HT; j = j + 1u) {
    let p = ${U(H, (h) => `z${h} * params[u.w0 + ${h}u * HT + j]`, " + ")};
    let g = gelu(p);
    let wo = u.w1 + j * H;
    ${U(H, (h) => `q${h} = q${h} + g * params[wo + ${h}u];`, "\n    ")}
  }
  ${
    U(H, (h) =>
      `xmid[base + ${h}u * C] = x[base + ${h}u * C] + ada[((b * H + ${h}u) & u.tmask) * 3u * C + 2u * C + c] * q${h};`)
  }
}
`;
}

export function tokMix(s: NetShape): string {
  return tokVec(s) ? tokMixVec(s) : tokMixScalar(s);
}

/** Whether the vec4 token kernels apply (H and Ht multiples of 4). */
function tokVec(s: NetShape): boolean {
  return s.H % 4 === 0 && s.Ht % 4 === 0;
}

/**
 * Channels each invocation of `tok_mix` and `tok_vjp` handles for a shape
 * (`tok_bwd` handles one).
 *
 * @param s The network sizes.
 * @returns TOK_CHANNELS for the vec4 kernels, else 1.
 *
 * @example
 * ```ts
 * import { tokChannels } from "./token_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tokChannels({ H: 3, A: 2, O: 5, C: 8, Hc: 12, Ht: 5, L: 1 }), 1);
 * ```
 */
export function tokChannels(s: NetShape): number {
  return tokVec(s) ? TOK_CHANNELS : 1;
}

export function tokBwd(s: NetShape): string {
  return tokVec(s) ? tokBwdVec(s) : tokBwdScalar(s);
}

/**
 * Channels per invocation of the vec4 token kernels `tok_mix` and `tok_vjp`:
 * the weights are loaded once per step for all of them (on llvmpipe loads,
 * not FMAs, bound these kernels). C is a multiple of 4 on the GPU.
 */
export const TOK_CHANNELS = 4; // one vec4 of channels (the kernels assume 4)

/**
 * Header of the vec4 token kernels up to the invocation's indices: params
 * as vec4 at binding 1, four vec4 arrays at bindings 2-5 (the last
 * read-write), and `i`, `b` (batch row), `c0` (first of TOK_CHANNELS
 * channels), `base4` (vec4 index of token 0, channel c0).
 */
function tokVecHead(
  s: NetShape,
  names: readonly [string, string, string, string],
): string {
  const P = TOK_CHANNELS;
  return /* wgsl */ `${prelude(s)}
${VEC4_FNS}
${RU_HEAD}
@group(0) @binding(1) var<storage, read> params4: array<vec4<f32>>;
${bind4(2, names[0])}
${bind4(3, names[1])}
${bind4(4, names[2])}
${bind4(5, names[3], true)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * 65535u * 64u;
  if (i >= u.batch * (C / ${P}u)) { return; }
  let b = i / (C / ${P}u);
  let c0 = (i % (C / ${P}u)) * ${P}u;
  let base4 = (b * H * C + c0) / 4u;`;
}

/** Loads of one step j4 of the token-MLP weights: w<h> (mix-in column block) and r<t>_<g> (mix-out rows). */
function tokVecWeightLoads(H: number): string {
  const G = H / 4;
  return `${
    U(H, (h) => `let w${h} = params4[wi + ${h}u * (HT / 4u) + j4];`, "\n    ")
  }
    ${
    U(4, (t) =>
      U(
        G,
        (g) =>
          `let r${t}_${g} = params4[wo + (j4 * 4u + ${t}u) * ${G}u + ${g}u];`,
        " ",
      ), "\n    ")
  }`;
}

function tokMixVec(s: NetShape): string {
  // as tokMixScalar, 4 hidden units per step with vec4 weight loads (H, Ht
  // multiples of 4), TOK_CHANNELS channels per invocation
  const { H } = s;
  const G = H / 4;
  const P = TOK_CHANNELS;
  return /* wgsl */ `${tokVecHead(s, ["x4", "z4", "ada4", "xmid4"])}
  ${U(H, (h) => `let zv${h} = z4[base4 + ${h}u * C4];`)}
  ${
    U(P, (p) =>
      `${U(H, (h) => `let z${p}_${h} = zv${h}.${XYZW[p]};`, " ")}
  ${U(G, (g) => `var q${p}_${g} = vec4<f32>(0.0);`, " ")}`)
  }
  let wi = u.w0 / 4u;
  let wo = u.w1 / 4u;
  for (var j4 = 0u; j4 < HT / 4u; j4 = j4 + 1u) {
    ${tokVecWeightLoads(H)}
    ${
    U(P, (p) =>
      `{
      let g = gelu4(${SUM(H, (h) => `z${p}_${h} * w${h}`)});
      ${
        U(G, (g) =>
          `q${p}_${g} = q${p}_${g} + ${
            SUM(4, (t) => `g.${XYZW[t]} * r${t}_${g}`)
          };`, "\n      ")
      }
    }`, "\n    ")
  }
  }
  ${
    U(H, (h) =>
      `xmid4[base4 + ${h}u * C4] = x4[base4 + ${h}u * C4] + ada4[(((b * H + ${h}u) & u.tmask) * 3u * C + 2u * C + c0) / 4u] * vec4<f32>(${
        U(P, (p) =>
          `q${p}_${h >> 2}.${XYZW[h & 3]}`, ", ")
      });`)
  }

}
`;
}

function tokBwdVec(s: NetShape): string {
  // as tokBwdScalar with vec4 weight loads and vec4 scratch stores (H, Ht multiples of 4)
  const { H } = s;
  const G = H / 4;
  return /* wgsl */ `${prelude(s)}
${VEC4_FNS}
${RU_HEAD}
@group(0) @binding(1) var<storage, read> params4: array<vec4<f32>>;
${bind(2, "z")}
${bind(3, "ada")}
${bind(4, "gx")}
${bind(5, "gz", true)}
${bind(6, "gada", true)}
${bind4(7, "tok4", true)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * 65535u * 64u;
  if (i >= u.batch * C) { return; }
  let b = i / C;
  let c = i % C;
  let base = b * H * C + c;
  let full = (u.flags & 1u) != 0u;
  ${
    U(H, (h) =>
      `let z${h} = z[base + ${h}u * C];
  let gm${h} = gx[base + ${h}u * C];
  let gq${h} = gm${h} * ada[((b * H + ${h}u) & u.tmask) * 3u * C + 2u * C + c];
  var gz${h} = 0.0;`)
  }
  ${U(G, (g) => `var q${g} = vec4<f32>(0.0);`)}
  let wi = u.w0 / 4u;
  let wo = u.w1 / 4u;
  let tb = b * C + c;
  let bch4 = u.batch * C * H / 4u;
  let bct4 = u.batch * C * HT / 4u;
  for (var j4 = 0u; j4 < HT / 4u; j4 = j4 + 1u) {
    ${
    U(H, (h) => `let w${h} = params4[wi + ${h}u * (HT / 4u) + j4];`, "\n    ")
  }
    let p = ${SUM(H, (h) => `z${h} * w${h}`)};
    ${
    U(4, (t) =>
      U(
        G,
        (g) =>
          `let r${t}_${g} = params4[wo + (j4 * 4u + ${t}u) * ${G}u + ${g}u];`,
        " ",
      ), "\n    ")
  }
    let gg = vec4<f32>(${
    U(4, (t) => SUM(H, (h) => `gq${h} * r${t}_${h >> 2}.${XYZW[h & 3]}`), ", ")
  });
    let g = gelu4(p);
    let gp = gg * gelu_grad4(p);
    ${
    U(G, (g) =>
      `q${g} = q${g} + ${
        SUM(4, (t) => `g.${XYZW[t]} * r${t}_${g}`)
      };`, "\n    ")
  }
    ${
    U(H, (h) =>
      `gz${h} = gz${h} + ${
        SUM(4, (t) => `gp.${XYZW[t]} * w${h}.${XYZW[t]}`)
      };`, "\n    ")
  }
    if (full) {
      tok4[2u * bch4 + tb * (HT / 4u) + j4] = g;
      tok4[2u * bch4 + bct4 + tb * (HT / 4u) + j4] = gp;
    }
  }
  ${U(H, (h) => `gz[base + ${h}u * C] = gz${h};`)}
  if (full) {
    ${
    U(G, (g) =>
      `tok4[tb * ${G}u + ${g}u] = vec4<f32>(${
        U(4, (t) =>
          `z${4 * g + t}`, ", ")
      });
    tok4[bch4 + tb * ${G}u + ${g}u] = vec4<f32>(${
        U(4, (t) =>
          `gq${4 * g + t}`, ", ")
      });`, "\n    ")
  }
    ${
    U(H, (h) =>
      `gada[(b * H + ${h}u) * 3u * C + 2u * C + c] = gm${h} * q${h >> 2}.${
        XYZW[h & 3]
      };`, "\n    ")
  }
  }
}
`;
}

function tokBwdScalar(s: NetShape): string {
  // one invocation per (b, c): from gmid (gx) through xmid = x + gate1·q:
  // gz (grad of the modulated LN1 output) into gz; flags & 1: gate1 grad into
  // gada and token-MLP operands into tok: z [B,C,H], gq [B,C,H], g [B,C,Ht], gp [B,C,Ht]
  const { H } = s;
  return /* wgsl */ `${prelude(s)}
${RU_HEAD}
${P_BIND}
${bind(2, "z")}
${bind(3, "ada")}
${bind(4, "gx")}
${bind(5, "gz", true)}
${bind(6, "gada", true)}
${bind(7, "tok", true)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * 65535u * 64u;
  if (i >= u.batch * C) { return; }
  let b = i / C;
  let c = i % C;
  let base = b * H * C + c;
  let full = (u.flags & 1u) != 0u;
  ${
    U(H, (h) =>
      `let z${h} = z[base + ${h}u * C];
  let gm${h} = gx[base + ${h}u * C];
  let gq${h} = gm${h} * ada[((b * H + ${h}u) & u.tmask) * 3u * C + 2u * C + c];
  var q${h} = 0.0;
  var gz${h} = 0.0;`)
  }
  let tb = b * C + c;
  let bch = u.batch * C * H;
  let bct = u.batch * C * HT;
  for (var j = 0u; j < HT; j = j + 1u) {
    let wo = u.w1 + j * H;
    let p = ${U(H, (h) => `z${h} * params[u.w0 + ${h}u * HT + j]`, " + ")};
    let gg = ${U(H, (h) => `gq${h} * params[wo + ${h}u]`, " + ")};
    let g = gelu(p);
    let gp = gg * gelu_grad(p);
    ${
    U(H, (h) =>
      `q${h} = q${h} + g * params[wo + ${h}u];
    gz${h} = gz${h} + gp * params[u.w0 + ${h}u * HT + j];`, "\n    ")
  }
    if (full) {
      tok[2u * bch + tb * HT + j] = g;
      tok[2u * bch + bct + tb * HT + j] = gp;
    }
  }
  ${U(H, (h) => `gz[base + ${h}u * C] = gz${h};`)}
  if (full) {
    ${
    U(H, (h) =>
      `tok[tb * H + ${h}u] = z${h};
    tok[bch + tb * H + ${h}u] = gq${h};
    gada[(b * H + ${h}u) * 3u * C + 2u * C + c] = gm${h} * q${h};`, "\n    ")
  }
  }
}
`;
}

/**
 * VJP of tok_mix with respect to its input only (guidance): gz from gx
 * through the gated token MLP, without the gate and weight cotangents, so
 * only gelu' (not gelu) of the hidden units is evaluated. Bindings: params,
 * z (the modulated LN1 output), ada, gx, gz.
 */
export function tokVjp(s: NetShape): string {
  return tokVec(s) ? tokVjpVec(s) : tokVjpScalar(s);
}

function tokVjpVec(s: NetShape): string {
  const { H } = s;
  const P = TOK_CHANNELS;
  return /* wgsl */ `${tokVecHead(s, ["z4", "ada4", "gx4", "gz4"])}
  ${
    U(H, (h) =>
      `let zv${h} = z4[base4 + ${h}u * C4];
  let gqv${h} = gx4[base4 + ${h}u * C4] * ada4[(((b * H + ${h}u) & u.tmask) * 3u * C + 2u * C + c0) / 4u];`)
  }
  ${
    U(P, (p) =>
      U(H, (h) =>
        `let z${p}_${h} = zv${h}.${XYZW[p]};
  let gq${p}_${h} = gqv${h}.${XYZW[p]};
  var gz${p}_${h} = 0.0;`))
  }
  let wi = u.w0 / 4u;
  let wo = u.w1 / 4u;
  for (var j4 = 0u; j4 < HT / 4u; j4 = j4 + 1u) {
    ${tokVecWeightLoads(H)}
    ${
    U(P, (p) =>
      `{
      let p = ${SUM(H, (h) => `z${p}_${h} * w${h}`)};
      let gg = vec4<f32>(${
        U(
          4,
          (t) => SUM(H, (h) => `gq${p}_${h} * r${t}_${h >> 2}.${XYZW[h & 3]}`),
          ", ",
        )
      });
      let gp = gg * gelu_grad_t4(p, gelu_tanh4(p));
      ${
        U(H, (h) =>
          `gz${p}_${h} = gz${p}_${h} + ${
            SUM(4, (t) => `gp.${XYZW[t]} * w${h}.${XYZW[t]}`)
          };`, "\n      ")
      }
    }`, "\n    ")
  }
  }
  ${
    U(H, (h) =>
      `gz4[base4 + ${h}u * C4] = vec4<f32>(${
        U(P, (p) =>
          `gz${p}_${h}`, ", ")
      });`)
  }
}
`;
}

function tokVjpScalar(s: NetShape): string {
  const { H } = s;
  return /* wgsl */ `${prelude(s)}
${RU_HEAD}
${P_BIND}
${bind(2, "z")}
${bind(3, "ada")}
${bind(4, "gx")}
${bind(5, "gz", true)}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * 65535u * 64u;
  if (i >= u.batch * C) { return; }
  let b = i / C;
  let c = i % C;
  let base = b * H * C + c;
  ${
    U(H, (h) =>
      `let z${h} = z[base + ${h}u * C];
  let gq${h} = gx[base + ${h}u * C] * ada[((b * H + ${h}u) & u.tmask) * 3u * C + 2u * C + c];
  var gz${h} = 0.0;`)
  }
  for (var j = 0u; j < HT; j = j + 1u) {
    let wo = u.w1 + j * H;
    let p = ${U(H, (h) => `z${h} * params[u.w0 + ${h}u * HT + j]`, " + ")};
    let gg = ${U(H, (h) => `gq${h} * params[wo + ${h}u]`, " + ")};
    let gp = gg * gelu_grad(p);
    ${
    U(
      H,
      (h) => `gz${h} = gz${h} + gp * params[u.w0 + ${h}u * HT + j];`,
      "\n    ",
    )
  }
  }
  ${U(H, (h) => `gz[base + ${h}u * C] = gz${h};`)}
}
`;
}
