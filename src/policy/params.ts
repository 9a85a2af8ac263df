/**
 * Parameter layout of the FlowPolicy network: every parameter lives in ONE
 * flat `Float32Array`, in the order of {@linkcode paramLayout}, named by the
 * upstream flax (nnx) path joined with dots. Kernels are `[in, out]`
 * row-major (flax convention: `y = x @ kernel + bias`).
 *
 * @module
 */

import type { ModelConfig } from "./config.ts";
import { normal } from "../rng/rng.ts";

/** One named tensor inside the flat parameter vector. */
export interface ParamEntry {
  /** Flax path joined with dots, e.g. `mlp_stack.0.adaln_1.kernel`. */
  readonly name: string;
  /** Shape; kernels are `[in, out]`. */
  readonly shape: readonly number[];
  /** Offset (in floats) in the flat vector. */
  readonly offset: number;
  /** Number of floats (product of the shape). */
  readonly size: number;
}

/** All parameters of a network, in flat-vector order. */
export interface ParamLayout {
  /** The tensors in order; offsets are contiguous. */
  readonly entries: readonly ParamEntry[];
  /** Total number of floats. */
  readonly size: number;
}

/** Input/output sizes of a network (the parts of its shape not in {@linkcode ModelConfig}). */
export interface NetDims {
  /** Observation size O. */
  readonly obsDim: number;
  /** Action size A. */
  readonly actionDim: number;
}

