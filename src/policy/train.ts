/**
 * Behaviour cloning of a FlowPolicy by flow matching (`docs/SEMANTICS.md` §4, upstream
 * `train_flow.py`): per step a batch of action chunks, `t ~ U(0,1)`,
 * `ε ~ N(0, I)`, the net's `lossAndGrad` (`x_t = (1−t)ε + t·a`, target
 * `a − ε`), global-norm clipping and AdamW.
 *
 * Training-time RTC: when the net's config has `simulatedDelay = D`, every
 * sample also draws `delay ~ Categorical(w_k, k = 0..D−1)` with
 * `w_k ∝ exp(D−1−k)` (`delayWeights: "exp"`, the default) or `w_k = 1/D`
 * (`"uniform"`); positions `i < delay` get time 1 and `x_t = a` and leave
 * the loss.
 *
 * Randomness (all counter-based, so a run is a pure function of its seed,
 * and a resumed run continues bit for bit): at global step s and batch row b,
 * `t = uniform(deriveSeed(seed, s, TRAIN_TIME_TAG), b, 0)`, `ε` element k =
 * `normal(deriveSeed(seed, s, TRAIN_EPS_TAG), b, k >> 1, k & 1)`, delay from
 * `uniform(deriveSeed(seed, s, TRAIN_DELAY_TAG), b, 0)` by inverse CDF; batches
 * from `epochPermutation` (see `src/data/chunks.ts`).
 *
 * Output folder (`outDir`): `policy.safetensors` (latest weights, or
 * `policyPath`),
 * `checkpoints/epoch_NNNN.safetensors` (one per epoch), `loss.csv`
 * (`epoch,step,loss,grad_norm,learning_rate`, one row per step) and
 * `train_state.safetensors` (params, AdamW moments and counters), from which
 * `resume: true` continues.
 *
 * @module
 */

import {
  batchStarts,
  epochPermutation,
  gatherChunks,
  stepsPerEpoch,
} from "../data/chunks.ts";
import { datasetLength, type DemoDataset } from "../data/dataset.ts";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.ts";
import { exists, writeFileAtomic, writeTextFileAtomic } from "../io/atomic.ts";
import { formatCsv, parseCsv } from "../io/csv.ts";
import { uniform } from "../rng/rng.ts";
import { deriveSeed, fillNormal } from "../rng/noise.ts";
import {
  type AdamWOptions,
  type AdamWState,
  adamwStep,
  resolveAdamWOptions,
} from "./adamw.ts";
import { saveCheckpoint } from "./checkpoint.ts";
import type { PolicyNet } from "./net.ts";

/** Seed tag of the flow times. */
export const TRAIN_TIME_TAG = 0x74696d65; // "time"
/** Seed tag of the flow-matching noise. */
export const TRAIN_EPS_TAG = 0x65707369; // "epsi"
/** Seed tag of the simulated delays. */
export const TRAIN_DELAY_TAG = 0x646c6179; // "dlay"

/** Options of {@linkcode trainPolicy}. */
export interface TrainOptions {
  /** Total number of epochs (a resumed run stops at the same total). @default 1 */
  epochs?: number;
  /** Batch size B. @default 512 */
  batchSize?: number;
  /** Run seed (u32). @default 0 */
  seed?: number;
  /** AdamW overrides (lr 3e-4, warm-up 1000, wd 1e-2, clip 10 by default). */
  adamw?: Partial<AdamWOptions>;
  /** Folder for checkpoints, loss.csv and the resumable state; nothing is written when unset. */
  outDir?: string;
  /** Where the latest weights are written after every epoch. @default `${outDir}/policy.safetensors` */
  policyPath?: string;
  /** Continue from `outDir/train_state.safetensors` when it exists. @default false */
  resume?: boolean;
  /** Task name recorded in checkpoints. @default the dataset's task */
  task?: string;
  /** Extra provenance recorded in checkpoints (data path, git commit, ...). */
  provenance?: Record<string, unknown>;
  /** Receives one line per epoch. @default no logging */
  log?: (line: string) => void;
  /** Weights of the simulated delays (see the module doc). @default "exp" */
  delayWeights?: DelayWeights;
}

