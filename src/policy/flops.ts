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
 * channel MLP `4C·Hc`, final adaLN `4C²` and out_proj `2CA`, all per token
 * (the network's interface takes one flow time per token, so the time MLP
 * and adaLN count once per token). The input-only VJP is
 * {@linkcode vjpFlops}; the loss gradient costs about 3× the forward.
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

/**
 * Matmul FLOPs of the input-only VJP (the gradient with respect to x_t that
 * realtime guidance needs, after a forward that kept its tape) for one
 * sample: per token out_proj `2CA`, per block the channel MLP `4C·Hc` and
 * the token MLP `4C·Ht` (each of the two products once, transposed), and the
 * x_t rows of in_proj `2CA`. The time MLP and adaLN depend on the flow time
 * only, so they have no part in it; no weight gradients are formed.
 *
 * @param config The model config.
 * @param dims Observation and action sizes.
 * @returns FLOPs per sample.
 *
 * @example
 * ```ts
 * import { forwardFlops, vjpFlops } from "./flops.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import assert from "node:assert/strict";
 * const dims = { obsDim: 32, actionDim: 6 };
 * assert.equal(vjpFlops(SMALL_MODEL_CONFIG, dims), 333824);
 * // A realtime flow step (forward + VJP) costs 1.38 naive steps here.
 * const ratio = 1 + vjpFlops(SMALL_MODEL_CONFIG, dims) / forwardFlops(SMALL_MODEL_CONFIG, dims);
 * assert.equal(ratio.toFixed(2), "1.38");
 * ```
 */
export function vjpFlops(config: ModelConfig, dims: NetDims): number {
  const C = config.channelDim;
  const perToken = 4 * C * dims.actionDim +
    config.numLayers *
      (4 * C * config.tokenHiddenDim + 4 * C * config.channelHiddenDim);
  return perToken * config.actionChunkSize;
}
