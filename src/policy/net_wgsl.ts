/**
 * WGSL kernels of the FlowPolicy network, generated per network shape (the
 * sizes C, Hc, Ht, H, A, O are WGSL constants so loops unroll and private
 * arrays have fixed sizes; the batch is a runtime uniform).
 *
 * Kernel families:
 * - matmuls (invocations own consecutive output columns and accumulate a
 *   block of rows each; see `matmul_wgsl.ts`) with fused
 *   prologues/epilogues: `mm` (x@W + bias, then swish/gelu, and
 *   gelu' for the VJP tape), `mm_cout` (channel-mix out + gated residual),
 *   `mmt` (g@Wᵀ into scalar columns), `mmn` (g@Wᵀ through a
 *   transposed copy, then store/accumulate/×stored derivative/×swish'),
 *   `mmn_cout` (prologue g·gate), `mmn_ada` (gtemb += gada1@Wa1ᵀ +
 *   gada2@Wa2ᵀ), and the weight-gradient `wgrad*` (Xᵀ@G over a slice of rows
 *   into partial sums, the bias as an extra row of ones);
 * - token-mixing kernels: `tok_mix` (token MLP and gated residual) and
 *   `tok_vjp` (its VJP with respect to the input only), one invocation per
 *   (sample, 4 channels), and `tok_bwd` (the full VJP), one per (sample,
 *   channel);
 * - per-token kernels (one invocation per row, so LayerNorm statistics need
 *   no cross-invocation reduction): `ln_mod` (LayerNorm and adaLN
 *   modulation), `ln_bwd` (its VJP), `head` (final LN, modulation, out_proj),
 *   `head_bwd` (loss cotangent and the head's VJP);
 * - elementwise: `embed` (sincos with Cody-Waite range reduction),
 *   `swish_bwd`, `expand` (gathers per-distinct-time adaLN rows to tokens),
 *   `scale_rows` (a kernel's rows times one shared gate row);
 * - `reduce` (sums weight-gradient partials into the flat gradient).
 *
 * Performance notes (Mesa llvmpipe 22.3, which runs invocations as 8-wide
 * SIMD lanes on the CPU): every storage load or store instruction becomes a
 * loop over the lanes with a bounds check each, whether its address is
 * uniform or not, and costs about as much as tens of FMAs; a vec4 load costs
 * about as much as a scalar one. Workgroup memory goes through the same
 * path and barriers are slow. So the kernels move vec4s, use large
 * per-invocation register blocks (loads per FMA, not registers, bound the
 * matmuls), no workgroup memory, and compute LayerNorm statistics with one
 * invocation per row. Transcendentals (gelu's exp and divide) are the other
 * big cost. Caching a row in a private array (to load it once) saved little
 * and made llvmpipe's compile several times slower for large C, so the
 * per-token kernels re-read their row.
 *
 * Every tensor is a flat row-major f32 array; offsets are in floats.
 *
 * @module
 */

import type { NetShape } from "./forward_cpu.ts";
import { bind, bind4 } from "./_wgsl_util.ts";
import { matmul, mm4, mmt4, wgrad4 } from "./matmul_wgsl.ts";
import { tokBwd, tokMix, tokVjp } from "./token_wgsl.ts";
import {
  embed,
  expand,
  head,
  headBwd,
  lnBwd,
  lnMod,
  reduce,
  scaleRows,
  swishBwd,
} from "./rows_wgsl.ts";

/** Matmul epilogue flags (`MM.flags`). */
export const MM_FLAGS = {
  /** Add the bias at `wOff + red·cols` (kernel followed by its bias). */
  bias: 1,
  /** Store the pre-activation into `out`. */
  storePre: 2,
  /** Store swish(pre) into `out2`. */
  swish: 4,
  /** Store gelu(pre) into `out2`. */
  gelu: 8,
  /** With `gelu`: store gelu'(pre) into `out` (the backward's tape) instead of pre. */
  geluGrad: 16,
} as const;

/** `mmt` epilogue modes (`MM.flags`). */
export const MMT_MODES = {
  store: 0,
  accumulate: 1,
  /** out = acc · aux (aux holds a stored activation derivative). */
  scale: 2,
  swishGrad: 3,
} as const;

