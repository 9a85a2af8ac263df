/**
 * FLOP counts of the FlowPolicy network (matmul multiply-adds × 2; the
 * elementwise work, LayerNorm and activations are not counted).
 *
 * @module
 */

import type { ModelConfig } from "./config.ts";
import type { NetDims } from "./params.ts";

/**
 * Matmul FLOPs of one forward pass for one sample (H tokens): time MLP
 * `2·2C²`, in_proj `2(A+O)C`, per block adaLN `2·2·3C²`, token MLP `4C·Ht`,
 * channel MLP `4C·Hc`, final adaLN `4C²` and out_proj `2CA`, all per token.
 * The VJP costs about 2× and the loss gradient about 3× this.
 *
 * @param config The model config.
 * @param dims Observation and action sizes.
 * @returns FLOPs per sample.
 *
 * @example
 * ```ts
 * import { forwardFlops } from "./flops.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import assert from "node:assert/strict";
 * assert.equal(forwardFlops(SMALL_MODEL_CONFIG, { obsDim: 32, actionDim: 6 }), 874496);
 * ```
 */
export function forwardFlops(config: ModelConfig, dims: NetDims): number {
  const C = config.channelDim;
  const perToken = 4 * C * C + 2 * (dims.actionDim + dims.obsDim) * C +
    config.numLayers *
      (12 * C * C + 4 * C * config.tokenHiddenDim +
        4 * C * config.channelHiddenDim) +
    4 * C * C + 2 * C * dims.actionDim;
  return perToken * config.actionChunkSize;
}
