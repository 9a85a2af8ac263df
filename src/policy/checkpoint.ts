/**
 * Policy checkpoints in safetensors (F32): one tensor per parameter, named by
 * {@linkcode paramLayout} (the upstream flax paths, e.g. `in_proj.kernel`,
 * kernels `[in, out]`), and a `__metadata__` string map:
 *
 * | key | value |
 * | --- | --- |
 * | `format` | `exp-delta-flow-policy` |
 * | `format_version` | `1` |
 * | `model_config` | JSON, upstream snake_case (`channel_dim`, ..., `simulated_delay`) |
 * | `obs_dim`, `action_dim` | decimal integers |
 * | `task` | task name (optional) |
 * | `provenance` | JSON: training run details (optional) |
 * | anything else | caller-provided strings |
 *
 * Loading accepts any tensor order and offsets (files written by other
 * safetensors writers) and checkpoints in upstream naming that carry less
 * metadata: a `model_config` key that is missing takes upstream's default
 * (`DEFAULT_MODEL_CONFIG` of `config.ts`; a missing `simulated_delay`
 * means null),
 * and missing `obs_dim` / `action_dim` are read off the `in_proj.kernel` and
 * `out_proj.bias` shapes. It validates names, shapes, dtype and finiteness,
 * naming the file and tensor in a one-line error. Writes are atomic (temp +
 * rename).
 *
 * @module
 */

import { writeFileAtomic } from "../io/atomic.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafeTensor,
} from "../io/safetensors.ts";
import { type ModelConfig, resolveModelConfig } from "./config.ts";
import { paramLayout } from "./params.ts";

/** The `format` metadata value of policy checkpoints. */
export const CHECKPOINT_FORMAT = "exp-delta-flow-policy";

/** A policy checkpoint in memory. */
export interface Checkpoint {
  /** The architecture. */
  readonly config: ModelConfig;
  /** Observation size O. */
  readonly obsDim: number;
  /** Action size A. */
  readonly actionDim: number;
  /** Flat parameters in layout order. */
  readonly params: Float32Array;
  /** Task name, when recorded. */
  readonly task?: string;
  /** Training provenance (parsed `provenance` JSON), when recorded. */
  readonly provenance?: Record<string, unknown>;
  /** The whole `__metadata__` map as stored (on save: extra string entries). */
  readonly metadata?: Record<string, string>;
}

const SNAKE: [keyof ModelConfig, string][] = [
  ["channelDim", "channel_dim"],
  ["channelHiddenDim", "channel_hidden_dim"],
  ["tokenHiddenDim", "token_hidden_dim"],
  ["numLayers", "num_layers"],
  ["actionChunkSize", "action_chunk_size"],
  ["simulatedDelay", "simulated_delay"],
];

/**
 * Encodes a checkpoint as safetensors bytes.
 *
 * @param checkpoint Config, sizes, parameters and optional task, provenance and metadata.
 * @returns The file contents.
 * @throws {TypeError} If `params` does not have the layout's length.
 *
 * @example
 * ```ts
 * import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import { initParams, paramLayout } from "./params.ts";
 * import assert from "node:assert/strict";
 * const dims = { obsDim: 3, actionDim: 2 };
 * const params = initParams(paramLayout(SMALL_MODEL_CONFIG, dims), { seed: 0 });
 * const bytes = encodeCheckpoint({ config: SMALL_MODEL_CONFIG, ...dims, params, task: "catch" });
 * const back = decodeCheckpoint(bytes);
 * assert.deepEqual(back.params, params);
 * assert.equal(back.task, "catch");
 * ```
 */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const { config, obsDim, actionDim, params } = checkpoint;
  const layout = paramLayout(config, { obsDim, actionDim });
  if (params.length !== layout.size) {
    throw new TypeError(
      `Cannot encode checkpoint as params must have length ${layout.size}: current length is ${params.length}`,
    );
  }
  const snake: Record<string, unknown> = {};
  for (const [camel, s] of SNAKE) snake[s] = config[camel];
  const metadata: Record<string, string> = {
    ...checkpoint.metadata,
    format: CHECKPOINT_FORMAT,
    format_version: "1",
    model_config: JSON.stringify(snake),
    obs_dim: String(obsDim),
    action_dim: String(actionDim),
  };
  if (checkpoint.task !== undefined) metadata.task = checkpoint.task;
  if (checkpoint.provenance !== undefined) {
    metadata.provenance = JSON.stringify(checkpoint.provenance);
  }
  const tensors: [string, SafeTensor][] = layout.entries.map((e) => [
    e.name,
    {
      dtype: "F32",
      shape: e.shape,
      data: params.subarray(e.offset, e.offset + e.size),
    },
  ]);
  return encodeSafetensors(tensors, { metadata });
}

