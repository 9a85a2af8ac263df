/**
 * CPU reference of the FlowPolicy forward pass (`docs/SEMANTICS.md` §2, upstream
 * `model.py`), generic over precision: `"f32"` rounds every operation with
 * `Math.fround` (what the WGSL kernels compute, up to summation order and
 * transcendental accuracy), `"f64"` computes in doubles (for finite
 * differences). The forward pass records a tape of intermediates that
 * {@linkcode backwardCpu} (backward_cpu.ts) consumes.
 *
 * Layouts: tokens are rows `n = b·H + h`; activations are `[B·H, width]`
 * row-major; token-mixing tensors are `[B, C, width]`.
 *
 * @module
 */

import type { ModelConfig } from "./config.ts";
import type { NetDims, ParamLayout } from "./params.ts";

/** Arithmetic of the CPU reference: float32 (rounded every op) or float64. */
export type Precision = "f32" | "f64";
/** A flat real array of either precision. */
export type Real = Float32Array | Float64Array;

/** Minimum period of the sincos time embedding. */
export const POSEMB_MIN_PERIOD = 4e-3;
/** Maximum period of the sincos time embedding. */
export const POSEMB_MAX_PERIOD = 4.0;
/** LayerNorm epsilon (flax default). */
export const LN_EPS = 1e-6;
/** sqrt(2/pi), the tanh-gelu constant. */
export const GELU_K0 = 0.7978845608028654;
/** The cubic coefficient of tanh-gelu. */
export const GELU_K1 = 0.044715;

/** Sizes used by the kernels, derived from the config and dims. */
export interface NetShape {
  /** Tokens per sample H. */
  readonly H: number;
  /** Action size A. */
  readonly A: number;
  /** Observation size O. */
  readonly O: number;
  /** Channels C. */
  readonly C: number;
  /** Channel-MLP hidden Hc. */
  readonly Hc: number;
  /** Token-MLP hidden Ht. */
  readonly Ht: number;
  /** Mixer blocks L. */
  readonly L: number;
}

/**
 * Collects the sizes of a network.
 *
 * @param config The model config.
 * @param dims Observation and action sizes.
 * @returns The sizes.
 *
 * @example
 * ```ts
 * import { netShape } from "./forward_cpu.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import assert from "node:assert/strict";
 * assert.equal(netShape(SMALL_MODEL_CONFIG, { obsDim: 32, actionDim: 6 }).Hc, 128);
 * ```
 */
export function netShape(config: ModelConfig, dims: NetDims): NetShape {
  return {
    H: config.actionChunkSize,
    A: dims.actionDim,
    O: dims.obsDim,
    C: config.channelDim,
    Hc: config.channelHiddenDim,
    Ht: config.tokenHiddenDim,
    L: config.numLayers,
  };
}

/**
 * Angular frequencies `2π/period_j` of the sincos embedding, `C/2` of them
 * (`period = min·(max/min)^linspace(0,1,C/2)`), rounded to float32.
 *
 * @param channelDim C (even).
 * @returns `Float32Array` of length C/2.
 *
 * @example
 * ```ts
 * import { posembFrequencies } from "./forward_cpu.ts";
 * import assert from "node:assert/strict";
 * const f = posembFrequencies(4);
 * assert.ok(Math.abs(f[0]! - 2 * Math.PI / 4e-3) < 1e-3);
 * assert.ok(Math.abs(f[1]! - 2 * Math.PI / 4) < 1e-6);
 * ```
 */
export function posembFrequencies(channelDim: number): Float32Array {
  const half = channelDim / 2;
  const out = new Float32Array(half);
  for (let j = 0; j < half; j++) {
    const frac = half === 1 ? 0 : j / (half - 1);
    const period = POSEMB_MIN_PERIOD *
      Math.pow(POSEMB_MAX_PERIOD / POSEMB_MIN_PERIOD, frac);
    out[j] = (1 / period) * 2 * Math.PI;
  }
  return out;
}

