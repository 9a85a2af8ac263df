/**
 * The matrix entry of an inference method, shared by Step D, the sweep and
 * tail_v2, and its cost-coupled latency.
 *
 * @module
 */
import { type MethodName, resolveMethodConfig } from "../rtc/method_config.ts";
import type { ChunkSampler } from "../eval/types.ts";
import type { MatrixMethod } from "./matrix.ts";
import { type CostNet, methodCost } from "../rtc/method_cost.ts";

/**
 * The matrix entry of a method: its sampler, the naive initial sampler, its
 * config, and execution-time temporal ensembling for `temporal_ensembling`.
 *
 * @param method The method name.
 * @param samplerFor Sampler factory.
 * @returns The matrix method.
 *
 * @example
 * ```ts
 * import { matrixMethod } from "./matrix_method.ts";
 * import assert from "node:assert/strict";
 * const zeros = () => (req: { batch: number }) => Promise.resolve({ chunk: new Float32Array(req.batch * 8) });
 * assert.equal(matrixMethod("temporal_ensembling", zeros).temporalEnsemble?.decay, 0.01);
 * assert.equal(matrixMethod("realtime", zeros).temporalEnsemble, undefined);
 * ```
 */
export function matrixMethod(
  method: MethodName,
  samplerFor: (m: MethodName) => ChunkSampler,
): MatrixMethod {
  const config = resolveMethodConfig({ method });
  return {
    name: method,
    sampler: samplerFor(method),
    initialSampler: samplerFor("naive"),
    config: { ...config, bidWeakPolicy: null },
    temporalEnsemble: method === "temporal_ensembling"
      ? { decay: config.temporalDecay }
      : undefined,
  };
}

/**
 * The `latencyCost` of a matrix method under a latency cost model: `none`
 * gives undefined (the profile's draws as they are), `flops` the method's
 * FLOPs per chunk relative to naive's (`methodCost`, default method config).
 *
 * @param method The method name.
 * @param options The cost model, the method's network and naive's.
 * @returns The matrix method's `latencyCost`, or undefined for `none`.
 *
 * @example
 * ```ts
 * import { methodLatencyCost } from "./matrix_method.ts";
 * import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
 * import assert from "node:assert/strict";
 * const net = { config: SMALL_MODEL_CONFIG, obsDim: 32, actionDim: 6 };
 * assert.equal(methodLatencyCost("realtime", { model: "none", net }), undefined);
 * assert.equal(methodLatencyCost("realtime", { model: "flops", net })?.scale.toFixed(3), "1.382");
 * ```
 */
export function methodLatencyCost(
  method: MethodName,
  options: { model: LatencyCostModel; net: CostNet; naive?: CostNet },
): MatrixMethod["latencyCost"] {
  if (options.model === "none") return undefined;
  const cost = methodCost(resolveMethodConfig({ method }), options);
  return {
    scale: cost.scale,
    model: cost.model,
    flops_per_chunk: cost.flops,
    naive_flops_per_chunk: cost.naiveFlops,
  };
}

/**
 * Latency cost models of cost-coupled latency: `none` (every method draws
 * the profile's delays) or `flops` (`methodCost`).
 *
 * @example
 * ```ts
 * import { LATENCY_COST_MODELS } from "./matrix_method.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(LATENCY_COST_MODELS, ["none", "flops"]);
 * ```
 */
export const LATENCY_COST_MODELS = ["none", "flops"] as const;

/**
 * A latency cost model name.
 *
 * @example
 * ```ts
 * import type { LatencyCostModel } from "./matrix_method.ts";
 * const coupled = (m: LatencyCostModel): boolean => m !== "none";
 * ```
 */
export type LatencyCostModel = (typeof LATENCY_COST_MODELS)[number];