/**
 * `action_dim` from `out_proj.bias` `[A]`, `obs_dim` from `in_proj.kernel`
 * `[A + O, C]`, for checkpoints whose metadata does not record them.
 */
function inferDim(
  tensors: ReadonlyMap<string, SafeTensor>,
  key: "obs_dim" | "action_dim",
  src: string,
): number {
  const a = tensors.get("out_proj.bias")?.shape;
  const io = tensors.get("in_proj.kernel")?.shape;
  if (a?.length !== 1 || io?.length !== 2) {
    throw new SyntaxError(
      `Cannot load checkpoint ${src} as __metadata__.${key} is missing and cannot be inferred: out_proj.bias must be [A] and in_proj.kernel [A + O, C]`,
    );
  }
  const n = key === "action_dim" ? a[0]! : io[0]! - a[0]!;
  if (!Number.isInteger(n) || n < 1) {
    throw new SyntaxError(
      `Cannot load checkpoint ${src} as __metadata__.${key} is missing and the tensor shapes give ${n}`,
    );
  }
  return n;
}

function metaInt(meta: Record<string, string>, key: string, src: string) {
  const raw = meta[key];
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < 1) {
    throw new SyntaxError(
      `Cannot load checkpoint ${src} as __metadata__.${key} must be a positive integer: current value is ${raw}`,
    );
  }
  return n;
}

/**
 * Decodes and validates checkpoint bytes.
 *
 * @param bytes The safetensors contents.
 * @param options `source`: file name for error messages.
 * @returns The checkpoint.
 * @throws {SyntaxError} If the metadata lacks or garbles the model config or sizes.
 * @throws {RangeError} If the model config is out of range.
 * @throws {TypeError} If a tensor is missing, unexpected, not F32 or has the wrong shape.
 * @throws {RangeError} If a tensor holds a NaN or infinity.
 *
 * @example
 * ```ts
 * import { decodeCheckpoint } from "./checkpoint.ts";
 * import { encodeSafetensors } from "../io/safetensors.ts";
 * import assert from "node:assert/strict";
 * const bytes = encodeSafetensors([], { metadata: { obs_dim: "2" } });
 * assert.throws(() => decodeCheckpoint(bytes, { source: "a.safetensors" }), /a.safetensors/);
 * ```
 */
