/**
 * The FlowPolicy network (upstream `model.py` semantics): configuration,
 * parameter layout, CPU reference and WebGPU kernels behind one
 * {@linkcode PolicyNet} interface, checkpoints, AdamW and the training loop.
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
export { type PolicyKernels, policyKernels } from "./net_wgsl.ts";
export * from "./adamw.ts";
export * from "./adamw_wgsl.ts";
export * from "./checkpoint.ts";
export * from "./train.ts";
