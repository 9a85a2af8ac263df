/**
 * WebGPU runtime: backend selection, pipeline cache, buffers, dispatch and
 * readback, and struct layouts shared by TypeScript and WGSL.
 *
 * @module
 */
export * from "./backend.ts";
export * from "./kernel.ts";
export * from "./struct.ts";
