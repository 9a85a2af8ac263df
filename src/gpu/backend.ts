/**
 * Backend selection and adapter/device acquisition: the one place that talks
 * to `navigator.gpu`.
 *
 * @module
 */

import { loadNativeEngine, type NativeEngine } from "../native/build.ts";

/**
 * Which implementation runs the kernel-backed APIs: the CPU reference,
 * WebGPU, the native C engine (`src/native`), or `auto` (a hardware GPU when
 * there is one, else the faster of the native engine and a software adapter
 * by a short calibration).
 */
export type BackendName = "cpu" | "webgpu" | "native" | "auto";

/** Name of the environment variable that forces a backend (`cpu`, `webgpu`, `native` or `auto`). */
export const BACKEND_ENV = "EXP_DELTA_BACKEND";

/** A ready WebGPU context: the device and a description of its adapter. */
export interface GpuContext {
  /** Always `"webgpu"`. */
  readonly backend: "webgpu";
  /** The device every kernel of this context runs on. */
  readonly device: GPUDevice;
  /** `adapter.info.description` (e.g. `llvmpipe (LLVM 15.0.6, 256 bits)`), or vendor/device if empty. */
  readonly adapterName: string;
  /** True when the adapter is a fallback or software adapter (llvmpipe, lavapipe, SwiftShader, WARP). */
  readonly isSoftware: boolean;
  /** Under `auto`: why this backend was chosen. */
  readonly selection?: string;
}

/** The CPU reference backend (no device). */
export interface CpuContext {
  /** Always `"cpu"`. */
  readonly backend: "cpu";
  /** Always `"cpu reference"`. */
  readonly adapterName: string;
  /** Why the CPU backend was chosen. */
  readonly reason: "forced" | "no-adapter";
  /** Under `auto`: why this backend was chosen. */
  readonly selection?: string;
}

/** The native C engine (networks only; environments use the CPU twin). */
export interface NativeContext {
  /** Always `"native"`. */
  readonly backend: "native";
  /** The loaded engine. */
  readonly engine: NativeEngine;
  /** The engine's description, e.g. `native C engine (AMD EPYC, 2 threads, AVX2+FMA)`. */
  readonly adapterName: string;
  /** Under `auto`: why this backend was chosen. */
  readonly selection?: string;
}

/** Any backend. Kernel-backed APIs take one of these. */
export type Backend = GpuContext | CpuContext | NativeContext;

/** Options for {@linkcode getBackend}. */
export interface GetBackendOptions {
  /**
   * Force a backend. When unset, the `EXP_DELTA_BACKEND` environment variable
   * decides, and when that is unset too, WebGPU is used if an adapter exists.
   * Forcing `webgpu` without an adapter, or `native` where the engine is
   * unavailable, throws.
   */
  backend?: BackendName;
  /** Where the one-line notice about falling back goes. @default console.error */
  notice?: (line: string) => void;
}

const SOFTWARE_NAMES =
  /llvmpipe|lavapipe|swiftshader|softpipe|warp|basic render/i;

let cached: Promise<Backend> | undefined;
let cachedKey: string | undefined;
let noticeGiven = false;
const liveDevices = new Set<GPUDevice>();

// Destroy every device this module created before the process tears the
// driver down (an attempt at the llvmpipe exit abort described in the README).
globalThis.addEventListener("unload", () => {
  for (const device of liveDevices) device.destroy();
});

/**
 * Parses a backend name given on the command line or in the environment.
 *
 * @param value The text to parse (`cpu`, `webgpu`, `native` or `auto`).
 * @param field The name of the flag or variable, used in the error message.
 * @returns The backend name.
 * @throws {RangeError} If the value is none of these.
 *
 * @example Parse a flag value
 * ```ts
 * import { parseBackendName } from "./backend.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseBackendName("cpu", "--backend"), "cpu");
 * assert.throws(() => parseBackendName("cuda", "--backend"), RangeError);
 * ```
 */
export function parseBackendName(value: string, field: string): BackendName {
  if (
    value === "cpu" || value === "webgpu" || value === "native" ||
    value === "auto"
  ) return value;
  throw new RangeError(
    `Cannot select backend as ${field} must be "cpu", "webgpu", "native" or "auto": current value is "${value}"`,
  );
}

function envBackend(): BackendName | undefined {
  let raw: string | undefined;
  try {
    raw = Deno.env.get(BACKEND_ENV);
  } catch {
    return undefined; // no env permission: behave as unset
  }
  if (raw === undefined || raw === "") return undefined;
  return parseBackendName(raw, BACKEND_ENV);
}

async function acquire(
  wanted: BackendName | undefined,
  notice: (line: string) => void,
): Promise<Backend> {
  if (wanted === "cpu") {
    return { backend: "cpu", adapterName: "cpu reference", reason: "forced" };
  }
  if (wanted === "native") {
    const engine = await loadNativeEngine();
    return { backend: "native", engine, adapterName: engine.description };
  }
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  if (wanted === "auto") return await acquireAuto(adapter);
  if (!adapter) {
    if (wanted === "webgpu") {
      throw new Error(
        "Cannot use backend webgpu as navigator.gpu has no adapter: install a Vulkan or GL driver (e.g. Mesa) or use --backend cpu",
      );
    }
    if (!noticeGiven) {
      noticeGiven = true;
      notice(
        "exp-delta: no WebGPU adapter found, running on the CPU reference implementation",
      );
    }
    return {
      backend: "cpu",
      adapterName: "cpu reference",
      reason: "no-adapter",
    };
  }
  return await openDevice(adapter);
}

