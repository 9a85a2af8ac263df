/**
 * The `catch` task: a paddle catches three staggered falling balls that
 * bounce off the side walls. See `catch.ts` for the full task documentation.
 *
 * @module
 */
export * from "./catch.ts";
export * from "./catch_cpu.ts";
export * from "./catch_params.ts";
export * from "./catch_render.ts";
export * from "./catch_wgsl.ts";
