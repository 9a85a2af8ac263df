/**
 * CPU reference of the FlowPolicy backward pass: the vector-Jacobian product
 * with respect to `x_t` and the gradient with respect to every parameter,
 * from a {@linkcode Tape} recorded by `forwardCpu`, in the tape's precision.
 *
 * @module
 */

import {
  alloc,
  GELU_K0,
  GELU_K1,
  type Real,
  rounder,
  type Tape,
} from "./forward_cpu.ts";

type R = (x: number) => number;

/**
 * Derivative of the tanh-approximation gelu.
 *
 * @param r Rounding after each operation (`Math.fround` or identity).
 * @param x The input.
 * @returns d gelu(x)/dx.
 *
 * @example
 * ```ts
 * import { geluGrad } from "./backward_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.equal(geluGrad((x) => x, 0), 0.5);
 * ```
 */
export function geluGrad(r: (x: number) => number, x: number): number {
  const x2 = r(x * x);
  const t = r(Math.tanh(r(GELU_K0 * r(x + r(GELU_K1 * r(x2 * x))))));
  const du = r(GELU_K0 * r(1 + r(3 * GELU_K1 * x2)));
  return r(r(0.5 * r(1 + t)) + r(r(r(0.5 * x) * r(1 - r(t * t))) * du));
}

/**
 * Derivative of swish: σ(x)·(1 + x·(1−σ(x))).
 *
 * @param r Rounding after each operation (`Math.fround` or identity).
 * @param x The input.
 * @returns d swish(x)/dx.
 *
 * @example
 * ```ts
 * import { swishGrad } from "./backward_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.equal(swishGrad((x) => x, 0), 0.5);
 * ```
 */
export function swishGrad(r: (x: number) => number, x: number): number {
  const s = r(1 / r(1 + r(Math.exp(-x))));
  return r(s * r(1 + r(x * r(1 - s))));
}

/** `out[n,k] = Σ_m g[n,m]·w[k,m]` (gradient through `x @ w`). */
function linearT(
  r: R,
  g: Real,
  N: number,
  M: number,
  w: Real,
  wOff: number,
  K: number,
  out: Real,
): void {
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      const wr = wOff + k * M;
      for (let m = 0; m < M; m++) s = r(s + r(g[n * M + m]! * w[wr + m]!));
      out[n * K + k] = s;
    }
  }
}

/** `grad[k,m] = Σ_n x[n,k]·g[n,m]`, and `grad[bOff+m] = Σ_n g[n,m]` when bOff ≥ 0. */
function weightGrad(
  r: R,
  x: Real,
  g: Real,
  N: number,
  K: number,
  M: number,
  grad: Real,
  wOff: number,
  bOff: number,
): void {
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const a = x[n * K + k]!;
      const o = wOff + k * M;
      for (let m = 0; m < M; m++) {
        grad[o + m] = r(grad[o + m]! + r(a * g[n * M + m]!));
      }
    }
    if (bOff >= 0) {
      for (let m = 0; m < M; m++) {
        grad[bOff + m] = r(grad[bOff + m]! + g[n * M + m]!);
      }
    }
  }
}

/**
 * Backward of LayerNorm-then-modulate for rows of width C: from `gy` (grad of
 * `y = xhat·(1+scale)+shift`) adds the grad of the LN input into `gx`, and
 * writes the scale/shift grads into `gada` (row stride `adaW`) when given.
 */
function lnModulateBackward(
  r: R,
  gy: Real,
  xhat: Real,
  rstd: Real,
  ada: Real,
  adaW: number,
  N: number,
  C: number,
  gx: Real,
  gada: Real | null,
): void {
  const gxh = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    let s1 = 0, s2 = 0;
    for (let c = 0; c < C; c++) {
      const g = gy[n * C + c]!;
      const xh = xhat[n * C + c]!;
      if (gada) {
        gada[n * adaW + c] = r(g * xh);
        gada[n * adaW + C + c] = g;
      }
      const v = r(g * r(1 + ada[n * adaW + c]!));
      gxh[c] = v;
      s1 = r(s1 + v);
      s2 = r(s2 + r(v * xh));
    }
    const m1 = r(s1 / C), m2 = r(s2 / C), rs = rstd[n]!;
    for (let c = 0; c < C; c++) {
      const d = r(r(gxh[c]! - m1) - r(xhat[n * C + c]! * m2));
      gx[n * C + c] = r(gx[n * C + c]! + r(rs * d));
    }
  }
}

/** Result of {@linkcode backwardCpu}. */
export interface CpuGradients {
  /** `J_f(x_t)ᵀ·gv`, `[B,H,A]`. */
  readonly gradXt: Real;
  /** Flat parameter gradient (layout order), when requested. */
  readonly grad?: Real;
}