/** Intermediates of one forward pass, consumed by the backward pass. */
export interface Tape {
  /** Precision the tape was computed in. */
  readonly precision: Precision;
  /** Sizes. */
  readonly shape: NetShape;
  /** Batch size B. */
  readonly batch: number;
  /** Offsets of each parameter tensor by name. */
  readonly off: Readonly<Record<string, number>>;
  /** The flat parameters used. */
  readonly params: Real;
  /** Sincos embedding `[N,C]`. */
  readonly emb: Real;
  /** Time-MLP pre-activations `[N,C]`. */
  readonly h1: Real;
  /** swish(h1). */
  readonly s1: Real;
  /** Second time-MLP pre-activation. */
  readonly h2: Real;
  /** Time conditioning swish(h2) `[N,C]`. */
  readonly temb: Real;
  /** concat(x_t, obs) `[N,A+O]`. */
  readonly xin: Real;
  /** Residual stream before block l (index L: after the last block) `[N,C]`. */
  readonly xs: Real[];
  /** Per block: intermediates. */
  readonly blocks: BlockTape[];
  /** Final adaLN output `[N,2C]` (scale, shift). */
  readonly adaf: Real;
  /** Final normalised stream `[N,C]`. */
  readonly xhatf: Real;
  /** Final 1/std per token `[N]`. */
  readonly rstdf: Real;
  /** Modulated final stream `[N,C]`. */
  readonly yf: Real;
  /** Output velocity `[N,A]`. */
  readonly v: Real;
}

/** Intermediates of one mixer block. */
export interface BlockTape {
  /** adaln_1 output `[N,3C]` (scale, shift, gate). */
  readonly ada1: Real;
  /** adaln_2 output `[N,3C]`. */
  readonly ada2: Real;
  /** LN(x) of the token-mix input `[N,C]`. */
  readonly xhat1: Real;
  /** 1/std per token of the token-mix input `[N]`. */
  readonly rstd1: Real;
  /** Modulated token-mix input, `[B,C,H]` (already transposed). */
  readonly z: Real;
  /** Token-MLP pre-activation `[B,C,Ht]`. */
  readonly p: Real;
  /** gelu(p) `[B,C,Ht]`. */
  readonly g: Real;
  /** Token-MLP output `[B,C,H]`. */
  readonly q: Real;
  /** Stream after token mixing `[N,C]`. */
  readonly xmid: Real;
  /** LN(xmid) `[N,C]`. */
  readonly xhat2: Real;
  /** 1/std per token of xmid `[N]`. */
  readonly rstd2: Real;
  /** Modulated channel-mix input `[N,C]`. */
  readonly y2: Real;
  /** Channel-MLP pre-activation `[N,Hc]`. */
  readonly p2: Real;
  /** gelu(p2) `[N,Hc]`. */
  readonly g2: Real;
  /** Channel-MLP output `[N,C]`. */
  readonly q2: Real;
}

/** Inputs of one forward pass (see `NetInputs` in net.ts). */
export interface CpuInputs {
  /** Batch size B. */
  readonly batch: number;
  /** Observations `[B,O]`. */
  readonly obs: ArrayLike<number>;
  /** Noisy actions `[B,H,A]`. */
  readonly xt: ArrayLike<number>;
  /** Flow time per token `[B,H]`. */
  readonly time: ArrayLike<number>;
}

/**
 * The rounding applied after every operation: `Math.fround` for `"f32"`,
 * identity for `"f64"`.
 *
 * @param precision The precision.
 * @returns The rounding function.
 *
 * @example
 * ```ts
 * import { rounder } from "./forward_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.equal(rounder("f32")(0.1), Math.fround(0.1));
 * assert.equal(rounder("f64")(0.1), 0.1);
 * ```
 */
export function rounder(precision: Precision): (x: number) => number {
  return precision === "f32" ? Math.fround : (x: number) => x;
}

/**
 * Allocates a zeroed array of the precision.
 *
 * @param precision `"f32"` (Float32Array) or `"f64"` (Float64Array).
 * @param n Length.
 * @returns The array.
 *
 * @example
 * ```ts
 * import { alloc } from "./forward_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.ok(alloc("f64", 3) instanceof Float64Array);
 * ```
 */
export function alloc(precision: Precision, n: number): Real {
  return precision === "f32" ? new Float32Array(n) : new Float64Array(n);
}

/**
 * `out[n,m] = Σ_k x[n,k]·w[k,m] (+ bias[m])`, summed in k order, bias last.
 * `w` is the flat params at offset `wOff` (`[K,M]` row-major).
 */
function linear(
  r: (x: number) => number,
  x: ArrayLike<number>,
  N: number,
  K: number,
  w: Real,
  wOff: number,
  M: number,
  bOff: number,
  out: Real,
): void {
  out.fill(0, 0, N * M);
  for (let n = 0; n < N; n++) {
    const o = n * M;
    for (let k = 0; k < K; k++) {
      const a = x[n * K + k]!;
      const wr = wOff + k * M;
      for (let m = 0; m < M; m++) {
        out[o + m] = r(out[o + m]! + r(a * w[wr + m]!));
      }
    }
    if (bOff >= 0) {
      for (let m = 0; m < M; m++) out[o + m] = r(out[o + m]! + w[bOff + m]!);
    }
  }
}

