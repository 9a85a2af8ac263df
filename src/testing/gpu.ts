/**
 * Shared setup of the GPU tests: one shared `ignore` decision (no adapter means
 * the test is reported as ignored, never as passed) and a fresh device per
 * test that is destroyed afterwards.
 *
 * @module
 */

const adapter: GPUAdapter | null = await (async () => {
  try {
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    return gpu ? await gpu.requestAdapter() : null;
  } catch {
    return null;
  }
})();

/** True when no WebGPU adapter exists: GPU tests are then ignored. */
export const NO_ADAPTER: boolean = adapter === null;

if (NO_ADAPTER) {
  console.error(
    "exp-delta tests: no WebGPU adapter, GPU parity tests are IGNORED (not passed)",
  );
}

/**
 * Registers a Deno test that receives the process's shared test `GPUDevice`;
 * ignored when no adapter exists.
 *
 * @param name Test name.
 * @param fn The test body.
 *
 * @example
 * ```ts ignore
 * gpuTest("kernel matches CPU", async (device) => { ... });
 * ```
 */
export function gpuTest(
  name: string,
  fn: (device: GPUDevice) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: NO_ADAPTER,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const device = await sharedDevice();
      device.pushErrorScope("validation");
      const failure = await fn(device).then(() => undefined, (err) => err);
      const err = await device.popErrorScope();
      if (failure) throw failure;
      if (err) throw new Error(`WebGPU validation error: ${err.message}`);
    },
  });
}

let shared: Promise<GPUDevice> | undefined;
let liveShared: GPUDevice | undefined;

// Destroy the shared device before the process tears the driver down (an
// attempt at the llvmpipe exit abort described in the README).
globalThis.addEventListener("unload", () => liveShared?.destroy());

/**
 * One device shared by every GPU test of the process (created on first use).
 * Creating and destroying a device per test made Mesa's GL backend abort at
 * process exit now and then; one long-lived device avoids that churn.
 */
function sharedDevice(): Promise<GPUDevice> {
  if (!shared) {
    shared = adapter!.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize:
          adapter!.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter!.limits.maxBufferSize,
        maxStorageBuffersPerShaderStage:
          adapter!.limits.maxStorageBuffersPerShaderStage,
        maxComputeWorkgroupStorageSize:
          adapter!.limits.maxComputeWorkgroupStorageSize,
        maxComputeInvocationsPerWorkgroup:
          adapter!.limits.maxComputeInvocationsPerWorkgroup,
      },
    }).then((device) => (liveShared = device));
  }
  return shared;
}
