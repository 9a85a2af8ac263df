/**
 * Execution plan of the WebGPU policy network for one batch size: every
 * buffer (inputs, forward tape, backward scratch, weight-gradient partials,
 * staging) allocated once, and the dispatch lists of the forward pass, the
 * VJP and the loss gradient recorded once (uniforms included).
 *
 * @module
 */

import {
  createStorage,
  createUniform,
  type Dispatch,
  getPipeline,
} from "../gpu/kernel.ts";
import type { ParamLayout } from "./params.ts";
import type { NetShape } from "./forward_cpu.ts";
import type { NetInputs } from "./net_inputs.ts";
import { MM_FLAGS, MMT_MODES, type PolicyKernels } from "./net_wgsl.ts";
import { MM4, MM_ROWS } from "./matmul_wgsl.ts";
import { tokChannels } from "./token_wgsl.ts";
import { MM_UNIFORMS, ROW_UNIFORMS } from "./_wgsl_util.ts";

type MmFields = Parameters<typeof MM_UNIFORMS.pack>[0];
/** `tmask` of kernels reading one time-conditioning row per token. */
const ALL_ROWS = 0xffffffff;
type RuFields = Parameters<typeof ROW_UNIFORMS.pack>[0];

const MM_ZERO: MmFields = {
  rows: 0,
  cols: 0,
  red: 0,
  split: 0,
  aOff: 0,
  wOff: 0,
  oOff: 0,
  flags: 0,
  zA: 0,
  zW: 0,
  zO: 0,
  aux: 0,
  aux2: 0,
  tmask: ALL_ROWS,
};
const RU_ZERO: RuFields = {
  batch: 0,
  rows: 0,
  flags: 0,
  w0: 0,
  w1: 0,
  w2: 0,
  w3: 0,
  count: 0,
  tmask: ALL_ROWS,
};

/** Most partial-sum floats the weight gradients may use (all slices). */
const MAX_PARTIAL_FLOATS = 1 << 22;

export interface Plan {
  readonly batch: number;
  readonly xin: GPUBuffer;
  readonly idx: GPUBuffer;
  /** Forward or VJP list whose time conditioning runs on T distinct times. */
  dedup(T: number, mode: "forward" | "vjp"): Dispatch[];
  /**
   * The pieces of the VJP list, for chaining other kernels between them
   * (GPU-resident sampling): the forward pass without and with the tape,
   * both with time conditioning on T rows (T = batch·H: one per token; T <
   * batch·H: gathered by `idx`), and the backward pass to `gradXt` (reads
   * the cotangent from `gv`). `[...tape, ...backward]` is `dedup(T, "vjp")`.
   */
  pieces(T: number): {
    forward: Dispatch[];
    tape: Dispatch[];
    backward: Dispatch[];
  };
  /** Columns of a `xin` row: A + O rounded up to a multiple of 4. */
  readonly k0: number;
  readonly time: GPUBuffer;
  readonly lossin: GPUBuffer;
  readonly gv: GPUBuffer;
  readonly v: GPUBuffer;
  readonly gradXt: GPUBuffer;
  readonly grad: GPUBuffer;
  readonly staging: GPUBuffer;
  readonly forward: Dispatch[];
  readonly vjp: Dispatch[];
  readonly loss: Dispatch[];
  readonly buffers: GPUBuffer[];
}

/** Where each tensor lives in the device copy of the parameters. */
export interface DeviceLayout {
  /** Offset of each tensor (a multiple of 4 floats, for vec4 loads). */
  readonly offsets: Map<string, number>;
  /** Offset of the transposed copy `[out, in]` of the kernels the backward pass multiplies by Wᵀ. */
  readonly transposed: Map<string, number>;
  /** Total floats. */
  readonly size: number;
}

/** Kernels whose transpose the backward pass needs (shape `[in, out]`). */
function transposedKernels(layout: ParamLayout): ParamEntryLike[] {
  return layout.entries.filter((e) =>
    /^mlp_stack\.\d+\.(channel_mix_(in|out)|adaln_[12])\.kernel$/.test(
      e.name,
    ) ||
    e.name === "final_adaln.kernel" || e.name === "time_mlp.layers.2.kernel"
  );
}