function checkDim(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot build parameter layout as ${field} must be a positive integer: current value is ${value}`,
    );
  }
}

/**
 * Builds the parameter layout: `in_proj`, then per block
 * `mlp_stack.{l}.{token_mix_in, token_mix_out, channel_mix_in,
 * channel_mix_out, adaln_1, adaln_2}`, then `time_mlp.layers.{0,2}`,
 * `final_adaln`, `out_proj` (the upstream definition order).
 *
 * @param config The model config.
 * @param dims Observation and action sizes.
 * @returns The layout.
 * @throws {RangeError} If obsDim or actionDim is not a positive integer.
 *
 * @example
 * ```ts
 * import { paramLayout } from "./params.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import assert from "node:assert/strict";
 * const layout = paramLayout(SMALL_MODEL_CONFIG, { obsDim: 32, actionDim: 6 });
 * assert.equal(layout.entries[0]!.name, "in_proj.kernel");
 * assert.deepEqual(layout.entries[0]!.shape, [38, 64]);
 * assert.equal(layout.entries.at(-1)!.name, "out_proj.bias");
 * ```
 */
export function paramLayout(config: ModelConfig, dims: NetDims): ParamLayout {
  checkDim(dims.obsDim, "obsDim");
  checkDim(dims.actionDim, "actionDim");
  const C = config.channelDim;
  const Hc = config.channelHiddenDim;
  const Ht = config.tokenHiddenDim;
  const H = config.actionChunkSize;
  const A = dims.actionDim;
  const O = dims.obsDim;
  const spec: [string, number[]][] = [
    ["in_proj.kernel", [A + O, C]],
    ["in_proj.bias", [C]],
  ];
  for (let l = 0; l < config.numLayers; l++) {
    const p = `mlp_stack.${l}.`;
    spec.push(
      [p + "token_mix_in.kernel", [H, Ht]],
      [p + "token_mix_out.kernel", [Ht, H]],
      [p + "channel_mix_in.kernel", [C, Hc]],
      [p + "channel_mix_out.kernel", [Hc, C]],
      [p + "adaln_1.kernel", [C, 3 * C]],
      [p + "adaln_1.bias", [3 * C]],
      [p + "adaln_2.kernel", [C, 3 * C]],
      [p + "adaln_2.bias", [3 * C]],
    );
  }
  spec.push(
    ["time_mlp.layers.0.kernel", [C, C]],
    ["time_mlp.layers.0.bias", [C]],
    ["time_mlp.layers.2.kernel", [C, C]],
    ["time_mlp.layers.2.bias", [C]],
    ["final_adaln.kernel", [C, 2 * C]],
    ["final_adaln.bias", [2 * C]],
    ["out_proj.kernel", [C, A]],
    ["out_proj.bias", [A]],
  );
  let offset = 0;
  const entries = spec.map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const e: ParamEntry = Object.freeze({
      name,
      shape: Object.freeze(shape),
      offset,
      size,
    });
    offset += size;
    return e;
  });
  return Object.freeze({ entries: Object.freeze(entries), size: offset });
}

/**
 * Looks up a tensor by name.
 *
 * @param layout The layout.
 * @param name The flax path, e.g. `out_proj.bias`.
 * @returns The entry.
 * @throws {RangeError} If no tensor has that name.
 *
 * @example
 * ```ts
 * import { paramEntry, paramLayout } from "./params.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import assert from "node:assert/strict";
 * const layout = paramLayout(SMALL_MODEL_CONFIG, { obsDim: 32, actionDim: 6 });
 * assert.deepEqual(paramEntry(layout, "out_proj.bias").shape, [6]);
 * ```
 */
export function paramEntry(layout: ParamLayout, name: string): ParamEntry {
  const e = layout.entries.find((x) => x.name === name);
  if (!e) {
    throw new RangeError(
      `Cannot find parameter as name is unknown: current value is "${name}"`,
    );
  }
  return e;
}

/** Options for {@linkcode initParams}. */
export interface InitParamsOptions {
  /** Seed of the counter-based RNG (stream = entry index). */
  readonly seed: number;
}

/** Truncated standard normal on [-2, 2] by rejection (counter-based). */
function truncatedNormal(seed: number, stream: number, i: number): number {
  for (let k = 0;; k++) {
    const z = normal(seed, stream, i + k * 0x100000, 0);
    if (Math.abs(z) <= 2) return z;
  }
}

const isAdaln = (name: string) => /adaln/.test(name);

/**
 * Flax-like initialisation: kernels `lecun_normal` (truncated normal on ±2σ,
 * σ = sqrt(1/fan_in)/0.8796), biases zero, and the adaLN kernels and biases
 * zero (as upstream `zeros_init`), so every block starts as the identity.
 *
 * @param layout The layout.
 * @param options The seed.
 * @returns A new flat parameter vector.
 *
 * @example
 * ```ts
 * import { initParams, paramEntry, paramLayout } from "./params.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import assert from "node:assert/strict";
 * const layout = paramLayout(SMALL_MODEL_CONFIG, { obsDim: 32, actionDim: 6 });
 * const p = initParams(layout, { seed: 1 });
 * const e = paramEntry(layout, "final_adaln.kernel");
 * assert.ok(p.subarray(e.offset, e.offset + e.size).every((v) => v === 0));
 * ```
 */
export function initParams(
  layout: ParamLayout,
  options: InitParamsOptions,
): Float32Array {
  const out = new Float32Array(layout.size);
  layout.entries.forEach((e, stream) => {
    if (e.shape.length !== 2 || isAdaln(e.name)) return;
    const std = Math.sqrt(1 / e.shape[0]!) / 0.87962566103423978;
    for (let i = 0; i < e.size; i++) {
      out[e.offset + i] = std * truncatedNormal(options.seed, stream, i);
    }
  });
  return out;
}

/** Options for {@linkcode randomParams}. */
export interface RandomParamsOptions {
  /** Seed of the counter-based RNG (stream = entry index). */
  readonly seed: number;
  /** Multiplier of the fan-in-scaled normal. @default 1 */
  readonly scale?: number;
}

/**
 * Random parameters for tests: every tensor (biases and adaLN included) is
 * normal with std `scale/sqrt(fan_in)` (biases: `scale·0.1`), so no branch
 * of the network is switched off.
 *
 * @param layout The layout.
 * @param options Seed and scale.
 * @returns A new flat parameter vector.
 *
 * @example
 * ```ts
 * import { paramEntry, paramLayout, randomParams } from "./params.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import assert from "node:assert/strict";
 * const layout = paramLayout(SMALL_MODEL_CONFIG, { obsDim: 32, actionDim: 6 });
 * const p = randomParams(layout, { seed: 1, scale: 1 });
 * const e = paramEntry(layout, "final_adaln.kernel");
 * assert.ok(p.subarray(e.offset, e.offset + e.size).some((v) => v !== 0));
 * ```
 */
export function randomParams(
  layout: ParamLayout,
  options: RandomParamsOptions,
): Float32Array {
  const scale = options.scale ?? 1;
  const out = new Float32Array(layout.size);
  layout.entries.forEach((e, stream) => {
    const std = e.shape.length === 2
      ? scale / Math.sqrt(e.shape[0]!)
      : scale * 0.1;
    for (let i = 0; i < e.size; i++) {
      out[e.offset + i] = std * normal(options.seed, stream, i, 0);
    }
  });
  return out;
}