/** tanh-approximation gelu (jax.nn.gelu default) in the given rounding. */
function gelu(r: (x: number) => number, x: number): number {
  const u = r(GELU_K0 * r(x + r(GELU_K1 * r(r(x * x) * x))));
  return r(r(0.5 * x) * r(1 + r(Math.tanh(u))));
}

/** swish(x) = x·sigmoid(x) in the given rounding. */
function swish(r: (x: number) => number, x: number): number {
  return r(x * r(1 / r(1 + r(Math.exp(-x)))));
}

/**
 * LayerNorm without affine over rows of width C, then modulation
 * `y = xhat·(1+scale)+shift` with scale/shift read from `ada` (row stride
 * `adaW`, scale at column 0, shift at column C).
 */
function layerNormModulate(
  r: (x: number) => number,
  x: Real,
  N: number,
  C: number,
  ada: Real,
  adaW: number,
  xhat: Real,
  rstd: Real,
  y: Real,
): void {
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let c = 0; c < C; c++) s = r(s + x[n * C + c]!);
    const mu = r(s / C);
    let v = 0;
    for (let c = 0; c < C; c++) {
      const d = r(x[n * C + c]! - mu);
      v = r(v + r(d * d));
    }
    const rs = r(1 / r(Math.sqrt(r(r(v / C) + LN_EPS))));
    rstd[n] = rs;
    for (let c = 0; c < C; c++) {
      const xh = r(r(x[n * C + c]! - mu) * rs);
      xhat[n * C + c] = xh;
      const sc = ada[n * adaW + c]!;
      const sh = ada[n * adaW + C + c]!;
      y[n * C + c] = r(r(xh * r(1 + sc)) + sh);
    }
  }
}

/**
 * Runs the forward pass and records the tape.
 *
 * @param params Flat parameters (layout order), float32 or float64.
 * @param options Layout, shape, inputs and precision.
 * @returns The tape; `tape.v` is the velocity `[B,H,A]`.
 *
 * @example
 * ```ts
 * import { forwardCpu, netShape } from "./forward_cpu.ts";
 * import { paramLayout, randomParams } from "./params.ts";
 * import { resolveModelConfig } from "./config.ts";
 * import assert from "node:assert/strict";
 * const config = resolveModelConfig({ channelDim: 8, channelHiddenDim: 8, tokenHiddenDim: 4, numLayers: 1, actionChunkSize: 2 });
 * const dims = { obsDim: 3, actionDim: 2 };
 * const layout = paramLayout(config, dims);
 * const tape = forwardCpu(randomParams(layout, { seed: 1 }), {
 *   layout, shape: netShape(config, dims), precision: "f32",
 *   inputs: { batch: 1, obs: [1, 2, 3], xt: [0, 0, 0, 0], time: [0.5, 0.5] },
 * });
 * assert.equal(tape.v.length, 4);
 * ```
 */
