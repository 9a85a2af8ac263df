/**
 * WGSL of bidirectional decoding (BID, `_bid.ts`, backward loss only) for
 * the GPU-fused evaluators: the chunk sampler runs naive flow on S·N rows
 * (candidate n of environment b in row `n·N + b`), between its noise
 * kernel and its first flow step `bid_prepare` gives every row the
 * observation and the noise of `sampleChunk`'s BID (candidate n uses noise
 * elements from n·H·A: `normal(deriveSeed(seed, counter_b, NOISE_TAG),
 * stream_b, k >> 1, k & 1)`, k = n·H·A + i), and after the flow
 * `bid_select` scores every candidate by `Σ_h w_h ‖a_h − y_h‖` (w the
 * `exp` prefix weights of the request's d and s, y the previous chunk) and
 * copies the first argmin into row b, where the evaluator reads its chunk.
 *
 * Bindings: the standard ones of `src/eval/fused_run.ts` (`obs`, `calls`,
 * `prev`, `next`: the sampler's buffers, here with S·N rows, the evaluator
 * using rows 0..N−1) plus an extra `bidw` holding
 * {@linkcode bidWeightTable}. Float32 losses (the CPU sums in float64):
 * the argmin differs only when two candidates' losses agree to ~1e-7.
 *
 * @module
 */
import { NOISE_TAG } from "./noise.ts";
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
 * Builds the entry points `bid_prepare` and `bid_select` (one invocation
 * per environment; they call `fused_bind_all()` and read `params.n` and
 * `params.seed`, the evaluator's environment count and run seed).
 *
 * @param dims Candidates S (≥ 1) and the observation size O.
 * @returns WGSL source, to append to an evaluator shader.
 * @throws {RangeError} If S is not a positive integer.
 *
 * @example
 * ```ts
 * import { bidWgsl } from "./bid_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(bidWgsl({ samples: 16, obsDim: 9 }), /fn bid_select/);
 * ```
 */
export function bidWgsl(dims: { samples: number; obsDim: number }): string {
  const { samples: S, obsDim: O } = dims;
  if (!Number.isInteger(S) || S < 1) {
    throw new RangeError(
      `Cannot build BID WGSL as samples must be a positive integer: current value is ${S}`,
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

@compute @workgroup_size(64)
fn bid_select(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let b = gid.x;
  let N = params.n;
  if (b >= N) { return; }
  let m = calls[b];
  let wb = (min(m.z, H) * (H + 1u) + min(m.w, H)) * H;
  var best = 0u;
  var best_loss = 0.0;
  for (var n = 0u; n < BID_S; n++) {
    var loss = 0.0;
    for (var h = 0u; h < H; h++) {
      var sq = 0.0;
      for (var j = 0u; j < A; j++) {
        let d = next[(n * N + b) * HA + h * A + j] - prev[b * HA + h * A + j];
        sq += d * d;
      }
      loss += bidw[wb + h] * sqrt(sq);
    }
    if (n == 0u || loss < best_loss) {
      best = n;
      best_loss = loss;
    }
  }
  if (best != 0u) {
    for (var i = 0u; i < HA; i++) { next[b * HA + i] = next[(best * N + b) * HA + i]; }
  }
}
`;
}
