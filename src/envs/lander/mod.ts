/**
 * The `lander` task: a 2D rigid lander (main engine, side thruster,
 * top-heavy attitude) lands softly on a pad at a random position. See
 * `lander.ts` for the full task documentation.
 *
 * @module
 */
export * from "./lander.ts";
export * from "./lander_cpu.ts";
export * from "./lander_params.ts";
export * from "./lander_render.ts";
export * from "./lander_wgsl.ts";