type ParamEntryLike = ParamLayout["entries"][number];

/**
 * Lays out the device copy of the parameters: every tensor at a multiple of
 * 4 floats (in_proj.kernel zero-padded to {@linkcode inProjRows} rows), then
 * transposed copies of the kernels used as Wᵀ in the backward pass (each
 * layer's adaln_1ᵀ and adaln_2ᵀ adjacent, so `[Wa1ᵀ; Wa2ᵀ]` is one matrix).
 */
export function paddedOffsets(
  layout: ParamLayout,
  shape: NetShape,
): DeviceLayout {
  const offsets = new Map<string, number>();
  const transposed = new Map<string, number>();
  let at = 0;
  for (const e of layout.entries) {
    offsets.set(e.name, at);
    // in_proj.kernel gets zero rows up to a multiple of 4 (see buildXin)
    const size = e.name === "in_proj.kernel"
      ? inProjRows(shape) * shape.C
      : e.size;
    at += Math.ceil(size / 4) * 4;
  }
  for (const e of transposedKernels(layout)) {
    transposed.set(e.name, at);
    at += Math.ceil(e.size / 4) * 4;
  }
  return { offsets, transposed, size: at };
}

/** Rows of the device in_proj kernel: A + O rounded up to a multiple of 4. */
function inProjRows(shape: NetShape): number {
  return Math.ceil((shape.A + shape.O) / 4) * 4;
}

/** concat(x_t, obs) per token, zero padded to {@linkcode inProjRows} columns. */
export function buildXin(inputs: NetInputs, shape: NetShape): Float32Array {
  const { H, A, O } = shape;
  const K0 = inProjRows(shape);
  const N = inputs.batch * H;
  const out = new Float32Array(N * K0);
  for (let n = 0; n < N; n++) {
    out.set(inputs.xt.subarray(n * A, n * A + A), n * K0);
    const b = Math.floor(n / H);
    out.set(inputs.obs.subarray(b * O, b * O + O), n * K0 + A);
  }
  return out;
}

/** Packs flat parameters into the device layout (see {@linkcode paddedOffsets}). */
export function padParams(
  layout: ParamLayout,
  device: DeviceLayout,
  params: Float32Array,
): Float32Array {
  const out = new Float32Array(device.size);
  for (const e of layout.entries) {
    out.set(
      params.subarray(e.offset, e.offset + e.size),
      device.offsets.get(e.name)!,
    );
  }
  for (const e of transposedKernels(layout)) {
    const [rows, cols] = e.shape as [number, number];
    const t = device.transposed.get(e.name)!;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        out[t + j * rows + i] = params[e.offset + i * cols + j]!;
      }
    }
  }
  return out;
}

export interface PlanOptions {
  shape: NetShape;
  layout: ParamLayout;
  padded: DeviceLayout;
  kernels: PolicyKernels;
  batch: number;
  paramsBuf: GPUBuffer;
  freqBuf: GPUBuffer;
  dummy: GPUBuffer;
}

