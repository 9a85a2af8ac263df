/**
 * WGSL twin of `TemporalEnsemble` (`temporal_ensemble.ts`): the
 * per-environment store of the last H chunks and the ACT-weighted average
 * for the current step, as functions over one storage buffer, for the
 * GPU-fused evaluators (`src/eval/scan_gpu.ts`, `src/eval/async_gpu.ts`).
 *
 * Buffer layout (f32, {@linkcode temporalEnsembleStride} values per
 * environment): `[H]` start steps of the slots (−1 when empty; steps are
 * exact integers below 2^24), then `[H slots, H, A]` chunk values. A chunk
 * starting at step `t0` lives in slot `t0 mod H`, as on the CPU.
 *
 * Generated functions (the caller declares the buffer, by default `ens`,
 * as `array<f32>`):
 * - `te_reset(e)`: forget every chunk of environment e;
 * - `te_claim(e, start) -> u32`: mark the slot of a chunk starting at
 *   `start` and return the index of its first value (the caller copies the
 *   `[H, A]` chunk there);
 * - `te_action(e, step, &a) -> u32`: the number n of chunks covering
 *   `step`; when n > 0, `a` gets their average, oldest first, with the
 *   weights `exp(−m·i) / Σ exp(−m·j)` computed on the host in float64 and
 *   rounded to float32 (the CPU accumulates in float64: results agree to a
 *   few float32 ulps, exactly when n = 1).
 *
 * @module
 */
/**
 * Float32 values per environment in the ensemble buffer: `H + H·H·A`.
 *
 * @param horizon Chunk length H.
 * @param actionDim Action size A.
 * @returns The stride.
 *
 * @example
 * ```ts
 * import { temporalEnsembleStride } from "./temporal_ensemble_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(temporalEnsembleStride(4, 2), 4 + 4 * 4 * 2);
 * ```
 */
export function temporalEnsembleStride(
  horizon: number,
  actionDim: number,
): number {
  return horizon + horizon * horizon * actionDim;
}

/**
 * The normalised ACT weights: entry `(n − 1)·H + i` is the weight of the
 * i-th oldest of n averaged predictions, `exp(−m·i) / Σ_{j<n} exp(−m·j)`
 * (float64, as the CPU computes them).
 *
 * @param horizon Chunk length H.
 * @param decay ACT decay m ≥ 0.
 * @returns `[H, H]` weights (zero for i ≥ n).
 *
 * @example
 * ```ts
 * import { temporalEnsembleWeights } from "./temporal_ensemble_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...temporalEnsembleWeights(2, 0)], [1, 0, 0.5, 0.5]);
 * ```
 */
export function temporalEnsembleWeights(
  horizon: number,
  decay: number,
): Float64Array {
  const w = new Float64Array(horizon * horizon);
  for (let n = 1; n <= horizon; n++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(-decay * i);
    for (let i = 0; i < n; i++) {
      w[(n - 1) * horizon + i] = Math.exp(-decay * i) / sum;
    }
  }
  return w;
}

/**
 * Builds the ensemble's WGSL functions (see the module doc).
 *
 * @param dims Chunk length H, action size A, ACT decay m (finite, ≥ 0) and
 *   the buffer's name. `buffer` defaults to `"ens"`.
 * @returns WGSL source (constants `TE_H`, `TE_A`, `TE_HA`, `TE_STRIDE`,
 *   `TE_W` and the three functions).
 * @throws {RangeError} If a size is not a positive integer or the decay is
 *   negative or not finite.
 *
 * @example
 * ```ts
 * import { temporalEnsembleWgsl } from "./temporal_ensemble_wgsl.ts";
 * import assert from "node:assert/strict";
 * const code = temporalEnsembleWgsl({ horizon: 4, actionDim: 2, decay: 0.01 });
 * assert.match(code, /fn te_action\(e: u32, step: u32, a: ptr<function, array<f32, TE_A>>\) -> u32/);
 * ```
 */
export function temporalEnsembleWgsl(dims: {
  horizon: number;
  actionDim: number;
  decay: number;
  buffer?: string;
}): string {
  const { horizon: H, actionDim: A, decay } = dims;
  for (const [f, v] of [["horizon", H], ["actionDim", A]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `Cannot build temporal ensemble WGSL as ${f} must be a positive integer: current value is ${v}`,
      );
    }
  }
  if (!(decay >= 0) || !Number.isFinite(decay)) {
    throw new RangeError(
      `Cannot build temporal ensemble WGSL as decay must be a finite number >= 0: current value is ${decay}`,
    );
  }
  const b = dims.buffer ?? "ens";
  const w = [...temporalEnsembleWeights(H, decay)].map((x) =>
    `${Math.fround(x).toPrecision(9)}f`
  );
  return /* wgsl */ `
// TEMPORAL ENSEMBLE (ACT): [H] START STEPS (-1 EMPTY), THEN [H SLOTS, H, A]
const TE_H: u32 = ${H}u;
const TE_A: u32 = ${A}u;
const TE_HA: u32 = ${H * A}u;
const TE_STRIDE: u32 = ${temporalEnsembleStride(H, A)}u;
const TE_W = array<f32, ${H * H}>(${w.join(", ")});

fn te_reset(e: u32) {
  for (var k = 0u; k < TE_H; k++) { ${b}[e * TE_STRIDE + k] = -1.0; }
}

fn te_claim(e: u32, start: u32) -> u32 {
  let k = start % TE_H;
  ${b}[e * TE_STRIDE + k] = f32(start);
  return e * TE_STRIDE + TE_H + k * TE_HA;
}

fn te_action(e: u32, step: u32, a: ptr<function, array<f32, TE_A>>) -> u32 {
  let base = e * TE_STRIDE;
  // COUNT THE CHUNKS COVERING step (START step - o, o < H)
  var n = 0u;
  for (var o = 0u; o < TE_H; o++) {
    if (o <= step && ${b}[base + (step - o) % TE_H] == f32(step - o)) { n++; }
  }
  if (n == 0u) { return 0u; }
  // AVERAGE THEM, OLDEST (LARGEST o) FIRST
  var w = TE_W;
  var acc: array<f32, TE_A>;
  var rank = 0u;
  for (var q = 0u; q < TE_H; q++) {
    let o = TE_H - 1u - q;
    let k = (step - o) % TE_H;
    if (o <= step && ${b}[base + k] == f32(step - o)) {
      let wi = w[(n - 1u) * TE_H + rank];
      let src = base + TE_H + k * TE_HA + o * TE_A;
      for (var j = 0u; j < TE_A; j++) { acc[j] += wi * ${b}[src + j]; }
      rank++;
    }
  }
  *a = acc;
  return n;
}
`;
}
