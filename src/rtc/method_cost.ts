/**
 * The compute cost of an inference method relative to naive sampling, for
 * cost-coupled latency (an inference's latency is the profile's draw times
 * this ratio, so methods are compared on the same hardware budget).
 *
 * Cost model `flops`: matmul FLOPs of one chunk for one observation
 * (`src/policy/flops.ts`: F = `forwardFlops`, V = `vjpFlops`, n flow steps):
 *
 * | method                                  | FLOPs per chunk          |
 * | --------------------------------------- | ------------------------ |
 * | naive, temporal_ensembling, training_time | n·F                     |
 * | realtime, hard_masking                  | n·(F + V)                |
 * | bid                                     | N·n·F (+ N·n·F_weak)     |
 *
 * divided by naive's n·F on the reference network (the plain policy; by
 * default the method's own). Elementwise work (guidance weights, BID's
 * candidate losses, the ensemble's average) is not counted; nor is the
 * time conditioning's sharing across tokens that an implementation may
 * exploit (the count follows the network's interface: one flow time per
 * token).
 *
 * @module
 */
import type { ModelConfig } from "../policy/config.ts";
import { forwardFlops, vjpFlops } from "../policy/flops.ts";
import type { NetDims } from "../policy/params.ts";
import type { MethodConfig } from "./method_config.ts";

/**
 * Name of the cost model of {@linkcode methodCost}, recorded in config.json.
 *
 * @example
 * ```ts
 * import { METHOD_COST_MODEL } from "./method_cost.ts";
 * import assert from "node:assert/strict";
 * assert.match(METHOD_COST_MODEL, /^flops:/);
 * ```
 */
export const METHOD_COST_MODEL =
  "flops: matmul FLOPs per chunk (src/policy/flops.ts) over naive's; naive, temporal_ensembling, training_time n·F; realtime, hard_masking n·(F + V); bid N·n·F (+ N·n·F_weak)";

/**
 * A network's architecture and sizes, as the cost model needs them.
 *
 * @example
 * ```ts
 * import type { CostNet } from "./method_cost.ts";
 * import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
 * const net: CostNet = { config: SMALL_MODEL_CONFIG, obsDim: 9, actionDim: 2 };
 * ```
 */
export interface CostNet extends NetDims {
  /** The architecture. */
  readonly config: ModelConfig;
}

/**
 * Options for {@linkcode methodCost}.
 *
 * @example
 * ```ts
 * import type { MethodCostOptions } from "./method_cost.ts";
 * import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
 * const net = { config: SMALL_MODEL_CONFIG, obsDim: 9, actionDim: 2 };
 * const options: MethodCostOptions = { net, naive: net };
 * ```
 */
export interface MethodCostOptions {
  /** The network the method samples from. */
  net: CostNet;
  /** The network naive samples from (the reference). @default net */
  naive?: CostNet;
}

/**
 * A method's cost per chunk and its ratio to naive.
 *
 * @example
 * ```ts
 * import type { MethodCost } from "./method_cost.ts";
 * const slower = (c: MethodCost): boolean => c.scale > 1;
 * ```
 */
export interface MethodCost {
  /** Matmul FLOPs of one chunk for one observation. */
  flops: number;
  /** Naive's FLOPs per chunk on the reference network. */
  naiveFlops: number;
  /** `flops / naiveFlops`: the latency scale of cost-coupled latency. */
  scale: number;
  /** {@linkcode METHOD_COST_MODEL}. */
  model: string;
}

/**
 * The cost of a method relative to naive under the `flops` model (see the
 * module doc).
 *
 * @param method A resolved method config.
 * @param options The method's network and naive's.
 * @returns FLOPs per chunk, naive's, and their ratio.
 *
 * @example
 * ```ts
 * import { methodCost } from "./method_cost.ts";
 * import { resolveMethodConfig } from "./method_config.ts";
 * import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
 * import assert from "node:assert/strict";
 * const net = { config: SMALL_MODEL_CONFIG, obsDim: 32, actionDim: 6 };
 * const scale = (method: "naive" | "realtime" | "bid") =>
 *   methodCost(resolveMethodConfig({ method }), { net }).scale;
 * assert.equal(scale("naive"), 1);
 * assert.equal(scale("realtime").toFixed(3), "1.382");
 * assert.equal(scale("bid"), 16);
 * ```
 */
export function methodCost(
  method: MethodConfig,
  options: MethodCostOptions,
): MethodCost {
  const { net } = options;
  const naive = options.naive ?? net;
  const n = method.numFlowSteps;
  const F = forwardFlops(net.config, net);
  let flops: number;
  switch (method.method) {
    case "realtime":
    case "hard_masking":
      flops = n * (F + vjpFlops(net.config, net));
      break;
    case "bid": {
      flops = method.bidSamples * n * F;
      const weak = method.bidWeakPolicy;
      if (weak) {
        flops += method.bidSamples * n * forwardFlops(weak.config, weak);
      }
      break;
    }
    default:
      flops = n * F;
  }
  const naiveFlops = n * forwardFlops(naive.config, naive);
  return {
    flops,
    naiveFlops,
    scale: flops / naiveFlops,
    model: METHOD_COST_MODEL,
  };
}
