/**
 * WGSL of bidirectional decoding (BID, `_bid.ts`) for the GPU-fused
 * evaluators: the chunk sampler runs naive flow on S·N rows (candidate n
 * of environment b in row `n·N + b`), between its noise kernel and its
 * first flow step `bid_prepare` gives every row the observation and the
 * noise of `sampleChunk`'s BID (candidate n uses noise elements from
 * n·H·A: `normal(deriveSeed(seed, counter_b, NOISE_TAG), stream_b, k >> 1,
 * k & 1)`, k = n·H·A + i), and after the flow `bid_select` scores every
 * candidate by the backward loss `Σ_h w_h ‖a_h − y_h‖` (w the `exp` prefix
 * weights of the request's d and s, y the previous chunk) and copies the
 * first argmin into row b, where the evaluator reads its chunk.
 *
 * Forward contrast (`bidK` = k with a weak policy): the weak policy's
 * naive flow runs from the same noise and observations on its own S·N rows
 * (the evaluator records it into the same encoder and binds its output as
 * `bidweak`), and the loss of strong candidate n gains
 * `(Σ_{p ∈ top-k strong} D(n, p) − Σ_{q ∈ top-k weak} D(n, weak q)) / S`,
 * D the sum over h of the action distances, top-k by backward loss (ties:
 * lower index first), exactly as `_bid.ts`.
 *
 * Bindings: the standard ones of `src/eval/fused_run.ts` (`obs`, `calls`,
 * `prev`, `next`: the sampler's buffers, here with S·N rows, the evaluator
 * using rows 0..N−1) plus the extra ones of {@linkcode bidBindings}:
 * `bidw` holding {@linkcode bidWeightTable} and, with forward contrast,
 * `bidweak` (the weak candidates `[S·N, H, A]`). Float32 losses (the CPU
 * sums in float64): the top-k sets and the argmin differ only when two
 * candidates' losses agree to ~1e-7.
 *
 * @module
 */
import { NOISE_TAG } from "../rng/noise.ts";
import { prefixWeights } from "./prefix_weights.ts";

/**
 * The `exp` prefix weights of every (d, s) pair, as the CPU's BID computes
 * them (`prefixWeights(d, H − s, H, "exp")`, float32): entry `(d·(H + 1) +
 * s)·H + h`.
 *
 * @param horizon Chunk length H.
 * @returns `[H + 1, H + 1, H]` weights.
 *
 * @example
 * ```ts
 * import { bidWeightTable } from "./bid_wgsl.ts";
 * import assert from "node:assert/strict";
 * const w = bidWeightTable(4);
 * assert.equal(w.length, 5 * 5 * 4);
 * assert.deepEqual([...w.subarray((2 * 5 + 1) * 4, (2 * 5 + 2) * 4)].map((x) => x > 0), [true, true, true, false]);
 * ```
 */
export function bidWeightTable(horizon: number): Float32Array {
  const H = horizon;
  const w = new Float32Array((H + 1) * (H + 1) * H);
  for (let d = 0; d <= H; d++) {
    for (let s = 0; s <= H; s++) {
      const at = (d * (H + 1) + s) * H;
      prefixWeights(d, H - s, H, "exp", w.subarray(at, at + H));
    }
  }
  return w;
}

/**
 * The dims of {@linkcode bidWgsl}: candidates S, observation size O, and
 * the k of the forward contrast (null or absent: backward loss only).
 *
 * @example
 * ```ts
 * import type { BidWgslDims } from "./bid_wgsl.ts";
 * const contrast: BidWgslDims = { samples: 16, obsDim: 9, k: 3 };
 * ```
 */
export interface BidWgslDims {
  /** Candidates S (≥ 1). */
  samples: number;
  /** Observation size O. */
  obsDim: number;
  /** k of the forward contrast, in [1, S] (needs `bidweak`). @default null */
  k?: number | null;
}

/**
 * The names of the extra bindings BID's kernels read, in binding order:
 * `bidw`, plus `bidweak` with forward contrast.
 *
 * @param dims The dims of {@linkcode bidWgsl} (null: no BID).
 * @returns The binding names.
 *
 * @example
 * ```ts
 * import { bidBindings } from "./bid_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(bidBindings({ k: 2 }), ["bidw", "bidweak"]);
 * assert.deepEqual(bidBindings(null), []);
 * ```
 */
export function bidBindings(
  dims: Pick<BidWgslDims, "k"> | null | undefined,
): string[] {
  if (!dims) return [];
  return (dims.k ?? null) === null ? ["bidw"] : ["bidw", "bidweak"];
}

/**
 * Builds the entry points `bid_prepare` and `bid_select` (one invocation
 * per environment; they call `fused_bind_all()` and read `params.n` and
 * `params.seed`, the evaluator's environment count and run seed) and the
 * function `bid_choose(b)` (the chosen candidate and its total loss) that
 * `bid_select` applies.
 *
 * @param dims Candidates S (≥ 1), the observation size O and the k of the
 *   forward contrast.
 * @returns WGSL source, to append to an evaluator shader.
 * @throws {RangeError} If S is not a positive integer or k not null or an
 *   integer in [1, S].
 *
 * @example
 * ```ts
 * import { bidWgsl } from "./bid_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(bidWgsl({ samples: 16, obsDim: 9 }), /fn bid_select/);
 * assert.match(bidWgsl({ samples: 16, obsDim: 9, k: 4 }), /bidweak/);
 * ```
 */
