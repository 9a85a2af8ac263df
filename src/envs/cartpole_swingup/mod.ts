/**
 * The `cartpole_swingup` task: swing a pole up from hanging and balance it
 * (see `cartpole_swingup_cpu.ts` for observation, action, reward, solved,
 * termination and max_timesteps).
 *
 * @module
 */

export * from "./cartpole_swingup_cpu.ts";
export * from "./cartpole_swingup_wgsl.ts";
export * from "./cartpole_swingup_render.ts";
export * from "./cartpole_swingup_task.ts";
