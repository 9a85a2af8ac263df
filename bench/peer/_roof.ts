/**
 * FMA-only kernels that measure each CPU-side engine's arithmetic roof:
 * the native one (12 independent 8-lane FMA chains per thread, in the C
 * engine) and a WGSL one (16 independent vec4 FMA chains per invocation)
 * on the WebGPU adapter.
 *
 * @module
 */

import { createStorage, dispatch, getPipeline } from "../../src/gpu/kernel.ts";
import type { NativeEngine } from "../../src/native/build.ts";

/**
 * GFLOP/s of the native FMA kernel on `threads` threads (best of 3 runs of
 * about 0.2 s).
 *
 * @param engine The native engine.
 * @param threads Threads.
 * @returns GFLOP/s (an FMA counts 2).
 *
 * @example
 * ```ts ignore
 * console.log(nativeRoof(await loadNativeEngine(), 2));
 * ```
 */
export function nativeRoof(engine: NativeEngine, threads: number): number {
  const iters = 30_000_000;
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    best = Math.min(best, engine.symbols.xd_fma_roof(BigInt(iters), threads));
  }
  return (iters * 12 * 8 * 2 * threads) / best / 1e9;
}

const ROOF_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
override ITERS: u32 = 1024u;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = vec4<f32>(0.999999);
  let c = vec4<f32>(1e-7);
  var a: array<vec4<f32>, 16>;
  for (var j = 0u; j < 16u; j++) { a[j] = vec4<f32>(f32(gid.x + j)); }
  var a0 = a[0]; var a1 = a[1]; var a2 = a[2]; var a3 = a[3];
  var a4 = a[4]; var a5 = a[5]; var a6 = a[6]; var a7 = a[7];
  var a8 = a[8]; var a9 = a[9]; var a10 = a[10]; var a11 = a[11];
  var a12 = a[12]; var a13 = a[13]; var a14 = a[14]; var a15 = a[15];
  for (var i = 0u; i < ITERS; i++) {
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
    a8 = fma(a8, m, c); a9 = fma(a9, m, c); a10 = fma(a10, m, c); a11 = fma(a11, m, c);
    a12 = fma(a12, m, c); a13 = fma(a13, m, c); a14 = fma(a14, m, c); a15 = fma(a15, m, c);
  }
  let s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15;
  out[gid.x] = dot(s, vec4<f32>(1.0));
}`;

/**
 * GFLOP/s of the WGSL FMA kernel on the device (best of 3 submissions,
 * after a warm-up).
 *
 * @param device The WebGPU device.
 * @returns GFLOP/s (an FMA counts 2).
 *
 * @example
 * ```ts ignore
 * console.log(await webgpuRoof(device));
 * ```
 */
export async function webgpuRoof(device: GPUDevice): Promise<number> {
  const iters = 4096, groups = 256, invocations = groups * 64;
  const pipeline = getPipeline(device, {
    code: ROOF_WGSL,
    constants: { ITERS: iters },
    label: "fma roof",
  });
  const out = createStorage(device, { size: invocations * 4 });
  const run = async () => {
    const t0 = performance.now();
    dispatch(device, [{ pipeline, buffers: [out], workgroups: [groups] }]);
    await device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / 1000;
  };
  await run();
  let best = Infinity;
  for (let r = 0; r < 3; r++) best = Math.min(best, await run());
  out.destroy();
  return (invocations * iters * 16 * 4 * 2) / best / 1e9;
}
