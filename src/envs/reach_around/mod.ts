/**
 * The `reach_around` task: a point mass parks on a goal behind an obstacle,
 * going round it left or right (see `reach_around.ts` for observation,
 * action, reward, solved, termination and `maxTimesteps`).
 *
 * @module
 */

export * from "./reach_around.ts";
export * from "./reach_around_params.ts";
export * from "./reach_around_cpu.ts";
export * from "./reach_around_wgsl.ts";
export * from "./reach_around_render.ts";
