/**
 * The matrix entry of an inference method, shared by Step D and the sweep.
 *
 * @module
 */
import { type MethodName, resolveMethodConfig } from "../rtc/method_config.ts";
import type { ChunkSampler } from "../eval/types.ts";
import type { MatrixMethod } from "./matrix.ts";

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
