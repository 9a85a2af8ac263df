/**
 * The FlowPolicy network (upstream `model.py` semantics): configuration,
 * parameter layout, CPU reference and WebGPU kernels behind one
 * {@linkcode PolicyNet} interface, checkpoints, AdamW and the training loop.
 *
 * @example
 * ```ts
 * import { createNet, initParams, paramLayout, SMALL_MODEL_CONFIG } from "./mod.ts";
 * import { getBackend } from "../gpu/mod.ts";
 * import assert from "node:assert/strict";
 * const dims = { obsDim: 2, actionDim: 1 };
 * const params = initParams(paramLayout(SMALL_MODEL_CONFIG, dims), { seed: 0 });
 * const net = await createNet(await getBackend({ backend: "cpu" }), { config: SMALL_MODEL_CONFIG, ...dims, params });
 * const v = await net.forward({ batch: 1, obs: new Float32Array(2), xt: new Float32Array(4), time: new Float32Array(4) });
 * assert.equal(v.length, 4);
 * ```
 *
 * @module
 */
export * from "./config.ts";
export * from "./params.ts";
export * from "./net.ts";
export * from "./net_inputs.ts";
export * from "./forward_cpu.ts";
export * from "./backward_cpu.ts";
export * from "./flops.ts";
export * from "./adamw.ts";
export * from "./checkpoint.ts";
export * from "./train.ts";