export function buildPlan(device: GPUDevice, o: PlanOptions): Plan {
  const { shape, layout, kernels, batch: B, paramsBuf: P } = o;
  const { H, A, O, C, Hc, Ht, L } = shape;
  const N = B * H;
  const all: GPUBuffer[] = [];
  const buf = (floats: number, label: string) => {
    const bytes = 4 * floats;
    if (bytes > device.limits.maxStorageBufferBindingSize) {
      throw new RangeError(
        `Cannot allocate policy buffer ${label} as batch ${B} needs ${bytes} bytes: the device allows ${device.limits.maxStorageBufferBindingSize}`,
      );
    }
    const b = createStorage(device, { size: bytes, label });
    all.push(b);
    return b;
  };
  // device (padded) offset, and flat-vector offset, of a tensor
  const off = (name: string) => o.padded.offsets.get(name)!;
  const offT = (name: string) => o.padded.transposed.get(name)!;
  const flatOff = (name: string) =>
    layout.entries.find((x) => x.name === name)!.offset;
  const pipe = (code: string, wx?: number) =>
    getPipeline(device, { code, constants: wx ? { WX: wx } : undefined });
  const mmU = (f: Partial<MmFields>) =>
    tracked(createUniform(device, MM_UNIFORMS.pack({ ...MM_ZERO, ...f })));
  const ruU = (f: Partial<RuFields>) =>
    tracked(createUniform(device, ROW_UNIFORMS.pack({ ...RU_ZERO, ...f })));
  function tracked(b: GPUBuffer) {
    all.push(b);
    return b;
  }
  const ceil = (a: number, b: number) => Math.ceil(a / b);
  // workgroup width: the invocations needed across the columns, rounded up
  // to a power of two in [4, 64]
  // One workgroup width for every matmul (each width is a separate pipeline
  // to compile, and llvmpipe compiles slowly): 8 invocations, one SIMD
  // chunk on llvmpipe.
  const width = (_lanes: number) => 8;
  type Kind = "scalar" | "nn" | "nt" | "tn";
  const mmD = (
    code: string,
    f: Partial<MmFields> & { rows: number; cols: number },
    buffers: GPUBuffer[],
    z = 1,
    kind: Kind = "nn",
  ): Dispatch => {
    const [perLane, rowsPer] = kind === "scalar"
      ? [1, MM_ROWS]
      : kind === "nn"
      ? [4 * MM4.nn.groups, MM4.nn.rows]
      : kind === "nt"
      ? [MM4.nt.cols, MM4.nt.rows]
      : [4 * MM4.tn.groups, MM4.tn.rows];
    const wx = width(ceil(f.cols, perLane));
    return {
      pipeline: pipe(code, wx),
      buffers: [mmU(f), ...buffers],
      workgroups: [ceil(f.cols, perLane * wx), ceil(f.rows, rowsPer), z],
    };
  };
  // token kernels: one invocation per (sample, `per` channels), 64 per group
  const perChannel = (per: number): [number, number] => {
    const g = ceil((B * C) / per, 64);
    return [Math.min(g, 65535), ceil(g, 65535)];
  };
  const tokPer = tokChannels(shape);

  // INPUTS AND OUTPUTS
  const K0 = inProjRows(shape);
  const xin = buf(N * K0, "xin"), time = buf(N, "time");
  const idx = buf(N, "idx"); // token -> distinct-time row (u32)
  const dedupLists = new Map<string, Dispatch[]>();
  const pieceLists = new Map<number, ReturnType<Plan["pieces"]>>();
  const lossin = buf(N * A + N, "lossin"); // target then weight
  const gv = buf(N * A + N, "gv"); // cotangent then per-token loss
  const v = buf(N * A, "v"), gradXt = buf(N * A, "gradXt");
  const grad = buf(layout.size, "grad");
  // FORWARD TAPE
  const emb = buf(N * C, "emb"), h1 = buf(N * C, "h1"), s1 = buf(N * C, "s1");
  const h2 = buf(N * C, "h2"), temb = buf(N * C, "temb");
  const xs = Array.from({ length: L + 1 }, (_, l) => buf(N * C, `x${l}`));
  const xmid = xs.slice(1).map((_, l) => buf(N * C, `xmid${l}`));
  // adaln_1 and adaln_2 outputs [2,N,3C], then q2 (channel-MLP output) [N,C]
  const ada = xmid.map((_, l) => buf(7 * N * C, `ada${l}`));
  const y1 = xmid.map((_, l) => buf(N * C, `y1_${l}`));
  const y2 = xmid.map((_, l) => buf(N * C, `y2_${l}`));
  // gelu'(p2): the channel MLP's activation derivative
  const dg2 = xmid.map((_, l) => buf(N * Hc, `dg2_${l}`));
  const g2 = xmid.map((_, l) => buf(N * Hc, `g2_${l}`));
  const adaf = buf(N * 2 * C, "adaf"), yf = buf(N * C, "yf");
  // LayerNorm (mean, 1/std) per token of each layer's two LNs, for ln_bwd
  const lnst = buf(4 * L * N, "lnst");
  // BACKWARD SCRATCH
  const gx = buf(N * C, "gx"), gadaf = buf(N * 2 * C, "gadaf");
  const gtemb = buf(N * C, "gtemb"), gp2 = buf(N * Hc, "gp2");
  const gy2 = buf(N * C, "gy2"), gada = buf(2 * N * 3 * C, "gada");
  // diag(gate2)·Wcoutᵀ of the layer being differentiated (one shared time)
  const wgate = buf(C * Hc, "wgate");
  // token-mix scratch: z [B,C,H], gq [B,C,H], g [B,C,Ht], gp [B,C,Ht]
  const tok = buf(2 * B * C * (H + Ht), "tok");

  // WEIGHT-GRADIENT GROUPS (each covers a kernel and, when present, its bias)
  const slices = Math.max(
    1,
    Math.min(
      32,
      Math.ceil(N / 256),
      Math.floor(MAX_PARTIAL_FLOATS / layout.size),
    ),
  );
  const table: number[] = [];
  let partFloats = 0;
  let maxSize = 0;
  // table rows: [gradOff, size, partOff, stride]: grad[gradOff + i] = Σ_s part[partOff + s·stride + i]
  const group = (name: string, rows: number, cols: number) => {
    const size = rows * cols;
    table.push(flatOff(name), size, partFloats, size);
    const at = partFloats;
    partFloats += Math.ceil((size * slices) / 4) * 4;
    maxSize = Math.max(maxSize, size);
    return at;
  };
  const groups = {
    out: group("out_proj.kernel", C + 1, A),
    fin: group("final_adaln.kernel", C + 1, 2 * C),
    layers: Array.from({ length: L }, (_, l) => {
      const p = `mlp_stack.${l}.`;
      return {
        cout: group(p + "channel_mix_out.kernel", Hc, C),
        cin: group(p + "channel_mix_in.kernel", C, Hc),
        tout: group(p + "token_mix_out.kernel", Ht, H),
        tin: group(p + "token_mix_in.kernel", H, Ht),
        a1: group(p + "adaln_1.kernel", C + 1, 3 * C),
        a2: group(p + "adaln_2.kernel", C + 1, 3 * C),
      };
    }),
    inp: (() => {
      // device rows K0 (≥ A+O, zero padded) then the bias row
      const stride = (K0 + 1) * C;
      const at = partFloats;
      table.push(flatOff("in_proj.kernel"), (A + O) * C, at, stride);
      table.push(flatOff("in_proj.bias"), C, at + K0 * C, stride);
      partFloats += Math.ceil((stride * slices) / 4) * 4;
      maxSize = Math.max(maxSize, (A + O) * C);
      return at;
    })(),
    t2: group("time_mlp.layers.2.kernel", C + 1, C),
    t0: group("time_mlp.layers.0.kernel", C + 1, C),
  };
  const partial = buf(partFloats, "partial");
  const tableBuf = tracked(
    createStorage(device, { data: new Uint32Array(table), label: "table" }),
  );
  const split = (rows: number) => ceil(rows, slices);
  const wg = (
    code: string,
    at: number,
    rows: number,
    cols: number,
    red: number,
    bias: boolean,
    buffers: GPUBuffer[],
    extra: Partial<MmFields> = {},
  ) =>
    mmD(
      code,
      {
        rows,
        cols,
        red,
        split: split(red),
        oOff: at,
        flags: bias ? 1 : 0,
        ...extra,
      },
      buffers,
      slices,
      code === kernels.wgrad4 || code === kernels.wgrad_cout ? "tn" : "scalar",
    );

  // FORWARD
  // The time conditioning (embedding, time MLP, adaLN) runs on T rows: all
  // N tokens, or (forward/VJP only) the T distinct time values, whose adaLN
  // outputs are then gathered to the tokens by `idx`.
  const expand = (
    src: GPUBuffer,
    dst: GPUBuffer,
    width: number,
    planes: number,
    T: number,
  ): Dispatch => ({
    pipeline: pipe(kernels.expand),
    buffers: [
      ruU({ rows: N, count: width, w2: T * width, w3: N * width }),
      idx,
      src,
      dst,
    ],
    workgroups: [Math.min(ceil((N * width) / 4, 64), 4096), planes],
  });
  // tape: store what the VJP needs (LN statistics, gelu'); full: also what
  // only the weight gradients need (channel-MLP outputs q2, the head's yf)
  const forward = (tape: boolean, T = N, full = false): Dispatch[] => {
    const { bias, storePre, swish, gelu, geluGrad } = MM_FLAGS;
    // T = 1: every token reads the one time-conditioning row (tmask 0);
    // 1 < T < N: T rows gathered to the tokens by \`expand\`
    const shared = T === 1 && N > 1;
    const dedup = T < N && !shared;
    const tmask = shared ? 0 : ALL_ROWS;
    const list: Dispatch[] = [
      {
        pipeline: pipe(kernels.embed),
        buffers: [ruU({ rows: T }), o.freqBuf, time, emb],
        workgroups: [ceil(T * (C / 2), 64)],
      },
      mmD(kernels.mm, {
        rows: T,
        cols: C,
        red: C,
        wOff: off("time_mlp.layers.0.kernel"),
        flags: bias | storePre | swish,
      }, [P, emb, h1, s1]),
      mmD(kernels.mm, {
        rows: T,
        cols: C,
        red: C,
        wOff: off("time_mlp.layers.2.kernel"),
        flags: bias | storePre | swish,
      }, [P, s1, h2, temb]),
      mmD(kernels.mm, {
        rows: N,
        cols: C,
        red: K0,
        wOff: off("in_proj.kernel"),
        flags: bias | storePre,
      }, [P, xin, xs[0]!, o.dummy]),
    ];
    for (let l = 0; l < L; l++) {
      const p = `mlp_stack.${l}.`;
      list.push(
        mmD(
          kernels.mm,
          {
            rows: T,
            cols: 3 * C,
            red: C,
            wOff: off(p + "adaln_1.kernel"),
            zW: off(p + "adaln_2.kernel") - off(p + "adaln_1.kernel"),
            zO: (dedup ? T : N) * 3 * C,
            flags: bias | storePre,
          },
          [P, temb, dedup ? gada : ada[l]!, o.dummy],
          2,
        ),
      );
      if (dedup) list.push(expand(gada, ada[l]!, 3 * C, 2, T));
      list.push(
        {
          pipeline: pipe(kernels.ln_mod),
          buffers: [
            ruU({ rows: N, w0: 0, tmask, flags: tape ? 1 : 0, w1: 4 * l * N }),
            xs[l]!,
            ada[l]!,
            y1[l]!,
            lnst,
          ],
          workgroups: [ceil(N, 64)],
        },
        {
          pipeline: pipe(kernels.tok_mix),
          buffers: [
            ruU({
              batch: B,
              w0: off(p + "token_mix_in.kernel"),
              w1: off(p + "token_mix_out.kernel"),
              tmask,
            }),
            P,
            xs[l]!,
            y1[l]!,
            ada[l]!,
            xmid[l]!,
          ],
          workgroups: perChannel(tokPer),
        },
        {
          pipeline: pipe(kernels.ln_mod),
          buffers: [
            ruU({
              rows: N,
              w0: N * 3 * C,
              tmask,
              flags: tape ? 1 : 0,
              w1: (4 * l + 2) * N,
            }),
            xmid[l]!,
            ada[l]!,
            y2[l]!,
            lnst,
          ],
          workgroups: [ceil(N, 64)],
        },
        mmD(kernels.mm, {
          rows: N,
          cols: Hc,
          red: C,
          wOff: off(p + "channel_mix_in.kernel"),
          flags: (tape ? geluGrad : 0) | gelu,
        }, [P, y2[l]!, dg2[l]!, g2[l]!]),
        mmD(kernels.mm_cout, {
          rows: N,
          cols: C,
          red: Hc,
          wOff: off(p + "channel_mix_out.kernel"),
          aux: N * 3 * C,
          aux2: 6 * N * C,
          flags: full ? 2 : 0,
          tmask,
        }, [P, g2[l]!, xmid[l]!, ada[l]!, xs[l + 1]!]),
      );
    }
    list.push(
      mmD(kernels.mm, {
        rows: T,
        cols: 2 * C,
        red: C,
        wOff: off("final_adaln.kernel"),
        flags: bias | storePre,
      }, [P, temb, dedup ? gadaf : adaf, o.dummy]),
    );
    if (dedup) list.push(expand(gadaf, adaf, 2 * C, 1, T));
    list.push(
      {
        pipeline: pipe(kernels.head),
        buffers: [
          ruU({
            rows: N,
            flags: full ? 1 : 0,
            w0: off("out_proj.kernel"),
            w1: off("out_proj.bias"),
            tmask,
          }),
          P,
          xs[L]!,
          adaf,
          yf,
          v,
        ],
        workgroups: [ceil(N, 64)],
      },
    );
    return list;
  };

  // BACKWARD
  const backward = (full: boolean, T = N): Dispatch[] => {
    const tmask = T === 1 && N > 1 ? 0 : ALL_ROWS;
    const list: Dispatch[] = [{
      pipeline: pipe(kernels.head_bwd),
      buffers: [
        ruU({
          rows: N,
          flags: full ? 3 : 0,
          w0: off("out_proj.kernel"),
          count: N * A,
          tmask,
        }),
        P,
        xs[L]!,
        adaf,
        v,
        lossin,
        gv,
        gx,
        gadaf,
      ],
      workgroups: [ceil(N, 64)],
    }];
    if (full) {
      list.push(
        wg(kernels.wgrad, groups.out, C + 1, A, N, true, [yf, gv, partial]),
        wg(kernels.wgrad4, groups.fin, C + 1, 2 * C, N, true, [
          temb,
          gadaf,
          partial,
        ]),
        mmD(kernels.mmn, {
          rows: N,
          cols: C,
          red: 2 * C,
          wOff: offT("final_adaln.kernel"),
          flags: MMT_MODES.store,
        }, [P, gadaf, emb, gtemb]),
      );
    }
    for (let l = L - 1; l >= 0; l--) {
      const p = `mlp_stack.${l}.`;
      const gl = groups.layers[l]!;
      if (tmask === 0) {
        // one shared gate2 row: gp2 = (gx @ (diag(gate2) Wcoutᵀ))·gelu'(p2)
        list.push(
          {
            pipeline: pipe(kernels.scale_rows),
            buffers: [
              ruU({
                w0: offT(p + "channel_mix_out.kernel"),
                w1: N * 3 * C + 2 * C,
              }),
              P,
              ada[l]!,
              wgate,
            ],
            workgroups: [ceil(C * Hc, 64)],
          },
          mmD(kernels.mmn, {
            rows: N,
            cols: Hc,
            red: C,
            flags: MMT_MODES.scale,
          }, [wgate, gx, dg2[l]!, gp2]),
        );
      } else {
        list.push(mmD(kernels.mmn_cout, {
          rows: N,
          cols: Hc,
          red: C,
          wOff: offT(p + "channel_mix_out.kernel"),
          aux: N * 3 * C,
          flags: MMT_MODES.scale,
          tmask,
        }, [P, gx, dg2[l]!, gp2, ada[l]!]));
      }
      list.push(
        mmD(kernels.mmn, {
          rows: N,
          cols: C,
          red: Hc,
          wOff: offT(p + "channel_mix_in.kernel"),
          flags: MMT_MODES.store,
        }, [P, gp2, dg2[l]!, gy2]),
      );
      if (full) {
        list.push(
          wg(kernels.wgrad_cout, gl.cout, Hc, C, N, false, [
            g2[l]!,
            gx,
            partial,
            ada[l]!,
          ], {
            aux: N * 3 * C,
          }),
          wg(kernels.wgrad4, gl.cin, C, Hc, N, false, [y2[l]!, gp2, partial]),
        );
      }
      list.push(
        {
          pipeline: pipe(kernels.ln_bwd),
          buffers: [
            ruU({
              rows: N,
              flags: full ? 3 : 0,
              w0: N * 3 * C,
              w1: (4 * l + 2) * N,
              w2: 6 * N * C,
              tmask,
            }),
            xmid[l]!,
            ada[l]!,
            gy2,
            gx,
            gada,
            lnst,
          ],
          workgroups: [ceil(N, 64)],
        },
        {
          pipeline: pipe(full ? kernels.tok_bwd : kernels.tok_vjp),
          buffers: [
            ruU({
              batch: B,
              flags: full ? 1 : 0,
              w0: off(p + "token_mix_in.kernel"),
              w1: off(p + "token_mix_out.kernel"),
              tmask,
            }),
            P,
            y1[l]!,
            ada[l]!,
            gx,
            gy2,
            ...(full ? [gada, tok] : []),
          ],
          workgroups: perChannel(full ? 1 : tokPer),
        },
        {
          pipeline: pipe(kernels.ln_bwd),
          buffers: [
            ruU({ rows: N, flags: full ? 1 : 0, w0: 0, w1: 4 * l * N, tmask }),
            xs[l]!,
            ada[l]!,
            gy2,
            gx,
            gada,
            lnst,
          ],
          workgroups: [ceil(N, 64)],
        },
      );
      if (full) {
        list.push(
          wg(kernels.wgrad, gl.tout, Ht, H, B * C, false, [tok, tok, partial], {
            aOff: 2 * B * C * H,
            aux: B * C * H,
          }),
          wg(kernels.wgrad, gl.tin, H, Ht, B * C, false, [tok, tok, partial], {
            aOff: 0,
            aux: 2 * B * C * H + B * C * Ht,
          }),
          wg(kernels.wgrad4, gl.a1, C + 1, 3 * C, N, true, [
            temb,
            gada,
            partial,
          ]),
          wg(kernels.wgrad4, gl.a2, C + 1, 3 * C, N, true, [
            temb,
            gada,
            partial,
          ], {
            aux: N * 3 * C,
          }),
          mmD(kernels.mmn_ada, {
            rows: N,
            cols: C,
            red: 6 * C,
            wOff: offT(p + "adaln_1.kernel"),
            aux: N * 3 * C,
            flags: MMT_MODES.accumulate,
          }, [P, gada, emb, gtemb]),
        );
      }
    }
    if (!full) {
      list.push(mmD(
        kernels.mmt,
        {
          rows: N,
          cols: A,
          red: C,
          wOff: off("in_proj.kernel"),
          flags: MMT_MODES.store,
        },
        [P, gx, emb, gradXt],
        1,
        "nt",
      ));
      return list;
    }
    list.push(
      wg(kernels.wgrad4, groups.inp, K0 + 1, C, N, true, [xin, gx, partial]),
      {
        pipeline: pipe(kernels.swish_bwd),
        buffers: [ruU({ rows: N }), h2, gtemb],
        workgroups: [Math.min(ceil(N * C, 64), 4096)],
      },
      wg(kernels.wgrad4, groups.t2, C + 1, C, N, true, [s1, gtemb, partial]),
      mmD(kernels.mmn, {
        rows: N,
        cols: C,
        red: C,
        wOff: offT("time_mlp.layers.2.kernel"),
        flags: MMT_MODES.swishGrad,
      }, [P, gtemb, h1, gy2]),
      wg(kernels.wgrad4, groups.t0, C + 1, C, N, true, [emb, gy2, partial]),
      {
        pipeline: pipe(kernels.reduce),
        buffers: [ruU({ count: slices }), tableBuf, partial, grad],
        workgroups: [ceil(maxSize, 64), table.length / 4],
      },
    );
    return list;
  };

  const stagingFloats = Math.max(2 * N * A, layout.size + N);
  const staging = device.createBuffer({
    size: 4 * stagingFloats,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    label: "staging",
  });
  all.push(staging);
  return {
    batch: B,
    xin,
    time,
    lossin,
    gv,
    v,
    gradXt,
    grad,
    staging,
    idx,
    k0: K0,
    forward: forward(false),
    vjp: [...forward(true), ...backward(false)],
    loss: [...forward(true, N, true), ...backward(true)],
    dedup(T: number, mode: "forward" | "vjp") {
      const key = `${mode}${T}`;
      let list = dedupLists.get(key);
      if (!list) {
        list = mode === "forward"
          ? forward(false, T)
          : [...forward(true, T), ...backward(false, T)];
        dedupLists.set(key, list);
      }
      return list;
    },
    pieces(T: number) {
      let r = pieceLists.get(T);
      if (!r) {
        r = {
          forward: forward(false, T),
          tape: forward(true, T),
          backward: backward(false, T),
        };
        pieceLists.set(T, r);
      }
      return r;
    },
    buffers: all,
  };
}
