/**
 * FlowPolicy model configuration: the upstream `ModelConfig` dataclass
 * (`model.py`) in camelCase, with defaults, presets and validation.
 *
 * @module
 */

/** Architecture of the FlowPolicy network (an MLP-Mixer over the H action tokens). */
export interface ModelConfig {
  /** Channel width C of every token. @default 256 */
  readonly channelDim: number;
  /** Hidden width Hc of the channel-mixing MLP. @default 512 */
  readonly channelHiddenDim: number;
  /** Hidden width Ht of the token-mixing MLP. @default 64 */
  readonly tokenHiddenDim: number;
  /** Number L of mixer blocks. @default 4 */
  readonly numLayers: number;
  /** Action chunk size H (number of tokens). @default 8 */
  readonly actionChunkSize: number;
  /** Training-time RTC: maximum simulated delay D, or null for none. @default null */
  readonly simulatedDelay: number | null;
}

/**
 * Upstream defaults (C=256, Hc=512, Ht=64, L=4, H=8, no simulated delay).
 *
 * @example
 * ```ts
 * import { DEFAULT_MODEL_CONFIG } from "./config.ts";
 * import assert from "node:assert/strict";
 * assert.equal(DEFAULT_MODEL_CONFIG.channelDim, 256);
 * ```
 */
export const DEFAULT_MODEL_CONFIG: ModelConfig = Object.freeze({
  channelDim: 256,
  channelHiddenDim: 512,
  tokenHiddenDim: 64,
  numLayers: 4,
  actionChunkSize: 8,
  simulatedDelay: null,
});

/**
 * The seed's "stable small model" (C=64, Hc=128, Ht=32, L=2, H=4).
 *
 * @example
 * ```ts
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import assert from "node:assert/strict";
 * assert.equal(SMALL_MODEL_CONFIG.actionChunkSize, 4);
 * ```
 */
export const SMALL_MODEL_CONFIG: ModelConfig = Object.freeze({
  channelDim: 64,
  channelHiddenDim: 128,
  tokenHiddenDim: 32,
  numLayers: 2,
  actionChunkSize: 4,
  simulatedDelay: null,
});

function positiveInt(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot resolve model config as ${field} must be a positive integer: current value is ${value}`,
    );
  }
  return value;
}

/**
 * Merges a partial config over {@linkcode DEFAULT_MODEL_CONFIG} and validates
 * it: every size is a positive integer, `channelDim` is even (the sincos time
 * embedding splits it in halves), and `simulatedDelay` is null or an integer
 * in [1, actionChunkSize].
 *
 * @param partial Fields to override.
 * @returns The resolved, frozen config.
 * @throws {RangeError} If a field is out of range (the message names it).
 *
 * @example
 * ```ts
 * import { resolveModelConfig } from "./config.ts";
 * import assert from "node:assert/strict";
 * const c = resolveModelConfig({ channelDim: 64, numLayers: 2 });
 * assert.equal(c.channelHiddenDim, 512);
 * assert.throws(() => resolveModelConfig({ channelDim: 63 }), RangeError);
 * ```
 */
export function resolveModelConfig(
  partial: Partial<ModelConfig> = {},
): ModelConfig {
  const merged = { ...DEFAULT_MODEL_CONFIG, ...partial };
  const channelDim = positiveInt(merged.channelDim, "channelDim");
  if (channelDim % 2 !== 0) {
    throw new RangeError(
      `Cannot resolve model config as channelDim must be even: current value is ${channelDim}`,
    );
  }
  const actionChunkSize = positiveInt(
    merged.actionChunkSize,
    "actionChunkSize",
  );
  const d = merged.simulatedDelay;
  if (
    d !== null &&
    (typeof d !== "number" || !Number.isInteger(d) || d < 1 ||
      d > actionChunkSize)
  ) {
    throw new RangeError(
      `Cannot resolve model config as simulatedDelay must be null or an integer in [1, ${actionChunkSize}]: current value is ${d}`,
    );
  }
  return Object.freeze({
    channelDim,
    channelHiddenDim: positiveInt(merged.channelHiddenDim, "channelHiddenDim"),
    tokenHiddenDim: positiveInt(merged.tokenHiddenDim, "tokenHiddenDim"),
    numLayers: positiveInt(merged.numLayers, "numLayers"),
    actionChunkSize,
    simulatedDelay: d,
  });
}
