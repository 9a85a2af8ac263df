/**
 * Demonstration datasets: expert transitions in time order, stored as a
 * safetensors file.
 *
 * In memory and on disk a dataset is N transitions, episodes contiguous
 * (upstream flattens `[steps, envs]` env-major the same way):
 * - `obs` `[N, O]` float32: the observation the action was chosen from;
 * - `actions` `[N, A]` float32: the expert action;
 * - `done` `[N]` uint8: 1 when transition i is the last of its episode
 *   (the environment reported done, or the recording ended: the last
 *   transition of each rollout is always marked);
 * - `solved` `[N]` uint8: the environment's solved flag after the step.
 *
 * File: safetensors with tensors `obs` (F32), `actions` (F32), `done` (U8),
 * `solved` (U8), and `__metadata__` keys `format` = `exp-delta-demos`,
 * `format_version` = `1`, `task`, `obs_dim`, `action_dim`, plus any
 * caller-provided strings (expert, seed, episodes, ...).
 *
 * @module
 */

import { writeFileAtomic } from "../io/atomic.ts";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.ts";

/** The `format` metadata value of demonstration files. */
export const DATASET_FORMAT = "exp-delta-demos";

/** A demonstration dataset (see the module doc for the layout). */
export interface DemoDataset {
  /** Task name. */
  readonly task: string;
  /** Observation size O. */
  readonly obsDim: number;
  /** Action size A. */
  readonly actionDim: number;
  /** `[N, O]`. */
  readonly obs: Float32Array;
  /** `[N, A]`. */
  readonly actions: Float32Array;
  /** `[N]`, 1 at the last transition of an episode. */
  readonly done: Uint8Array;
  /** `[N]`, the solved flag. */
  readonly solved: Uint8Array;
  /** Extra string metadata (on read: the whole `__metadata__` map). */
  readonly metadata?: Record<string, string>;
}

/**
 * Number of transitions N of a dataset.
 *
 * @param dataset The dataset.
 * @returns `done.length`.
 *
 * @example
 * ```ts
 * import { datasetLength } from "./dataset.ts";
 * import assert from "node:assert/strict";
 * const d = { task: "t", obsDim: 1, actionDim: 1, obs: new Float32Array(2), actions: new Float32Array(2), done: Uint8Array.of(0, 1), solved: new Uint8Array(2) };
 * assert.equal(datasetLength(d), 2);
 * ```
 */
export function datasetLength(dataset: DemoDataset): number {
  return dataset.done.length;
}

/**
 * Checks that the arrays of a dataset agree in length and are finite.
 *
 * @param dataset The dataset.
 * @param source Name for error messages. @default "dataset"
 * @returns The dataset.
 * @throws {TypeError} If lengths disagree.
 * @throws {RangeError} If a value is non-finite or a flag is not 0/1.
 *
 * @example
 * ```ts
 * import { validateDataset } from "./dataset.ts";
 * import assert from "node:assert/strict";
 * const d = { task: "t", obsDim: 2, actionDim: 1, obs: new Float32Array(3), actions: new Float32Array(2), done: new Uint8Array(2), solved: new Uint8Array(2) };
 * assert.throws(() => validateDataset(d), /obs must have length 4/);
 * ```
 */
export function validateDataset(
  dataset: DemoDataset,
  source = "dataset",
): DemoDataset {
  const n = dataset.done.length;
  const { obsDim, actionDim } = dataset;
  for (
    const [f, v] of [["obsDim", obsDim], ["actionDim", actionDim]] as const
  ) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `Cannot use ${source} as ${f} must be a positive integer: current value is ${v}`,
      );
    }
  }
  const lengths: [string, ArrayLike<number>, number][] = [
    ["obs", dataset.obs, n * obsDim],
    ["actions", dataset.actions, n * actionDim],
    ["solved", dataset.solved, n],
  ];
  for (const [f, arr, want] of lengths) {
    if (arr.length !== want) {
      throw new TypeError(
        `Cannot use ${source} as ${f} must have length ${want} (N=${n}): current length is ${arr.length}`,
      );
    }
  }
  for (
    const [f, arr] of [["obs", dataset.obs], [
      "actions",
      dataset.actions,
    ]] as const
  ) {
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isFinite(arr[i]!)) {
        throw new RangeError(
          `Cannot use ${source} as ${f} holds a non-finite value at flat index ${i}: current value is ${
            arr[i]
          }`,
        );
      }
    }
  }
  for (
    const [f, arr] of [["done", dataset.done], [
      "solved",
      dataset.solved,
    ]] as const
  ) {
    for (let i = 0; i < arr.length; i++) {
      if (arr[i]! > 1) {
        throw new RangeError(
          `Cannot use ${source} as ${f}[${i}] must be 0 or 1: current value is ${
            arr[i]
          }`,
        );
      }
    }
  }
  return dataset;
}