export function forwardCpu(
  params: Real,
  options: {
    layout: ParamLayout;
    shape: NetShape;
    inputs: CpuInputs;
    precision: Precision;
  },
): Tape {
  const { layout, shape, inputs, precision } = options;
  const { H, A, O, C, Hc, Ht, L } = shape;
  const r = rounder(precision);
  const B = inputs.batch;
  const N = B * H;
  const off: Record<string, number> = {};
  for (const e of layout.entries) off[e.name] = e.offset;
  const o = (name: string) => off[name]!;
  const mk = (n: number) => alloc(precision, n);

  // TIME EMBEDDING AND TIME MLP
  const freq = posembFrequencies(C);
  const half = C / 2;
  const emb = mk(N * C);
  for (let n = 0; n < N; n++) {
    const t = inputs.time[n]!;
    for (let j = 0; j < half; j++) {
      const arg = r(t * freq[j]!);
      emb[n * C + j] = r(Math.sin(arg));
      emb[n * C + half + j] = r(Math.cos(arg));
    }
  }
  const h1 = mk(N * C), s1 = mk(N * C), h2 = mk(N * C), temb = mk(N * C);
  linear(
    r,
    emb,
    N,
    C,
    params,
    o("time_mlp.layers.0.kernel"),
    C,
    o("time_mlp.layers.0.bias"),
    h1,
  );
  for (let i = 0; i < N * C; i++) s1[i] = swish(r, h1[i]!);
  linear(
    r,
    s1,
    N,
    C,
    params,
    o("time_mlp.layers.2.kernel"),
    C,
    o("time_mlp.layers.2.bias"),
    h2,
  );
  for (let i = 0; i < N * C; i++) temb[i] = swish(r, h2[i]!);

  // INPUT PROJECTION
  const K0 = A + O;
  const xin = mk(N * K0);
  for (let n = 0; n < N; n++) {
    const b = Math.floor(n / H);
    for (let a = 0; a < A; a++) xin[n * K0 + a] = inputs.xt[n * A + a]!;
    for (let e = 0; e < O; e++) xin[n * K0 + A + e] = inputs.obs[b * O + e]!;
  }
  const xs: Real[] = [mk(N * C)];
  linear(
    r,
    xin,
    N,
    K0,
    params,
    o("in_proj.kernel"),
    C,
    o("in_proj.bias"),
    xs[0]!,
  );

  // MIXER BLOCKS
  const blocks: BlockTape[] = [];
  for (let l = 0; l < L; l++) {
    const p = `mlp_stack.${l}.`;
    const x = xs[l]!;
    const ada1 = mk(N * 3 * C), ada2 = mk(N * 3 * C);
    linear(
      r,
      temb,
      N,
      C,
      params,
      o(p + "adaln_1.kernel"),
      3 * C,
      o(p + "adaln_1.bias"),
      ada1,
    );
    linear(
      r,
      temb,
      N,
      C,
      params,
      o(p + "adaln_2.kernel"),
      3 * C,
      o(p + "adaln_2.bias"),
      ada2,
    );
    // token mix
    const xhat1 = mk(N * C), rstd1 = mk(N), y1 = mk(N * C);
    layerNormModulate(r, x, N, C, ada1, 3 * C, xhat1, rstd1, y1);
    const z = mk(B * C * H);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        for (let c = 0; c < C; c++) {
          z[(b * C + c) * H + h] = y1[(b * H + h) * C + c]!;
        }
      }
    }
    const pt = mk(B * C * Ht), g = mk(B * C * Ht), q = mk(B * C * H);
    linear(r, z, B * C, H, params, o(p + "token_mix_in.kernel"), Ht, -1, pt);
    for (let i = 0; i < pt.length; i++) g[i] = gelu(r, pt[i]!);
    linear(r, g, B * C, Ht, params, o(p + "token_mix_out.kernel"), H, -1, q);
    const xmid = mk(N * C);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const n = b * H + h;
        for (let c = 0; c < C; c++) {
          const gate = ada1[n * 3 * C + 2 * C + c]!;
          xmid[n * C + c] = r(
            x[n * C + c]! + r(gate * q[(b * C + c) * H + h]!),
          );
        }
      }
    }
    // channel mix
    const xhat2 = mk(N * C), rstd2 = mk(N), y2 = mk(N * C);
    layerNormModulate(r, xmid, N, C, ada2, 3 * C, xhat2, rstd2, y2);
    const p2 = mk(N * Hc), g2 = mk(N * Hc), q2 = mk(N * C);
    linear(r, y2, N, C, params, o(p + "channel_mix_in.kernel"), Hc, -1, p2);
    for (let i = 0; i < p2.length; i++) g2[i] = gelu(r, p2[i]!);
    linear(r, g2, N, Hc, params, o(p + "channel_mix_out.kernel"), C, -1, q2);
    const xout = mk(N * C);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const gate = ada2[n * 3 * C + 2 * C + c]!;
        xout[n * C + c] = r(xmid[n * C + c]! + r(gate * q2[n * C + c]!));
      }
    }
    xs.push(xout);
    blocks.push({
      ada1,
      ada2,
      xhat1,
      rstd1,
      z,
      p: pt,
      g,
      q,
      xmid,
      xhat2,
      rstd2,
      y2,
      p2,
      g2,
      q2,
    });
  }

  // FINAL ADALN AND OUTPUT PROJECTION
  const adaf = mk(N * 2 * C);
  linear(
    r,
    temb,
    N,
    C,
    params,
    o("final_adaln.kernel"),
    2 * C,
    o("final_adaln.bias"),
    adaf,
  );
  const xhatf = mk(N * C), rstdf = mk(N), yf = mk(N * C);
  layerNormModulate(r, xs[L]!, N, C, adaf, 2 * C, xhatf, rstdf, yf);
  const v = mk(N * A);
  linear(r, yf, N, C, params, o("out_proj.kernel"), A, o("out_proj.bias"), v);
  return {
    precision,
    shape,
    batch: B,
    off,
    params,
    emb,
    h1,
    s1,
    h2,
    temb,
    xin,
    xs,
    blocks,
    adaf,
    xhatf,
    rstdf,
    yf,
    v,
  };
}