/** How simulated delays 0..D−1 are weighted: `exp(D−1−k)` or uniformly. */
export type DelayWeights = "exp" | "uniform";

/** One optimizer step. */
export interface StepLog {
  /** Epoch index (0-based). */
  readonly epoch: number;
  /** Global step index (0-based). */
  readonly step: number;
  /** Flow-matching loss of the batch. */
  readonly loss: number;
  /** Gradient norm before clipping. */
  readonly gradNorm: number;
  /** Learning rate used. */
  readonly learningRate: number;
}

/** What {@linkcode trainPolicy} did. */
export interface TrainResult {
  /** Steps run by this call (a resumed call omits earlier ones). */
  readonly steps: StepLog[];
  /** Mean loss per epoch run by this call, `[epoch, mean]`. */
  readonly epochLosses: [number, number][];
  /** Total steps done, including resumed ones. */
  readonly totalSteps: number;
}

/**
 * Draws simulated delays for a batch: `P(k) ∝ exp(D−1−k)` (or `1/D` with
 * `weights: "uniform"`), k = 0..D−1.
 *
 * @param maxDelay D ≥ 1.
 * @param options Batch size, run seed, global step and the weights (default `"exp"`).
 * @returns One delay per row.
 *
 * @example
 * ```ts
 * import { sampleSimulatedDelays } from "./train.ts";
 * import assert from "node:assert/strict";
 * const d = sampleSimulatedDelays(3, { batch: 1000, seed: 0, step: 0 });
 * const zeros = d.filter((x) => x === 0).length;
 * assert.ok(zeros > 600 && zeros < 730); // e^2/(e^2+e+1) = 0.665
 * assert.ok(d.every((x) => x >= 0 && x < 3));
 * const u = sampleSimulatedDelays(5, { batch: 5000, seed: 0, step: 0, weights: "uniform" });
 * const fours = u.filter((x) => x === 4).length;
 * assert.ok(fours > 900 && fours < 1100);
 * ```
 */
export function sampleSimulatedDelays(
  maxDelay: number,
  options: {
    batch: number;
    seed: number;
    step: number;
    weights?: DelayWeights;
  },
): Int32Array {
  const uniformWeights = options.weights === "uniform";
  const w = Array.from(
    { length: maxDelay },
    (_, k) => uniformWeights ? 1 : Math.exp(maxDelay - 1 - k),
  );
  const total = w.reduce((a, b) => a + b, 0);
  const seed = deriveSeed(options.seed, options.step, TRAIN_DELAY_TAG);
  const out = new Int32Array(options.batch);
  for (let b = 0; b < options.batch; b++) {
    const u = uniform(seed, b, 0) * total;
    let acc = 0;
    let k = 0;
    while (k < maxDelay - 1 && u >= (acc += w[k]!)) k++;
    out[b] = k;
  }
  return out;
}

interface Resumed {
  epoch: number;
  state: AdamWState;
  params: Float32Array;
}

async function loadTrainState(
  path: string,
  net: PolicyNet,
  seed: number,
): Promise<Resumed> {
  const file = decodeSafetensors(await Deno.readFile(path), { source: path });
  const get = (name: string) => {
    const t = file.tensors.get(name);
    if (!t || t.dtype !== "F32" || t.data.length !== net.layout.size) {
      throw new TypeError(
        `Cannot resume from ${path} as tensor "${name}" must be F32 with ${net.layout.size} elements`,
      );
    }
    return t.data as Float32Array;
  };
  const meta = file.metadata;
  if (Number(meta.seed) !== seed) {
    throw new RangeError(
      `Cannot resume from ${path} as it was trained with seed ${meta.seed}: current seed is ${seed}`,
    );
  }
  return {
    epoch: Number(meta.epoch),
    state: { step: Number(meta.step), m: get("adam.m"), v: get("adam.v") },
    params: get("params"),
  };
}