/**
 * Backpropagates a cotangent `gv` of the output velocity through the tape.
 *
 * @param tape A tape from `forwardCpu`.
 * @param options The cotangent `gv` `[B,H,A]` and whether to compute the parameter gradient.
 * @returns The x_t cotangent and (optionally) the parameter gradient.
 *
 * @example
 * ```ts
 * import { forwardCpu, netShape } from "./forward_cpu.ts";
 * import { backwardCpu } from "./backward_cpu.ts";
 * import { paramLayout, randomParams } from "./params.ts";
 * import { resolveModelConfig } from "./config.ts";
 * import assert from "node:assert/strict";
 * const config = resolveModelConfig({ channelDim: 8, channelHiddenDim: 8, tokenHiddenDim: 4, numLayers: 1, actionChunkSize: 2 });
 * const dims = { obsDim: 3, actionDim: 2 };
 * const layout = paramLayout(config, dims);
 * const tape = forwardCpu(randomParams(layout, { seed: 1 }), {
 *   layout, shape: netShape(config, dims), precision: "f64",
 *   inputs: { batch: 1, obs: [1, 2, 3], xt: [0, 0, 0, 0], time: [0.5, 0.5] },
 * });
 * const { gradXt, grad } = backwardCpu(tape, { gv: new Float64Array(4).fill(1), paramGrad: true });
 * assert.equal(gradXt.length, 4);
 * assert.equal(grad!.length, layout.size);
 * ```
 */