/** Batched rollouts as an evaluator or data generator records them: time-major `[T, E, ...]`. */
export interface Rollouts {
  /** Task name. */
  readonly task: string;
  /** Steps T. */
  readonly steps: number;
  /** Environments E. */
  readonly envs: number;
  /** Observation size O. */
  readonly obsDim: number;
  /** Action size A. */
  readonly actionDim: number;
  /** `[T, E, O]`. */
  readonly obs: Float32Array;
  /** `[T, E, A]`. */
  readonly actions: Float32Array;
  /** `[T, E]`, done after the step (auto-reset follows). */
  readonly done: Uint8Array;
  /** `[T, E]`, solved after the step. */
  readonly solved: Uint8Array;
}

/**
 * Converts time-major batched rollouts to a dataset: env-major order
 * (environment 0's T steps, then environment 1's, ...), with each
 * environment's last step marked `done` so chunks never cross rollouts.
 *
 * @param rollouts The recorded rollouts.
 * @param metadata Extra string metadata to keep.
 * @returns The dataset.
 *
 * @example
 * ```ts
 * import { datasetFromRollouts } from "./dataset.ts";
 * import assert from "node:assert/strict";
 * const d = datasetFromRollouts({
 *   task: "t", steps: 2, envs: 2, obsDim: 1, actionDim: 1,
 *   obs: Float32Array.of(0, 10, 1, 11), actions: Float32Array.of(0, 10, 1, 11),
 *   done: new Uint8Array(4), solved: new Uint8Array(4),
 * });
 * assert.deepEqual([...d.obs], [0, 1, 10, 11]);
 * assert.deepEqual([...d.done], [0, 1, 0, 1]);
 * ```
 */
export function datasetFromRollouts(
  rollouts: Rollouts,
  metadata: Record<string, string> = {},
): DemoDataset {
  const { steps: T, envs: E, obsDim: O, actionDim: A } = rollouts;
  const n = T * E;
  const obs = new Float32Array(n * O);
  const actions = new Float32Array(n * A);
  const done = new Uint8Array(n);
  const solved = new Uint8Array(n);
  for (let e = 0; e < E; e++) {
    for (let t = 0; t < T; t++) {
      const src = t * E + e;
      const dst = e * T + t;
      obs.set(rollouts.obs.subarray(src * O, (src + 1) * O), dst * O);
      actions.set(
        rollouts.actions.subarray(src * A, (src + 1) * A),
        dst * A,
      );
      done[dst] = t === T - 1 ? 1 : rollouts.done[src]! ? 1 : 0;
      solved[dst] = rollouts.solved[src]! ? 1 : 0;
    }
  }
  return validateDataset({
    task: rollouts.task,
    obsDim: O,
    actionDim: A,
    obs,
    actions,
    done,
    solved,
    metadata,
  });
}

/**
 * Encodes a dataset as safetensors bytes.
 *
 * @param dataset The dataset.
 * @returns The file contents.
 *
 * @example
 * ```ts
 * import { decodeDataset, encodeDataset } from "./dataset.ts";
 * import assert from "node:assert/strict";
 * const d = { task: "t", obsDim: 1, actionDim: 1, obs: Float32Array.of(1, 2), actions: Float32Array.of(3, 4), done: Uint8Array.of(0, 1), solved: Uint8Array.of(0, 1) };
 * assert.deepEqual(decodeDataset(encodeDataset(d)).actions, d.actions);
 * ```
 */
