/**
 * Validation of network inputs and the flow-matching loss preparation shared
 * by the CPU and WebGPU networks.
 *
 * @module
 */

/** Batched inputs of one network evaluation. */
export interface NetInputs {
  /** Batch size B. */
  batch: number;
  /** Observations `[B,O]`. */
  obs: Float32Array;
  /** Noisy action chunk `[B,H,A]`. */
  xt: Float32Array;
  /** Flow time per token `[B,H]`. */
  time: Float32Array;
}

/** One flow-matching training batch. */
export interface LossBatch {
  /** Batch size B. */
  batch: number;
  /** Observations `[B,O]`. */
  obs: Float32Array;
  /** Expert action chunks `[B,H,A]`. */
  actions: Float32Array;
  /** Flow time per sample `[B]`, in [0, 1]. */
  t: Float32Array;
  /** Noise `[B,H,A]`. */
  eps: Float32Array;
  /**
   * Training-time RTC: per-sample simulated delay `[B]`; positions `i < delay`
   * get time 1 and `x_t = a`, and are excluded from the loss.
   */
  delay?: Int32Array;
}

function checkLength(
  what: string,
  field: string,
  value: ArrayLike<number>,
  expected: number,
): void {
  if (value.length !== expected) {
    throw new TypeError(
      `Cannot ${what} as ${field} must have length ${expected}: current length is ${value.length}`,
    );
  }
}

function checkBatch(what: string, batch: number): void {
  if (!Number.isInteger(batch) || batch < 1) {
    throw new RangeError(
      `Cannot ${what} as batch must be a positive integer: current value is ${batch}`,
    );
  }
}

/**
 * Checks the shapes of network inputs.
 *
 * @param inputs The inputs.
 * @param dims H, A and O.
 * @throws {TypeError} If a buffer has the wrong length.
 * @throws {RangeError} If the batch size is not a positive integer.
 *
 * @example
 * ```ts
 * import { checkNetInputs } from "./net_inputs.ts";
 * import assert from "node:assert/strict";
 * const inputs = { batch: 1, obs: new Float32Array(2), xt: new Float32Array(3), time: new Float32Array(2) };
 * assert.throws(() => checkNetInputs(inputs, { H: 2, A: 2, O: 2 }), TypeError);
 * ```
 */
export function checkNetInputs(
  inputs: NetInputs,
  dims: { H: number; A: number; O: number },
): void {
  const what = "evaluate policy network";
  checkBatch(what, inputs.batch);
  const B = inputs.batch;
  checkLength(what, "obs", inputs.obs, B * dims.O);
  checkLength(what, "xt", inputs.xt, B * dims.H * dims.A);
  checkLength(what, "time", inputs.time, B * dims.H);
}

/** Network inputs, target and per-entry loss weights of a {@linkcode LossBatch}. */
export interface PreparedLoss {
  /** Network inputs (x_t and per-token time, masked positions set to a and 1). */
  readonly inputs: NetInputs;
  /** Target velocity `u = a − ε`, `[B,H,A]`. */
  readonly target: Float32Array;
  /** Per-token weight `[B,H]`: 1/count for included tokens, 0 for masked ones. */
  readonly weight: Float32Array;
  /** Number of included entries (tokens × A). */
  readonly count: number;
}

/**
 * Builds the flow-matching inputs in float32: `x_t = (1−τ)ε + τ·a` with
 * `τ = 1` for positions `i < delay` and `τ = t` otherwise, target `a − ε`,
 * and weights `1/count` for the included entries, so the loss is
 * `Σ weight·(f − u)²` (a mean over included entries; 0 when all are masked).
 *
 * @param batch The training batch.
 * @param dims H, A and O.
 * @returns Inputs, target and weights.
 * @throws {TypeError} If a buffer has the wrong length.
 * @throws {RangeError} If the batch size or a delay is out of range.
 *
 * @example
 * ```ts
 * import { prepareLoss } from "./net_inputs.ts";
 * import assert from "node:assert/strict";
 * const p = prepareLoss({
 *   batch: 1, obs: new Float32Array(1), actions: new Float32Array([1, 2]),
 *   t: new Float32Array([0.5]), eps: new Float32Array([0, 0]), delay: new Int32Array([1]),
 * }, { H: 2, A: 1, O: 1 });
 * assert.deepEqual([...p.inputs.xt], [1, 1]);
 * assert.deepEqual([...p.inputs.time], [1, 0.5]);
 * assert.deepEqual([...p.weight], [0, 1]);
 * ```
 */
export function prepareLoss(
  batch: LossBatch,
  dims: { H: number; A: number; O: number },
): PreparedLoss {
  const what = "compute flow-matching loss";
  checkBatch(what, batch.batch);
  const { H, A, O } = dims;
  const B = batch.batch;
  checkLength(what, "obs", batch.obs, B * O);
  checkLength(what, "actions", batch.actions, B * H * A);
  checkLength(what, "t", batch.t, B);
  checkLength(what, "eps", batch.eps, B * H * A);
  if (batch.delay) checkLength(what, "delay", batch.delay, B);
  const f = Math.fround;
  const xt = new Float32Array(B * H * A);
  const time = new Float32Array(B * H);
  const target = new Float32Array(B * H * A);
  const weight = new Float32Array(B * H);
  let tokens = 0;
  for (let b = 0; b < B; b++) {
    const d = batch.delay ? batch.delay[b]! : 0;
    if (!Number.isInteger(d) || d < 0 || d > H) {
      throw new RangeError(
        `Cannot ${what} as delay[${b}] must be an integer in [0, ${H}]: current value is ${d}`,
      );
    }
    for (let h = 0; h < H; h++) {
      const tau = h < d ? 1 : batch.t[b]!;
      time[b * H + h] = tau;
      if (h >= d) tokens++;
      for (let a = 0; a < A; a++) {
        const i = (b * H + h) * A + a;
        const act = batch.actions[i]!, e = batch.eps[i]!;
        xt[i] = f(f(f(1 - tau) * e) + f(tau * act));
        target[i] = f(act - e);
      }
    }
  }
  const count = tokens * A;
  const w = count > 0 ? f(1 / count) : 0;
  for (let b = 0; b < B; b++) {
    const d = batch.delay ? batch.delay[b]! : 0;
    for (let h = d; h < H; h++) weight[b * H + h] = w;
  }
  return {
    inputs: { batch: B, obs: batch.obs, xt, time },
    target,
    weight,
    count,
  };
}
