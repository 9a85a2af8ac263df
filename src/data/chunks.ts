/**
 * Action-chunk batching for flow-matching training.
 *
 * A chunk starting at transition i is the H actions `i, i+1, ..., i+H−1`;
 * an action j is kept only if no transition in `[i, j)` ends an episode
 * (`done`), so actions after an episode end, and past the end of the data,
 * are zero. Every transition can start a chunk. (Upstream also zeroes the
 * action at the `done` step itself and never starts chunks in the last H−1
 * transitions; this toolkit keeps the episode's final action.)
 *
 * Batches: each epoch shuffles all N start indices with a Fisher-Yates
 * permutation drawn from the counter RNG (`uniform(deriveSeed(seed, epoch,
 * SHUFFLE_TAG), 0, i)`), and step k of the epoch takes permutation entries
 * `[k·B, (k+1)·B)` (cyclically when N < B); an epoch has `max(1, floor(N/B))`
 * steps (the remainder is dropped, as upstream).
 *
 * @module
 */

import { uniform } from "../rng/rng.ts";
import { deriveSeed } from "../rng/noise.ts";
import { datasetLength, type DemoDataset } from "./dataset.ts";

/** Tag of the per-epoch shuffle seeds. */
export const SHUFFLE_TAG = 0x73687566; // "shuf"

/** One batch of chunks. */
export interface ChunkBatch {
  /** Batch size B. */
  readonly batch: number;
  /** Observations at the start indices, `[B, O]`. */
  readonly obs: Float32Array;
  /** Action chunks `[B, H, A]`, zeroed after an episode end. */
  readonly actions: Float32Array;
}

/**
 * Gathers the chunks starting at the given transitions.
 *
 * @param dataset The dataset.
 * @param options `starts` (transition indices) and `horizon` H.
 * @returns Observations and zero-masked action chunks.
 * @throws {RangeError} If a start index is outside [0, N).
 *
 * @example Actions after an episode end are zero
 * ```ts
 * import { gatherChunks } from "./chunks.ts";
 * import assert from "node:assert/strict";
 * const d = { task: "t", obsDim: 1, actionDim: 1, obs: Float32Array.of(0, 1, 2, 3), actions: Float32Array.of(1, 2, 3, 4), done: Uint8Array.of(0, 1, 0, 1), solved: new Uint8Array(4) };
 * const b = gatherChunks(d, { starts: [0, 3], horizon: 3 });
 * assert.deepEqual([...b.actions], [1, 2, 0, 4, 0, 0]);
 * assert.deepEqual([...b.obs], [0, 3]);
 * ```
 */
export function gatherChunks(
  dataset: DemoDataset,
  options: { starts: ArrayLike<number>; horizon: number },
): ChunkBatch {
  const { starts, horizon: h } = options;
  const n = datasetLength(dataset);
  const { obsDim: o, actionDim: a } = dataset;
  const batch = starts.length;
  const obs = new Float32Array(batch * o);
  const actions = new Float32Array(batch * h * a);
  for (let b = 0; b < batch; b++) {
    const i = starts[b]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new RangeError(
        `Cannot gather chunk as starts[${b}] must be an integer in [0, ${n}): current value is ${i}`,
      );
    }
    obs.set(dataset.obs.subarray(i * o, (i + 1) * o), b * o);
    for (let k = 0; k < h; k++) {
      const j = i + k;
      if (j >= n) break;
      actions.set(
        dataset.actions.subarray(j * a, (j + 1) * a),
        (b * h + k) * a,
      );
      if (dataset.done[j]) break;
    }
  }
  return { batch, obs, actions };
}

/**
 * The shuffled order of the N start indices for one epoch (deterministic in
 * seed and epoch).
 *
 * @param n Number of transitions N.
 * @param options Run seed and epoch index.
 * @returns A permutation of `0..n−1`.
 *
 * @example
 * ```ts
 * import { epochPermutation } from "./chunks.ts";
 * import assert from "node:assert/strict";
 * const p = epochPermutation(5, { seed: 1, epoch: 0 });
 * assert.deepEqual([...p].sort(), [0, 1, 2, 3, 4]);
 * assert.deepEqual(p, epochPermutation(5, { seed: 1, epoch: 0 }));
 * ```
 */
export function epochPermutation(
  n: number,
  options: { seed: number; epoch: number },
): Uint32Array {
  const seed = deriveSeed(options.seed, options.epoch, SHUFFLE_TAG);
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(uniform(seed, 0, i) * (i + 1)));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/**
 * Number of optimizer steps per epoch: `max(1, floor(N/B))`.
 *
 * @param n Number of transitions N.
 * @param batchSize B.
 * @returns Steps per epoch.
 *
 * @example
 * ```ts
 * import { stepsPerEpoch } from "./chunks.ts";
 * import assert from "node:assert/strict";
 * assert.equal(stepsPerEpoch(1000, 512), 1);
 * assert.equal(stepsPerEpoch(10, 512), 1);
 * ```
 */
export function stepsPerEpoch(n: number, batchSize: number): number {
  return Math.max(1, Math.floor(n / batchSize));
}

/**
 * The start indices of step k of an epoch: permutation entries
 * `[k·B, (k+1)·B)`, wrapping around when N < B.
 *
 * @param permutation The epoch permutation.
 * @param options Step within the epoch and batch size B.
 * @returns B start indices.
 *
 * @example
 * ```ts
 * import { batchStarts } from "./chunks.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([...batchStarts(Uint32Array.of(2, 0, 1), { step: 0, batchSize: 4 })], [2, 0, 1, 2]);
 * ```
 */
export function batchStarts(
  permutation: Uint32Array,
  options: { step: number; batchSize: number },
): Int32Array {
  const { step, batchSize } = options;
  const n = permutation.length;
  const out = new Int32Array(batchSize);
  for (let j = 0; j < batchSize; j++) {
    out[j] = permutation[(step * batchSize + j) % n]!;
  }
  return out;
}
