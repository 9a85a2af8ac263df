/**
 * Temporal ensembling (ACT, Zhao et al. 2023) as an execution-time scheme.
 *
 * How an evaluator uses it: sample chunks with method `temporal_ensembling`
 * (which {@linkcode sampleChunk} draws exactly like `naive`); when a chunk
 * for environment e whose observation was taken at control step `t0` becomes
 * available, call `add(e, chunk, t0)` (position i of the chunk predicts step
 * `t0 + i`; positions already in the past are simply never queried). At every
 * control step `t`, call `actionAt(e, t, out)`: it averages all stored
 * predictions for step t with ACT's weights `exp(−m·i)`, i = 0 for the
 * oldest prediction. If it returns 0 (no chunk covers t), the evaluator holds
 * its last action (starvation). Call `reset(e)` on an episode reset. In the
 * seed-compatible `scan` evaluator, where a new chunk arrives every s steps,
 * the ensemble averages the ≤ ceil(H/s) chunks overlapping each step.
 *
 * @module
 */

/** Options of {@linkcode TemporalEnsemble}. */
export interface TemporalEnsembleOptions {
  /** Number of environments B. */
  batch: number;
  /** Chunk length H. */
  horizon: number;
  /** Action dimension A. */
  actionDim: number;
  /** ACT decay m of the weights `exp(−m·i)`. @default 0.01 */
  decay?: number;
}

/**
 * Per-environment store of the last H chunks and their ACT-weighted average
 * for the current step.
 *
 * @example Two overlapping chunks
 * ```ts
 * import { TemporalEnsemble } from "./temporal_ensemble.ts";
 * import assert from "node:assert/strict";
 * const ens = new TemporalEnsemble({ batch: 1, horizon: 2, actionDim: 1, decay: 0 });
 * ens.add(0, Float32Array.of(1, 3), 0); // predicts steps 0 and 1
 * ens.add(0, Float32Array.of(5, 7), 1); // predicts steps 1 and 2
 * const out = new Float32Array(1);
 * assert.equal(ens.actionAt(0, 1, out), 2);
 * assert.equal(out[0], 4); // (3 + 5) / 2
 * ```
 */
export class TemporalEnsemble {
  readonly #b: number;
  readonly #h: number;
  readonly #a: number;
  readonly #decay: number;
  readonly #chunks: Float32Array; // [B, H slots, H, A]
  readonly #starts: Float64Array; // [B, H slots], -Infinity when empty

  /**
   * Creates an empty ensemble.
   *
   * @param options Sizes and the decay m.
   * @throws {RangeError} If a size is not a positive integer or the decay is negative.
   */
  constructor(options: TemporalEnsembleOptions) {
    for (const f of ["batch", "horizon", "actionDim"] as const) {
      const v = options[f];
      if (!Number.isInteger(v) || v < 1) {
        throw new RangeError(
          `Cannot create temporal ensemble as ${f} must be a positive integer: current value is ${v}`,
        );
      }
    }
    const decay = options.decay ?? 0.01;
    if (!(decay >= 0) || !Number.isFinite(decay)) {
      throw new RangeError(
        `Cannot create temporal ensemble as decay must be a finite number >= 0: current value is ${decay}`,
      );
    }
    this.#b = options.batch;
    this.#h = options.horizon;
    this.#a = options.actionDim;
    this.#decay = decay;
    this.#chunks = new Float32Array(this.#b * this.#h * this.#h * this.#a);
    this.#starts = new Float64Array(this.#b * this.#h).fill(-Infinity);
  }

  /**
   * Stores a chunk for one environment; position i predicts step `startStep + i`.
   * A chunk with the same start step replaces the stored one.
   *
   * @param env Environment index.
   * @param chunk `[H, A]`.
   * @param startStep The control step the chunk's position 0 belongs to (its observation's step).
   */
  add(env: number, chunk: Float32Array, startStep: number): void {
    const { h, a } = this.#dims();
    if (chunk.length !== h * a) {
      throw new TypeError(
        `Cannot add chunk to temporal ensemble as it must have H*A=${
          h * a
        } elements: current length is ${chunk.length}`,
      );
    }
    const slot = env * h + (((startStep % h) + h) % h);
    this.#chunks.set(chunk, slot * h * a);
    this.#starts[slot] = startStep;
  }

  /**
   * Stores one chunk per environment (`[B, H, A]`).
   *
   * @param chunks The chunks.
   * @param startSteps One start step for all, or one per environment.
   */
  addBatch(chunks: Float32Array, startSteps: number | Int32Array): void {
    const { h, a } = this.#dims();
    for (let e = 0; e < this.#b; e++) {
      const s = typeof startSteps === "number" ? startSteps : startSteps[e]!;
      this.add(e, chunks.subarray(e * h * a, (e + 1) * h * a), s);
    }
  }

  /**
   * Writes the ACT-weighted average of the stored predictions for `step`.
   *
   * @param env Environment index.
   * @param step Control step.
   * @param out Destination `[A]` (left untouched when nothing covers the step).
   * @returns How many predictions were averaged (0: hold the last action).
   */
  actionAt(env: number, step: number, out: Float32Array): number {
    const { h, a } = this.#dims();
    const slots: number[] = [];
    for (let k = 0; k < h; k++) {
      const start = this.#starts[env * h + k]!;
      if (start <= step && step < start + h) slots.push(env * h + k);
    }
    if (slots.length === 0) return 0;
    slots.sort((p, q) => this.#starts[p]! - this.#starts[q]!);
    let wsum = 0;
    const acc = new Float64Array(a);
    slots.forEach((slot, i) => {
      const w = Math.exp(-this.#decay * i);
      wsum += w;
      const base = (slot * h + (step - this.#starts[slot]!)) * a;
      for (let j = 0; j < a; j++) acc[j]! += w * this.#chunks[base + j]!;
    });
    for (let j = 0; j < a; j++) out[j] = acc[j]! / wsum;
    return slots.length;
  }

  /**
   * Forgets every stored chunk of one environment (call on episode reset).
   *
   * @param env Environment index.
   */
  reset(env: number): void {
    this.#starts.fill(-Infinity, env * this.#h, (env + 1) * this.#h);
  }

  #dims(): { h: number; a: number } {
    return { h: this.#h, a: this.#a };
  }
}
