/**
 * The `cartpole_swingup` task: swing a pole up from hanging and balance it
 * (see `cartpole_swingup.ts` for observation, action, reward, solved,
 * termination and `maxTimesteps`).
 *
 * @module
 */

export * from "./cartpole_swingup.ts";
export * from "./cartpole_swingup_params.ts";
export * from "./cartpole_swingup_cpu.ts";
export * from "./cartpole_swingup_wgsl.ts";
export * from "./cartpole_swingup_render.ts";