/** All WGSL sources of one network shape, by kernel name. */
export interface PolicyKernels {
  /** x@W (+bias), optional swish/gelu output (vec4). */
  readonly mm: string;
  /** Channel-MLP output with the gated residual (vec4). */
  readonly mm_cout: string;
  /** g@Wᵀ with scalar columns (gradXt). */
  readonly mmt: string;
  /** g@Wᵀ via a transposed kernel copy, with store/accumulate/×aux/×swish' epilogues. */
  readonly mmn: string;
  /** ((gx·gate2)@Wcoutᵀ)·gelu'(p2), gelu'(p2) read from the forward tape. */
  readonly mmn_cout: string;
  /** gtemb += [gada1|gada2]@[Wa1ᵀ; Wa2ᵀ]. */
  readonly mmn_ada: string;
  /** Scalar weight gradient Xᵀ@G into partial sums. */
  readonly wgrad: string;
  /** vec4 weight gradient Xᵀ@G into partial sums. */
  readonly wgrad4: string;
  /** channel_mix_out weight gradient (G = gx·gate2). */
  readonly wgrad_cout: string;
  /** Sincos time embedding. */
  readonly embed: string;
  /** LayerNorm and adaLN modulation, one invocation per token. */
  readonly ln_mod: string;
  /** Token MLP and gated residual, one invocation per (sample, channel). */
  readonly tok_mix: string;
  /** VJP of ln_mod (adds into gx; adaLN cotangents). */
  readonly ln_bwd: string;
  /** VJP of tok_mix. */
  readonly tok_bwd: string;
  /** VJP of tok_mix with respect to its input only. */
  readonly tok_vjp: string;
  /** Final LayerNorm, modulation and out_proj. */
  readonly head: string;
  /** Loss cotangent and the head's VJP. */
  readonly head_bwd: string;
  /** g *= swish'(h). */
  readonly swish_bwd: string;
  /** Rows of a [C, Hc] kernel scaled by a shared gate row. */
  readonly scale_rows: string;
  /** Sums weight-gradient partials into the flat gradient. */
  readonly reduce: string;
  /** Gathers per-distinct-time rows to tokens. */
  readonly expand: string;
}

const cache = new Map<string, PolicyKernels>();

/**
 * Generates (and caches) the WGSL sources for a network shape.
 *
 * @param s The network sizes.
 * @returns The kernel sources by name.
 *
 * @example
 * ```ts
 * import { policyKernels } from "./net_wgsl.ts";
 * import assert from "node:assert/strict";
 * const k = policyKernels({ H: 4, A: 6, O: 32, C: 64, Hc: 128, Ht: 32, L: 2 });
 * assert.ok(k.tok_mix.includes("const C: u32 = 64u;"));
 * ```
 */
export function policyKernels(s: NetShape): PolicyKernels {
  const key = JSON.stringify(s);
  const hit = cache.get(key);
  if (hit) return hit;
  const k = build(s);
  cache.set(key, k);
  return k;
}