function encodeTrainState(
  params: Float32Array,
  state: AdamWState,
  meta: Record<string, string>,
): Uint8Array {
  const t = (data: Float32Array) => ({
    dtype: "F32" as const,
    shape: [data.length],
    data,
  });
  return encodeSafetensors([
    ["params", t(params)],
    ["adam.m", t(state.m)],
    ["adam.v", t(state.v)],
  ], { metadata: meta });
}

const LOSS_COLUMNS = ["epoch", "step", "loss", "grad_norm", "learning_rate"];

/**
 * Trains `net` in place on a demonstration dataset (see the module doc).
 *
 * @param net The network (its parameters are updated; use the CPU or WebGPU backend).
 * @param dataset The demonstrations.
 * @param options Epochs, batch size, seed, optimizer, output folder and resume flag.
 * @returns Per-step logs, per-epoch mean losses and the total step count.
 * @throws {RangeError} If an option is invalid or the dataset's sizes do not match the net.
 *
 * @example
 * ```ts
 * import { trainPolicy } from "./train.ts";
 * import { createNet } from "./net.ts";
 * import { initParams, paramLayout } from "./params.ts";
 * import { resolveModelConfig } from "./config.ts";
 * import { getBackend } from "../gpu/backend.ts";
 * import assert from "node:assert/strict";
 * const config = resolveModelConfig({ channelDim: 8, channelHiddenDim: 16, tokenHiddenDim: 8, numLayers: 1, actionChunkSize: 2 });
 * const dims = { obsDim: 1, actionDim: 1 };
 * const net = await createNet(await getBackend({ backend: "cpu" }), { config, ...dims, params: initParams(paramLayout(config, dims), { seed: 0 }) });
 * const dataset = {
 *   task: "toy", ...dims,
 *   obs: new Float32Array([0, 0.5, 1, 0]), actions: new Float32Array([1, 1, -1, -1]),
 *   done: new Uint8Array([0, 0, 0, 1]), solved: new Uint8Array(4),
 * };
 * const result = await trainPolicy(net, dataset, { epochs: 1, batchSize: 2 });
 * assert.ok(result.steps.length > 0);
 * ```
 */