export function encodeDataset(dataset: DemoDataset): Uint8Array {
  validateDataset(dataset);
  const n = datasetLength(dataset);
  return encodeSafetensors([
    ["obs", { dtype: "F32", shape: [n, dataset.obsDim], data: dataset.obs }],
    ["actions", {
      dtype: "F32",
      shape: [n, dataset.actionDim],
      data: dataset.actions,
    }],
    ["done", { dtype: "U8", shape: [n], data: dataset.done }],
    ["solved", { dtype: "U8", shape: [n], data: dataset.solved }],
  ], {
    metadata: {
      ...dataset.metadata,
      format: DATASET_FORMAT,
      format_version: "1",
      task: dataset.task,
      obs_dim: String(dataset.obsDim),
      action_dim: String(dataset.actionDim),
    },
  });
}

/**
 * Decodes and validates dataset bytes.
 *
 * @param bytes The safetensors contents.
 * @param options `source`: a name for error messages.
 * @returns The dataset.
 * @throws {TypeError} If a tensor is missing or has the wrong dtype or shape.
 *
 * @example
 * ```ts
 * import { decodeDataset } from "./dataset.ts";
 * import { encodeSafetensors } from "../io/safetensors.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeDataset(encodeSafetensors([]), { source: "d.safetensors" }), /d.safetensors/);
 * ```
 */
export function decodeDataset(
  bytes: Uint8Array,
  options: { source?: string } = {},
): DemoDataset {
  const src = options.source ?? "dataset bytes";
  const file = decodeSafetensors(bytes, { source: src });
  const get = (name: string, dtype: "F32" | "U8", rank: number) => {
    const t = file.tensors.get(name);
    if (!t) {
      throw new TypeError(
        `Cannot read dataset ${src} as tensor "${name}" is missing`,
      );
    }
    if (t.dtype !== dtype || t.shape.length !== rank) {
      throw new TypeError(
        `Cannot read dataset ${src} as tensor "${name}" must be ${dtype} of rank ${rank}: current is ${t.dtype} [${t.shape}]`,
      );
    }
    return t;
  };
  const obs = get("obs", "F32", 2);
  const actions = get("actions", "F32", 2);
  const done = get("done", "U8", 1);
  const solved = get("solved", "U8", 1);
  return validateDataset({
    task: file.metadata.task ?? "",
    obsDim: obs.shape[1]!,
    actionDim: actions.shape[1]!,
    obs: obs.data as Float32Array,
    actions: actions.data as Float32Array,
    done: done.data as Uint8Array,
    solved: solved.data as Uint8Array,
    metadata: file.metadata,
  }, src);
}

/**
 * Writes a dataset file atomically.
 *
 * @param path Destination (`.safetensors`).
 * @param dataset The dataset.
 * @returns A promise that settles once the file is in place.
 *
 * @example
 * ```ts
 * import { readDataset, writeDataset } from "./dataset.ts";
 * import assert from "node:assert/strict";
 * const dataset = {
 *   task: "toy", obsDim: 1, actionDim: 1,
 *   obs: new Float32Array([0, 1]), actions: new Float32Array([1, -1]),
 *   done: new Uint8Array([0, 1]), solved: new Uint8Array([0, 1]),
 * };
 * const path = `${await Deno.makeTempDir()}/toy.safetensors`;
 * await writeDataset(path, dataset);
 * assert.deepEqual((await readDataset(path)).actions, dataset.actions);
 * ```
 */
export async function writeDataset(
  path: string,
  dataset: DemoDataset,
): Promise<void> {
  await writeFileAtomic(path, encodeDataset(dataset));
}

/**
 * Reads and validates a dataset file.
 *
 * @param path The file.
 * @returns The dataset.
 *
 * @example
 * ```ts
 * import { readDataset, writeDataset } from "./dataset.ts";
 * import assert from "node:assert/strict";
 * const dataset = {
 *   task: "toy", obsDim: 1, actionDim: 1,
 *   obs: new Float32Array([0, 1]), actions: new Float32Array([1, -1]),
 *   done: new Uint8Array([0, 1]), solved: new Uint8Array([0, 1]),
 * };
 * const path = `${await Deno.makeTempDir()}/toy.safetensors`;
 * await writeDataset(path, dataset);
 * assert.deepEqual((await readDataset(path)).actions, dataset.actions);
 * ```
 */
export async function readDataset(path: string): Promise<DemoDataset> {
  return decodeDataset(await Deno.readFile(path), { source: path });
}