export function backwardCpu(
  tape: Tape,
  options: { gv: ArrayLike<number>; paramGrad: boolean },
): CpuGradients {
  const { shape, params, precision } = tape;
  const { H, A, O, C, Hc, Ht, L } = shape;
  const r = rounder(precision);
  const B = tape.batch;
  const N = B * H;
  const mk = (n: number) => alloc(precision, n);
  const o = (name: string) => tape.off[name]!;
  const want = options.paramGrad;
  const grad = want ? mk(params.length) : null;
  const gv = mk(N * A);
  for (let i = 0; i < N * A; i++) gv[i] = options.gv[i]!;

  // OUTPUT PROJECTION AND FINAL ADALN
  const gtemb = want ? mk(N * C) : null;
  const gy = mk(N * C);
  linearT(r, gv, N, A, params, o("out_proj.kernel"), C, gy);
  let gx = mk(N * C);
  const gadaf = want ? mk(N * 2 * C) : null;
  lnModulateBackward(
    r,
    gy,
    tape.xhatf,
    tape.rstdf,
    tape.adaf,
    2 * C,
    N,
    C,
    gx,
    gadaf,
  );
  if (grad && gadaf && gtemb) {
    weightGrad(
      r,
      tape.yf,
      gv,
      N,
      C,
      A,
      grad,
      o("out_proj.kernel"),
      o("out_proj.bias"),
    );
    weightGrad(
      r,
      tape.temb,
      gadaf,
      N,
      C,
      2 * C,
      grad,
      o("final_adaln.kernel"),
      o("final_adaln.bias"),
    );
    linearT(r, gadaf, N, 2 * C, params, o("final_adaln.kernel"), C, gtemb);
  }

  // MIXER BLOCKS, LAST FIRST
  for (let l = L - 1; l >= 0; l--) {
    const p = `mlp_stack.${l}.`;
    const bt = tape.blocks[l]!;
    const gada1 = want ? mk(N * 3 * C) : null;
    const gada2 = want ? mk(N * 3 * C) : null;
    // channel mix: xout = xmid + gate2·q2
    const gq2 = mk(N * C);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const i = n * C + c;
        gq2[i] = r(gx[i]! * bt.ada2[n * 3 * C + 2 * C + c]!);
        if (gada2) gada2[n * 3 * C + 2 * C + c] = r(gx[i]! * bt.q2[i]!);
      }
    }
    const gp2 = mk(N * Hc);
    linearT(r, gq2, N, C, params, o(p + "channel_mix_out.kernel"), Hc, gp2);
    for (let i = 0; i < N * Hc; i++) {
      gp2[i] = r(gp2[i]! * geluGrad(r, bt.p2[i]!));
    }
    const gy2 = mk(N * C);
    linearT(r, gp2, N, Hc, params, o(p + "channel_mix_in.kernel"), C, gy2);
    const gmid = gx; // residual path: gx flows into xmid unchanged, plus the LN path
    lnModulateBackward(
      r,
      gy2,
      bt.xhat2,
      bt.rstd2,
      bt.ada2,
      3 * C,
      N,
      C,
      gmid,
      gada2,
    );
    if (grad) {
      weightGrad(
        r,
        bt.g2,
        gq2,
        N,
        Hc,
        C,
        grad,
        o(p + "channel_mix_out.kernel"),
        -1,
      );
      weightGrad(
        r,
        bt.y2,
        gp2,
        N,
        C,
        Hc,
        grad,
        o(p + "channel_mix_in.kernel"),
        -1,
      );
    }
    // token mix: xmid = x + gate1·qᵀ
    const gq = mk(B * C * H);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const n = b * H + h;
        for (let c = 0; c < C; c++) {
          const t = (b * C + c) * H + h;
          gq[t] = r(gmid[n * C + c]! * bt.ada1[n * 3 * C + 2 * C + c]!);
          if (gada1) {
            gada1[n * 3 * C + 2 * C + c] = r(gmid[n * C + c]! * bt.q[t]!);
          }
        }
      }
    }
    const gp = mk(B * C * Ht);
    linearT(r, gq, B * C, H, params, o(p + "token_mix_out.kernel"), Ht, gp);
    for (let i = 0; i < gp.length; i++) {
      gp[i] = r(gp[i]! * geluGrad(r, bt.p[i]!));
    }
    const gz = mk(B * C * H);
    linearT(r, gp, B * C, Ht, params, o(p + "token_mix_in.kernel"), H, gz);
    const gy1 = mk(N * C);
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        for (let c = 0; c < C; c++) {
          gy1[(b * H + h) * C + c] = gz[(b * C + c) * H + h]!;
        }
      }
    }
    const gin = gmid;
    lnModulateBackward(
      r,
      gy1,
      bt.xhat1,
      bt.rstd1,
      bt.ada1,
      3 * C,
      N,
      C,
      gin,
      gada1,
    );
    if (grad && gada1 && gada2 && gtemb) {
      weightGrad(
        r,
        bt.g,
        gq,
        B * C,
        Ht,
        H,
        grad,
        o(p + "token_mix_out.kernel"),
        -1,
      );
      weightGrad(
        r,
        bt.z,
        gp,
        B * C,
        H,
        Ht,
        grad,
        o(p + "token_mix_in.kernel"),
        -1,
      );
      weightGrad(
        r,
        tape.temb,
        gada1,
        N,
        C,
        3 * C,
        grad,
        o(p + "adaln_1.kernel"),
        o(p + "adaln_1.bias"),
      );
      weightGrad(
        r,
        tape.temb,
        gada2,
        N,
        C,
        3 * C,
        grad,
        o(p + "adaln_2.kernel"),
        o(p + "adaln_2.bias"),
      );
      const t1 = mk(N * C), t2 = mk(N * C);
      linearT(r, gada1, N, 3 * C, params, o(p + "adaln_1.kernel"), C, t1);
      linearT(r, gada2, N, 3 * C, params, o(p + "adaln_2.kernel"), C, t2);
      for (let i = 0; i < N * C; i++) {
        gtemb[i] = r(r(gtemb[i]! + t1[i]!) + t2[i]!);
      }
    }
    gx = gin;
  }

  // INPUT PROJECTION
  const K0 = A + O;
  const gxin = mk(N * K0);
  linearT(r, gx, N, C, params, o("in_proj.kernel"), K0, gxin);
  const gradXt = mk(N * A);
  for (let n = 0; n < N; n++) {
    for (let a = 0; a < A; a++) gradXt[n * A + a] = gxin[n * K0 + a]!;
  }
  if (!grad || !gtemb) return { gradXt };
  weightGrad(
    r,
    tape.xin,
    gx,
    N,
    K0,
    C,
    grad,
    o("in_proj.kernel"),
    o("in_proj.bias"),
  );

  // TIME MLP
  const gh2 = mk(N * C);
  for (let i = 0; i < N * C; i++) {
    gh2[i] = r(gtemb[i]! * swishGrad(r, tape.h2[i]!));
  }
  weightGrad(
    r,
    tape.s1,
    gh2,
    N,
    C,
    C,
    grad,
    o("time_mlp.layers.2.kernel"),
    o("time_mlp.layers.2.bias"),
  );
  const gh1 = mk(N * C);
  linearT(r, gh2, N, C, params, o("time_mlp.layers.2.kernel"), C, gh1);
  for (let i = 0; i < N * C; i++) {
    gh1[i] = r(gh1[i]! * swishGrad(r, tape.h1[i]!));
  }
  weightGrad(
    r,
    tape.emb,
    gh1,
    N,
    C,
    C,
    grad,
    o("time_mlp.layers.0.kernel"),
    o("time_mlp.layers.0.bias"),
  );
  return { gradXt, grad };
}