async function openDevice(adapter: GPUAdapter): Promise<GpuContext> {
  const info = adapter.info;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage:
        adapter.limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize:
        adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup:
        adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
    },
  });
  liveDevices.add(device);
  device.addEventListener("uncapturederror", (ev) => {
    console.error(
      `exp-delta: WebGPU error: ${
        (ev as GPUUncapturedErrorEvent).error.message
      }`,
    );
  });
  device.lost.then((lost) => {
    if (lost.reason !== "destroyed") {
      console.error(`exp-delta: WebGPU device lost: ${lost.message}`);
    }
  });
  const description = info.description ||
    `${info.vendor} ${info.device}`.trim() || "unknown adapter";
  const isSoftware = Boolean(
    (info as GPUAdapterInfo & { isFallbackAdapter?: boolean })
      .isFallbackAdapter,
  ) || SOFTWARE_NAMES.test(description);
  return { backend: "webgpu", device, adapterName: description, isSoftware };
}

/** `auto`: a hardware GPU, else the faster of the native engine and a software adapter. */
async function acquireAuto(adapter: GPUAdapter | null): Promise<Backend> {
  const gpu = adapter ? await openDevice(adapter) : undefined;
  const tag = <T extends Backend>(b: T, why: string): T => ({
    ...b,
    adapterName: `${b.adapterName} [auto: ${why}]`,
    selection: why,
  });
  if (gpu && !gpu.isSoftware) return tag(gpu, "hardware GPU");
  const engine = await loadNativeEngine().catch((e: Error) => e);
  if (engine instanceof Error) {
    if (gpu) return tag(gpu, `software adapter; ${engine.message}`);
    return tag(
      { backend: "cpu", adapterName: "cpu reference", reason: "no-adapter" },
      `no WebGPU adapter; ${engine.message}`,
    );
  }
  const native: NativeContext = {
    backend: "native",
    engine,
    adapterName: engine.description,
  };
  if (!gpu) return tag(native, "no WebGPU adapter");
  const { calibrateBackends } = await import("../native/calibrate.ts");
  const ms = await calibrateBackends({ gpu, engine });
  const timing = `calibration ${ms.native.toFixed(1)} ms native vs ${
    ms.webgpu.toFixed(1)
  } ms ${gpu.adapterName} per chunk`;
  if (ms.webgpu < ms.native) return tag(gpu, `software adapter, ${timing}`);
  liveDevices.delete(gpu.device);
  gpu.device.destroy();
  return tag(native, `no hardware GPU, ${timing}`);
}

/**
 * Returns the shared backend for this process: a WebGPU device when an
 * adapter exists, else the CPU reference (with one notice on stderr). The
 * result is cached per requested backend; call {@linkcode releaseBackend} to
 * destroy the device.
 *
 * @param options Backend choice and notice sink.
 * @returns The backend context.
 *
 * @example Force the CPU reference
 * ```ts
 * import { getBackend } from "./backend.ts";
 * import assert from "node:assert/strict";
 * const backend = await getBackend({ backend: "cpu" });
 * assert.equal(backend.backend, "cpu");
 * ```
 */
export function getBackend(options: GetBackendOptions = {}): Promise<Backend> {
  const wanted = options.backend ?? envBackend();
  const key = wanted ?? "auto";
  if (cached === undefined || cachedKey !== key) {
    cachedKey = key;
    cached = acquire(wanted, options.notice ?? ((l) => console.error(l)));
  }
  return cached;
}

/**
 * Destroys the shared device (if any) so the next {@linkcode getBackend}
 * call acquires a fresh one. Tests call this to release the adapter.
 *
 * @returns A promise that settles once the device is destroyed.
 *
 * @example
 * ```ts
 * import { getBackend, releaseBackend } from "./backend.ts";
 * await getBackend({ backend: "cpu" });
 * await releaseBackend();
 * ```
 */
export async function releaseBackend(): Promise<void> {
  const current = cached;
  cached = undefined;
  cachedKey = undefined;
  if (!current) return;
  const b = await current.catch(() => undefined);
  if (b?.backend === "webgpu") {
    liveDevices.delete(b.device);
    b.device.destroy();
  }
}

/**
 * Returns a WebGPU context for tests, or `undefined` when no adapter exists.
 * GPU tests use `ignore: !(await hasAdapter())` so a missing adapter is
 * reported as ignored, never as passed.
 *
 * @returns Whether `navigator.gpu` yields an adapter.
 *
 * @example
 * ```ts
 * import { hasAdapter } from "./backend.ts";
 * const available: boolean = await hasAdapter();
 * console.log(available);
 * ```
 */
export async function hasAdapter(): Promise<boolean> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return false;
  return (await gpu.requestAdapter()) !== null;
}
