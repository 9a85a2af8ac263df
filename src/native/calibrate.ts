/**
 * The calibration behind `--backend auto` on a machine without a hardware
 * GPU: a few naive chunks of the small model on the native engine and on the
 * software WebGPU adapter, timed after one warm-up chunk each.
 *
 * @module
 */

import type { GpuContext } from "../gpu/backend.ts";
import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
import { createGpuNet } from "../policy/net_gpu.ts";
import type { PolicyNet } from "../policy/net.ts";
import { initParams, paramLayout } from "../policy/params.ts";
import { resolveMethodConfig } from "../rtc/method_config.ts";
import { sampleChunk } from "../rtc/sample.ts";
import type { NativeEngine } from "./build.ts";
import { createNativeNet } from "./net_native.ts";

/**
 * Options for {@linkcode calibrateBackends}.
 *
 * @example
 * ```ts ignore
 * const options: CalibrateOptions = { gpu, engine, batch: 64, chunks: 1 };
 * ```
 */
export interface CalibrateOptions {
  /** The software adapter's context. */
  gpu: GpuContext;
  /** The native engine. */
  engine: NativeEngine;
  /** Environments per chunk. @default 256 */
  batch?: number;
  /** Timed chunks per engine (after one warm-up chunk). @default 2 */
  chunks?: number;
}

/**
 * Milliseconds per naive chunk on each engine.
 *
 * @example
 * ```ts ignore
 * const { native, webgpu }: CalibrationResult = await calibrateBackends({ gpu, engine });
 * ```
 */
export interface CalibrationResult {
  /** Native engine. */
  readonly native: number;
  /** WebGPU adapter. */
  readonly webgpu: number;
}

/**
 * Times naive chunks (small model, O = 32, A = 6, 5 flow steps) on both
 * engines, warm-up chunk excluded.
 *
 * @param options The two engines, batch size and chunk count.
 * @returns Milliseconds per chunk on each.
 *
 * @example
 * ```ts ignore
 * const ms = await calibrateBackends({ gpu, engine });
 * const pick = ms.native <= ms.webgpu ? "native" : "webgpu";
 * ```
 */
export async function calibrateBackends(
  options: CalibrateOptions,
): Promise<CalibrationResult> {
  const B = options.batch ?? 256, chunks = options.chunks ?? 2;
  const config = SMALL_MODEL_CONFIG;
  const dims = { obsDim: 32, actionDim: 6 };
  const layout = paramLayout(config, dims);
  const params = initParams(layout, { seed: 0 });
  const opts = { config, ...dims, layout, params };
  const method = resolveMethodConfig({ method: "naive" });
  const obs = Float32Array.from(
    { length: B * dims.obsDim },
    (_, i) => Math.sin(i),
  );
  const time = async (net: PolicyNet) => {
    await sampleChunk(net, { batch: B, obs, seed: 0, counter: 0 }, method);
    const t0 = performance.now();
    for (let k = 1; k <= chunks; k++) {
      await sampleChunk(net, { batch: B, obs, seed: 0, counter: k }, method);
    }
    return (performance.now() - t0) / chunks;
  };
  const native = createNativeNet(options.engine, opts);
  const gpu = createGpuNet(options.gpu.device, opts);
  try {
    return { native: await time(native), webgpu: await time(gpu) };
  } finally {
    native.destroy?.();
    gpu.destroy?.();
  }
}