export function decodeCheckpoint(
  bytes: Uint8Array,
  options: { source?: string } = {},
): Checkpoint {
  const src = options.source ?? "(bytes)";
  const file = decodeSafetensors(bytes, { source: src });
  const meta = file.metadata;
  if (meta.model_config === undefined) {
    throw new SyntaxError(
      `Cannot load checkpoint ${src} as __metadata__.model_config is missing`,
    );
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(meta.model_config);
  } catch (e) {
    throw new SyntaxError(
      `Cannot load checkpoint ${src} as __metadata__.model_config is not JSON: ${
        (e as Error).message
      }`,
    );
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new SyntaxError(
      `Cannot load checkpoint ${src} as __metadata__.model_config must be a JSON object: current value is ${meta.model_config}`,
    );
  }
  const known = new Set(SNAKE.flatMap(([camel, snake]) => [camel, snake]));
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) {
      throw new SyntaxError(
        `Cannot load checkpoint ${src} as __metadata__.model_config has an unknown key: current value is "${key}"`,
      );
    }
  }
  // A missing key takes upstream's default (DEFAULT_MODEL_CONFIG), as
  // upstream's dataclass does: e.g. no simulated_delay means null.
  const partial: Record<string, unknown> = {};
  for (const [camel, snake] of SNAKE) {
    if (snake in raw) partial[camel] = raw[snake];
    else if (camel in raw) partial[camel] = raw[camel];
  }
  let config: ModelConfig;
  try {
    config = resolveModelConfig(partial as Partial<ModelConfig>);
  } catch (e) {
    throw new RangeError(
      `Cannot load checkpoint ${src} as __metadata__.model_config is invalid: ${
        (e as Error).message
      }`,
    );
  }
  const obsDim = meta.obs_dim === undefined
    ? inferDim(file.tensors, "obs_dim", src)
    : metaInt(meta, "obs_dim", src);
  const actionDim = meta.action_dim === undefined
    ? inferDim(file.tensors, "action_dim", src)
    : metaInt(meta, "action_dim", src);
  const layout = paramLayout(config, { obsDim, actionDim });
  const params = new Float32Array(layout.size);
  const byName = new Map(layout.entries.map((e) => [e.name, e]));
  for (const [name, t] of file.tensors) {
    const e = byName.get(name);
    if (!e) {
      throw new TypeError(
        `Cannot load checkpoint ${src} as tensor "${name}" is not a parameter of this model config`,
      );
    }
    if (t.dtype !== "F32") {
      throw new TypeError(
        `Cannot load checkpoint ${src} as tensor "${name}" must be F32: current dtype is ${t.dtype}`,
      );
    }
    if (
      t.shape.length !== e.shape.length ||
      t.shape.some((s, i) => s !== e.shape[i])
    ) {
      throw new TypeError(
        `Cannot load checkpoint ${src} as tensor "${name}" must have shape [${e.shape}]: current shape is [${t.shape}]`,
      );
    }
    const data = t.data as Float32Array;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        throw new RangeError(
          `Cannot load checkpoint ${src} as tensor "${name}" holds a non-finite value at flat index ${i}: current value is ${
            data[i]
          }`,
        );
      }
    }
    params.set(data, e.offset);
  }
  for (const e of layout.entries) {
    if (!file.tensors.has(e.name)) {
      throw new TypeError(
        `Cannot load checkpoint ${src} as tensor "${e.name}" is missing`,
      );
    }
  }
  let provenance: Record<string, unknown> | undefined;
  if (meta.provenance !== undefined) {
    try {
      provenance = JSON.parse(meta.provenance);
    } catch {
      provenance = { raw: meta.provenance };
    }
  }
  return {
    config,
    obsDim,
    actionDim,
    params,
    task: meta.task,
    provenance,
    metadata: meta,
  };
}

/**
 * Writes a checkpoint atomically (temp file + rename).
 *
 * @param path Destination `.safetensors` file (parent folders are created).
 * @param checkpoint The checkpoint.
 * @returns A promise that settles once the file is in place.
 *
 * @example
 * ```ts
 * import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
 * import { initParams, paramLayout } from "./params.ts";
 * import { SMALL_MODEL_CONFIG as config } from "./config.ts";
 * import assert from "node:assert/strict";
 * const dims = { obsDim: 23, actionDim: 1 };
 * const params = initParams(paramLayout(config, dims), { seed: 0 });
 * const path = `${await Deno.makeTempDir()}/catch.safetensors`;
 * await saveCheckpoint(path, { config, ...dims, params, task: "catch" });
 * assert.equal((await loadCheckpoint(path)).task, "catch");
 * ```
 */
export async function saveCheckpoint(
  path: string,
  checkpoint: Checkpoint,
): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(checkpoint));
}

/**
 * Reads and validates a checkpoint file.
 *
 * @param path The `.safetensors` file.
 * @returns The checkpoint.
 * @throws {SyntaxError|TypeError|RangeError} See {@linkcode decodeCheckpoint}; messages name the file and tensor.
 *
 * @example
 * ```ts
 * import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
 * import { initParams, paramLayout } from "./params.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import { createNet } from "./net.ts";
 * import { getBackend } from "../gpu/backend.ts";
 * import assert from "node:assert/strict";
 * const path = `${await Deno.makeTempDir()}/policy.safetensors`;
 * const layout = paramLayout(SMALL_MODEL_CONFIG, { obsDim: 9, actionDim: 2 });
 * await saveCheckpoint(path, { config: SMALL_MODEL_CONFIG, obsDim: 9, actionDim: 2, params: initParams(layout, { seed: 0 }) });
 * const { config, obsDim, actionDim, params } = await loadCheckpoint(path);
 * const net = await createNet(await getBackend({ backend: "cpu" }), { config, obsDim, actionDim, params });
 * assert.equal(net.config.actionChunkSize, 4);
 * ```
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(await Deno.readFile(path), { source: path });
}