function build(s: NetShape): PolicyKernels {
  // y = A@W (+bias) with optional activations (vec4 over columns)
  const mm = mm4(s, {
    bindings: [
      bind4(2, "src4"),
      bind4(3, "out4", true),
      bind4(4, "out24", true),
    ].join("\n"),
    loadA4: (r, k4) => `src4[(u.aOff + z * u.zA) / 4u + ${r} * rq + ${k4}]`,
    epilogue: (r, g, acc) => `
      var h = ${acc};
      if ((u.flags & 1u) != 0u) { h = h + params4[bias4 + ${g}]; }
      let o = (u.oOff + z * u.zO) / 4u + ${r} * c4n + ${g};
      if ((u.flags & 2u) != 0u) { out4[o] = h; }
      if ((u.flags & 4u) != 0u) { out24[o] = swish4(h); }
      if ((u.flags & 8u) != 0u) {
        let t = gelu_tanh4(h);
        out24[o] = gelu_t4(h, t);
        if ((u.flags & 16u) != 0u) { out4[o] = gelu_grad_t4(h, t); }
      }`,
  });
  // x_next = xmid + gate2 * (g2 @ Wcout); ada2 at u.aux, q2 stored at u.aux2 if flags & 2
  const mm_cout = mm4(s, {
    bindings: [
      bind4(2, "src4"),
      bind4(3, "xmid4"),
      bind4(4, "ada4", true),
      bind4(5, "xout4", true),
    ].join("\n"),
    loadA4: (r, k4) => `src4[${r} * rq + ${k4}]`,
    epilogue: (r, g, acc) => `
      let o = ${r} * c4n + ${g};
      if ((u.flags & 2u) != 0u) { ada4[u.aux2 / 4u + o] = ${acc}; }
      xout4[o] = xmid4[o] + ada4[u.aux / 4u + (${r} & u.tmask) * (3u * C / 4u) + (2u * C / 4u) + ${g}] * ${acc};`,
  });
  // out = g @ Wᵀ with epilogue modes (MMT_MODES)
  const mmtEpilogue = (r: string, c: string, acc: string) => `
      let o = ${r} * u.cols + ${c};
      if (u.flags == 0u) { out[o] = ${acc}; }
      else if (u.flags == 1u) { out[o] = out[o] + ${acc}; }
      else if (u.flags == 2u) { out[o] = ${acc} * aux[o]; }
      else { out[o] = ${acc} * swish_grad(aux[o]); }`;
  const mmt = mmt4(s, {
    bindings: [bind4(2, "src4"), bind(3, "aux"), bind(4, "out", true)].join(
      "\n",
    ),
    loadA4: (r, k4) => `src4[u.aOff / 4u + ${r} * rq + ${k4}]`,
    epilogue: mmtEpilogue,
  });
  // backward products with transposed kernel copies (W = Wᵀ stored [in, out]
  // on the device), vec4 over columns; epilogue modes as mmt (flags)
  const mmnEpilogue = (r: string, g: string, acc: string) => `
      let o = ${r} * c4n + ${g};
      if (u.flags == 0u) { out4[o] = ${acc}; }
      else if (u.flags == 1u) { out4[o] = out4[o] + ${acc}; }
      else if (u.flags == 2u) { out4[o] = ${acc} * aux4[o]; }
      else { out4[o] = ${acc} * swish_grad4(aux4[o]); }`;
  const mmn = mm4(s, {
    bindings: [bind4(2, "src4"), bind4(3, "aux4"), bind4(4, "out4", true)]
      .join("\n"),
    loadA4: (r, k4) => `src4[${r} * rq + ${k4}]`,
    epilogue: mmnEpilogue,
  });
  // gp2 = ((gx·gate2) @ Wcoutᵀ) · gelu'(p2) (aux, stored by the forward); ada2 at u.aux
  const mmn_cout = mm4(s, {
    bindings: [
      bind4(2, "src4"),
      bind4(3, "aux4"),
      bind4(4, "out4", true),
      bind4(5, "ada4"),
    ].join("\n"),
    loadA4: (r, k4) =>
      `(src4[${r} * (C / 4u) + ${k4}] * ada4[u.aux / 4u + (${r} & u.tmask) * (3u * C / 4u) + (2u * C / 4u) + ${k4}])`,
    epilogue: mmnEpilogue,
  });
  // gtemb += [gada1 | gada2] @ [Wa1ᵀ; Wa2ᵀ] (red = 6C; gada2 plane at u.aux)
  const mmn_ada = mm4(s, {
    bindings: [bind4(2, "src4"), bind4(3, "aux4"), bind4(4, "out4", true)]
      .join("\n"),
    loadA4: (r, k4) =>
      `src4[select(${r} * (3u * C / 4u) + ${k4}, u.aux / 4u + ${r} * (3u * C / 4u) + ${k4} - 3u * C / 4u, ${k4} >= 3u * C / 4u)]`,
    epilogue: mmnEpilogue,
  });
  // scalar weight gradient (odd shapes): partial[z][k][m] = Σ_{n in slice z} X[n,k]·G[n,m];
  // row K (= rows-1 when flags&1) is the bias (X = 1)
  const wgEpi = (r: string, c: string, acc: string) =>
    `out[u.oOff + z * u.rows * u.cols + ${r} * u.cols + ${c}] = ${acc};`;
  const xK = "(u.rows - (u.flags & 1u))";
  const wgrad = matmul(s, {
    split: true,
    bindings: [bind(1, "xs"), bind(2, "gs"), bind(3, "out", true)].join("\n"),
    loadA: (r, k) =>
      `select(xs[u.aOff + ${k} * ${xK} + min(${r}, ${xK} - 1u)], 1.0, ${r} >= ${xK})`,
    loadB: (k, c) => `gs[u.aux + ${k} * u.cols + ${c}]`,
    epilogue: wgEpi,
  });
  const wgrad4v = wgrad4(s, {
    bindings: [bind4(1, "xs4"), bind4(2, "gs4"), bind4(3, "out4", true)].join(
      "\n",
    ),
    loadG4: (n, g) => `gs4[u.aux / 4u + ${n} * c4n + ${g}]`,
  });
  // Wcout grad: X = g2 [N,Hc], G = gx·gate2 (ada2 at u.aux)
  const wgrad_cout = wgrad4(s, {
    bindings: [
      bind4(1, "xs4"),
      bind4(2, "gs4"),
      bind4(3, "out4", true),
      bind4(4, "ada4"),
    ]
      .join("\n"),
    loadG4: (n, g) =>
      `(gs4[${n} * (C / 4u) + ${g}] * ada4[u.aux / 4u + ${n} * (3u * C / 4u) + (2u * C / 4u) + ${g}])`,
  });
  return {
    mm,
    mm_cout,
    mmt,
    mmn,
    mmn_cout,
    mmn_ada,
    wgrad,
    wgrad4: wgrad4v,
    wgrad_cout,
    embed: embed(s),
    ln_mod: lnMod(s),
    tok_mix: tokMix(s),
    ln_bwd: lnBwd(s),
    tok_bwd: tokBwd(s),
    tok_vjp: tokVjp(s),
    head: head(s),
    head_bwd: headBwd(s),
    swish_bwd: swishBwd(s),
    scale_rows: scaleRows(s),
    reduce: reduce(),
    expand: expand(),
  };
}
