/**
 * The CPU-reference {@linkcode PolicyNet}: float32 forward, VJP and loss
 * gradient computed by `forwardCpu`/`backwardCpu` with `Math.fround` on
 * every operation.
 *
 * @module
 */

import type { ModelConfig } from "./config.ts";
import type { ParamLayout } from "./params.ts";
import { forwardCpu, netShape } from "./forward_cpu.ts";
import { backwardCpu } from "./backward_cpu.ts";
import {
  checkNetInputs,
  type LossBatch,
  type NetInputs,
  prepareLoss,
} from "./net_inputs.ts";
import type { PolicyNet } from "./net.ts";

/**
 * Creates the CPU-reference network (use `createNet` instead).
 *
 * @param options Config, sizes, layout and initial parameters (copied).
 * @returns The network.
 *
 * @example
 * ```ts
 * import { createCpuNet } from "./net_cpu.ts";
 * import { paramLayout, initParams } from "./params.ts";
 * import { SMALL_MODEL_CONFIG } from "./config.ts";
 * import assert from "node:assert/strict";
 * const layout = paramLayout(SMALL_MODEL_CONFIG, { obsDim: 2, actionDim: 1 });
 * const net = createCpuNet({ config: SMALL_MODEL_CONFIG, obsDim: 2, actionDim: 1, layout, params: initParams(layout, { seed: 0 }) });
 * assert.equal(net.backend, "cpu");
 * ```
 */
export function createCpuNet(options: {
  config: ModelConfig;
  obsDim: number;
  actionDim: number;
  layout: ParamLayout;
  params: Float32Array;
}): PolicyNet {
  const { config, obsDim, actionDim, layout } = options;
  const shape = netShape(config, { obsDim, actionDim });
  const dims = { H: shape.H, A: shape.A, O: shape.O };
  let params = Float32Array.from(options.params);
  const run = (inputs: NetInputs) => {
    checkNetInputs(inputs, dims);
    return forwardCpu(params, { layout, shape, inputs, precision: "f32" });
  };
  return {
    config,
    obsDim,
    actionDim,
    layout,
    backend: "cpu",
    params: () => Float32Array.from(params),
    setParams(p: Float32Array) {
      if (p.length !== layout.size) {
        throw new TypeError(
          `Cannot set parameters as params must have length ${layout.size}: current length is ${p.length}`,
        );
      }
      params = Float32Array.from(p);
    },
    forward(inputs: NetInputs) {
      return settle(() => run(inputs).v as Float32Array);
    },
    vjp(inputs: NetInputs, cotangent: Float32Array) {
      return settle(() => {
        const tape = run(inputs);
        if (cotangent.length !== tape.v.length) {
          throw new TypeError(
            `Cannot compute VJP as cotangent must have length ${tape.v.length}: current length is ${cotangent.length}`,
          );
        }
        const { gradXt } = backwardCpu(tape, {
          gv: cotangent,
          paramGrad: false,
        });
        return { v: tape.v as Float32Array, gradXt: gradXt as Float32Array };
      });
    },
    lossAndGrad(batch: LossBatch) {
      return settle(() => {
        const prep = prepareLoss(batch, dims);
        const tape = run(prep.inputs);
        const { loss, gv } = lossHead(
          tape.v,
          prep.target,
          prep.weight,
          shape.A,
        );
        const { grad } = backwardCpu(tape, { gv, paramGrad: true });
        return { loss, grad: grad as Float32Array };
      });
    },
    destroy() {},
  };
}

/**
 * Loss `Σ w_token·(v − u)²` (float64 sum) and its cotangent
 * `2·w_token·(v − u)` in float32.
 *
 * @param v Velocity `[B,H,A]`.
 * @param target Target `[B,H,A]`.
 * @param weight Per-token weight `[B,H]`.
 * @param A Action size.
 * @returns Loss and cotangent.
 *
 * @example
 * ```ts
 * import { lossHead } from "./net_cpu.ts";
 * import assert from "node:assert/strict";
 * const { loss, gv } = lossHead([1, 3], new Float32Array([0, 1]), new Float32Array([0.5]), 2);
 * assert.equal(loss, 2.5);
 * assert.deepEqual([...gv], [1, 2]);
 * ```
 */
export function lossHead(
  v: ArrayLike<number>,
  target: Float32Array,
  weight: Float32Array,
  A: number,
): { loss: number; gv: Float32Array } {
  const f = Math.fround;
  const gv = new Float32Array(target.length);
  let loss = 0;
  for (let i = 0; i < target.length; i++) {
    const w = weight[Math.floor(i / A)]!;
    const d = f(v[i]! - target[i]!);
    loss += w * d * d;
    gv[i] = f(f(2 * w) * d);
  }
  return { loss, gv };
}

/** Runs `fn` and turns a throw into a rejected promise. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}