export function bidWgsl(dims: BidWgslDims): string {
  const { samples: S, obsDim: O } = dims;
  const k = dims.k ?? null;
  if (!Number.isInteger(S) || S < 1) {
    throw new RangeError(
      `Cannot build BID WGSL as samples must be a positive integer: current value is ${S}`,
    );
  }
  if (k !== null && (!Number.isInteger(k) || k < 1 || k > S)) {
    throw new RangeError(
      `Cannot build BID WGSL as k must be null or an integer in [1, samples=${S}]: current value is ${k}`,
    );
  }
  return /* wgsl */ `
// BID: S = ${S} NAIVE CANDIDATES, CANDIDATE n OF ENVIRONMENT b IN ROW n*N + b
const BID_S: u32 = ${S}u;
const BID_O: u32 = ${O}u;

@compute @workgroup_size(64)
fn bid_prepare(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let b = gid.x;
  let N = params.n;
  if (b >= N) { return; }
  let m = calls[b];
  let seed = pcg4d(vec4<u32>(params.seed, m.x, ${NOISE_TAG}u, 0u)).x;
  for (var n = 0u; n < BID_S; n++) {
    let row = n * N + b;
    if (n > 0u) {
      for (var j = 0u; j < BID_O; j++) { obs[row * BID_O + j] = obs[b * BID_O + j]; }
    }
    for (var i = 0u; i < HA; i++) {
      let k = n * HA + i;
      next[row * HA + i] = rng_normal(seed, m.y, k >> 1u, k & 1u);
    }
  }
}

struct BidChoice { index: u32, loss: f32 }

// BACKWARD LOSS OF STRONG CANDIDATE n (WEIGHTS FROM bidw[wb..])
fn bid_backward(b: u32, n: u32, wb: u32) -> f32 {
  let N = params.n;
  var loss = 0.0;
  for (var h = 0u; h < H; h++) {
    var sq = 0.0;
    for (var j = 0u; j < A; j++) {
      let d = next[(n * N + b) * HA + h * A + j] - prev[b * HA + h * A + j];
      sq += d * d;
    }
    loss += bidw[wb + h] * sqrt(sq);
  }
  return loss;
}
${k === null ? "" : contrastWgsl(k)}
fn bid_choose(b: u32) -> BidChoice {
  let m = calls[b];
  let wb = (min(m.z, H) * (H + 1u) + min(m.w, H)) * H;
  var loss: array<f32, BID_S>;
  for (var n = 0u; n < BID_S; n++) { loss[n] = bid_backward(b, n, wb); }${
    k === null ? "" : `
  bid_contrast(b, wb, &loss);`
  }
  var best = 0u;
  for (var n = 1u; n < BID_S; n++) {
    if (loss[n] < loss[best]) { best = n; }
  }
  return BidChoice(best, loss[best]);
}

@compute @workgroup_size(64)
fn bid_select(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let b = gid.x;
  let N = params.n;
  if (b >= N) { return; }
  let best = bid_choose(b).index;
  if (best != 0u) {
    for (var i = 0u; i < HA; i++) { next[b * HA + i] = next[(best * N + b) * HA + i]; }
  }
}
`;
}

/** The forward-contrast WGSL (`bidweak` holds the weak candidates). */
function contrastWgsl(k: number): string {
  return /* wgsl */ `
// FORWARD CONTRAST, k = ${k}
const BID_K: u32 = ${k}u;

// BACKWARD LOSS OF WEAK CANDIDATE n
fn bid_backward_weak(b: u32, n: u32, wb: u32) -> f32 {
  let N = params.n;
  var loss = 0.0;
  for (var h = 0u; h < H; h++) {
    var sq = 0.0;
    for (var j = 0u; j < A; j++) {
      let d = bidweak[(n * N + b) * HA + h * A + j] - prev[b * HA + h * A + j];
      sq += d * d;
    }
    loss += bidw[wb + h] * sqrt(sq);
  }
  return loss;
}

// WHETHER CANDIDATE n IS AMONG THE k SMALLEST LOSSES (TIES: LOWER INDEX FIRST)
fn bid_in_top_k(loss: array<f32, BID_S>, n: u32) -> bool {
  var rank = 0u;
  for (var m = 0u; m < BID_S; m++) {
    if (loss[m] < loss[n] || (loss[m] == loss[n] && m < n)) { rank++; }
  }
  return rank < BID_K;
}

// Σ_h ‖STRONG i − (STRONG OR WEAK) j‖ OF ENVIRONMENT b
fn bid_distance(b: u32, i: u32, j: u32, weak: bool) -> f32 {
  let N = params.n;
  var total = 0.0;
  for (var h = 0u; h < H; h++) {
    var sq = 0.0;
    for (var a = 0u; a < A; a++) {
      let x = next[(i * N + b) * HA + h * A + a];
      var z = 0.0;
      if (weak) { z = bidweak[(j * N + b) * HA + h * A + a]; } else { z = next[(j * N + b) * HA + h * A + a]; }
      sq += (x - z) * (x - z);
    }
    total += sqrt(sq);
  }
  return total;
}

// loss[n] += (Σ_{p ∈ top-k strong} D(n, p) − Σ_{q ∈ top-k weak} D(n, weak q)) / S
fn bid_contrast(b: u32, wb: u32, loss: ptr<function, array<f32, BID_S>>) {
  var wloss: array<f32, BID_S>;
  for (var n = 0u; n < BID_S; n++) { wloss[n] = bid_backward_weak(b, n, wb); }
  let strong = *loss;
  var forward: array<f32, BID_S>;
  for (var p = 0u; p < BID_S; p++) {
    let plus = bid_in_top_k(strong, p);
    let minus = bid_in_top_k(wloss, p);
    for (var n = 0u; n < BID_S; n++) {
      if (plus) { forward[n] += bid_distance(b, n, p, false); }
      if (minus) { forward[n] -= bid_distance(b, n, p, true); }
    }
  }
  for (var n = 0u; n < BID_S; n++) { (*loss)[n] += forward[n] / f32(BID_S); }
}
`;
}