export async function trainPolicy(
  net: PolicyNet,
  dataset: DemoDataset,
  options: TrainOptions = {},
): Promise<TrainResult> {
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 512;
  const seed = options.seed ?? 0;
  const adamw = resolveAdamWOptions(options.adamw);
  const h = net.config.actionChunkSize;
  const maxDelay = net.config.simulatedDelay;
  const n = datasetLength(dataset);
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new RangeError(
      `Cannot train policy as epochs must be an integer >= 0: current value is ${epochs}`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(
      `Cannot train policy as batchSize must be a positive integer: current value is ${batchSize}`,
    );
  }
  if (dataset.obsDim !== net.obsDim || dataset.actionDim !== net.actionDim) {
    throw new RangeError(
      `Cannot train policy as the dataset's obsDim/actionDim (${dataset.obsDim}/${dataset.actionDim}) must match the net's (${net.obsDim}/${net.actionDim})`,
    );
  }
  if (n < 1) {
    throw new RangeError("Cannot train policy as the dataset is empty");
  }
  const out = options.outDir;
  const statePath = out && `${out}/train_state.safetensors`;
  const lossPath = out && `${out}/loss.csv`;
  const task = options.task ?? dataset.task;

  // RESUME
  let startEpoch = 0;
  let params = net.params();
  let state: AdamWState = {
    step: 0,
    m: new Float32Array(params.length),
    v: new Float32Array(params.length),
  };
  let csvRows: Record<string, number>[] = [];
  if (options.resume && statePath && await exists(statePath)) {
    const r = await loadTrainState(statePath, net, seed);
    startEpoch = r.epoch;
    state = r.state;
    params = r.params;
    net.setParams(params);
    if (await exists(lossPath!)) {
      csvRows = parseCsv(await Deno.readTextFile(lossPath!), {
        file: lossPath!,
      }).rows
        .map((row) =>
          Object.fromEntries(LOSS_COLUMNS.map((c) => [c, Number(row[c])]))
        )
        .filter((row) => row.step! < state.step);
    }
  }

  const steps: StepLog[] = [];
  const epochLosses: [number, number][] = [];
  const perEpoch = stepsPerEpoch(n, batchSize);
  const eps = new Float32Array(batchSize * h * net.actionDim);
  const t = new Float32Array(batchSize);
  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    const perm = epochPermutation(n, { seed, epoch });
    let sum = 0;
    for (let k = 0; k < perEpoch; k++) {
      // BATCH
      const s = state.step;
      const chunks = gatherChunks(dataset, {
        starts: batchStarts(perm, { step: k, batchSize }),
        horizon: h,
      });
      const tSeed = deriveSeed(seed, s, TRAIN_TIME_TAG);
      const eSeed = deriveSeed(seed, s, TRAIN_EPS_TAG);
      const ha = h * net.actionDim;
      for (let b = 0; b < batchSize; b++) {
        t[b] = uniform(tSeed, b, 0);
        fillNormal(eps.subarray(b * ha, (b + 1) * ha), {
          seed: eSeed,
          stream: b,
        });
      }
      const delay = maxDelay === null
        ? undefined
        : sampleSimulatedDelays(maxDelay, {
          batch: batchSize,
          seed,
          step: s,
          weights: options.delayWeights,
        });
      // UPDATE
      const { loss, grad } = await net.lossAndGrad({
        batch: batchSize,
        obs: chunks.obs,
        actions: chunks.actions,
        t,
        eps,
        delay,
      });
      if (!Number.isFinite(loss)) {
        throw new RangeError(
          `Cannot train policy as the loss became non-finite at step ${s}: current value is ${loss}`,
        );
      }
      const info = adamwStep(params, { grad, state, options: adamw });
      net.setParams(params);
      const log = {
        epoch,
        step: s,
        loss,
        gradNorm: info.gradNorm,
        learningRate: info.learningRate,
      };
      steps.push(log);
      csvRows.push({
        epoch,
        step: s,
        loss,
        grad_norm: info.gradNorm,
        learning_rate: info.learningRate,
      });
      sum += loss;
    }
    const mean = sum / perEpoch;
    epochLosses.push([epoch, mean]);
    options.log?.(
      `epoch ${epoch + 1}/${epochs} step ${state.step} loss ${
        mean.toPrecision(5)
      }`,
    );
    // CHECKPOINT
    if (out) {
      const provenance = {
        trainer: "exp-delta trainPolicy",
        epoch: epoch + 1,
        step: state.step,
        seed,
        batch_size: batchSize,
        adamw,
        dataset_transitions: n,
        backend: net.backend,
        ...options.provenance,
      };
      const ckpt = {
        config: net.config,
        obsDim: net.obsDim,
        actionDim: net.actionDim,
        params,
        task,
        provenance,
      };
      await saveCheckpoint(
        `${out}/checkpoints/epoch_${
          String(epoch + 1).padStart(4, "0")
        }.safetensors`,
        ckpt,
      );
      await saveCheckpoint(
        options.policyPath ?? `${out}/policy.safetensors`,
        ckpt,
      );
      await writeTextFileAtomic(
        lossPath!,
        formatCsv(csvRows, {
          columns: LOSS_COLUMNS,
          integerColumns: ["epoch", "step"],
        }),
      );
      await writeFileAtomic(
        statePath!,
        encodeTrainState(params, state, {
          epoch: String(epoch + 1),
          step: String(state.step),
          seed: String(seed),
          batch_size: String(batchSize),
        }),
      );
    }
  }
  return { steps, epochLosses, totalSteps: state.step };
}
