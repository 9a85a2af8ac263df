/**
 * Compute-kernel plumbing shared by every WGSL kernel family: a pipeline
 * cache keyed by WGSL source, buffer creation and upload, dispatch and
 * readback.
 *
 * Buffer layout convention: every tensor is a flat, row-major `Float32Array`
 * (or `Uint32Array`) with its shape documented where it is defined.
 *
 * @module
 */

const pipelineCache = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** Options for {@linkcode getPipeline}. */
export interface PipelineOptions {
  /** Entry point of the compute shader. @default "main" */
  entryPoint?: string;
  /** Values for WGSL `override` constants. */
  constants?: Record<string, number>;
  /** Debug label. */
  label?: string;
}

/**
 * Returns a compute pipeline for the WGSL source, compiling it once per
 * device, entry point and override constants.
 *
 * @param device The device.
 * @param options Source code, entry point and override constants.
 * @returns The cached pipeline.
 *
 * @example
 * ```ts ignore
 * const p = getPipeline(device, { code: "@compute @workgroup_size(1) fn main() {}" });
 * ```
 */
export function getPipeline(
  device: GPUDevice,
  options: PipelineOptions & { code: string },
): GPUComputePipeline {
  let perDevice = pipelineCache.get(device);
  if (!perDevice) {
    perDevice = new Map();
    pipelineCache.set(device, perDevice);
  }
  const entryPoint = options.entryPoint ?? "main";
  const constants = options.constants ?? {};
  const key = `${entryPoint}\u0000${
    JSON.stringify(constants)
  }\u0000${options.code}`;
  let pipeline = perDevice.get(key);
  if (!pipeline) {
    const module = device.createShaderModule({
      code: options.code,
      label: options.label,
    });
    pipeline = device.createComputePipeline({
      layout: "auto",
      label: options.label,
      compute: { module, entryPoint, constants },
    });
    perDevice.set(key, pipeline);
  }
  return pipeline;
}

/**
 * Compiles WGSL and returns its error messages (empty when clean). One test
 * per shader asserts this is empty.
 *
 * @param device The device.
 * @param code WGSL source.
 * @returns The error and warning lines from `getCompilationInfo()`.
 *
 * @example
 * ```ts ignore
 * assert.deepEqual(await compileMessages(device, code), []);
 * ```
 */
export async function compileMessages(
  device: GPUDevice,
  code: string,
): Promise<string[]> {
  const module = device.createShaderModule({ code });
  const info = await module.getCompilationInfo();
  return info.messages
    .filter((m) => m.type !== "info")
    .map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`);
}

/** Usage of a storage buffer that can be written, read by kernels and copied back. */
export const STORAGE_USAGE = 0x80 /* STORAGE */ | 0x08 /* COPY_DST */ |
  0x04; /* COPY_SRC */

/**
 * Creates a storage buffer, optionally filled with data. Sizes are rounded up
 * to a multiple of 4 bytes (and at least 4).
 *
 * @param device The device.
 * @param options Byte size or initial contents, and a label.
 * @returns The buffer.
 *
 * @example
 * ```ts ignore
 * const buf = createStorage(device, { data: new Float32Array([1, 2, 3]) });
 * ```
 */
export function createStorage(
  device: GPUDevice,
  options: {
    size?: number;
    data?: ArrayBufferView;
    label?: string;
    usage?: number;
  },
): GPUBuffer {
  const bytes = options.data?.byteLength ?? options.size ?? 0;
  const size = Math.max(16, Math.ceil(bytes / 16) * 16);
  const buffer = device.createBuffer({
    size,
    usage: options.usage ?? STORAGE_USAGE,
    label: options.label,
  });
  if (options.data) writeBuffer(device, buffer, options.data);
  return buffer;
}

/**
 * Creates a uniform buffer holding the given bytes (padded to 16 bytes).
 *
 * @param device The device.
 * @param data The contents.
 * @returns The buffer.
 *
 * @example
 * ```ts ignore
 * const u = createUniform(device, new Uint32Array([n, seed, 0, 0]));
 * ```
 */
export function createUniform(
  device: GPUDevice,
  data: ArrayBufferView,
): GPUBuffer {
  const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
  const buffer = device.createBuffer({
    size,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  writeBuffer(device, buffer, data);
  return buffer;
}

/**
 * Writes a typed array into a buffer at an offset, padding the byte count to
 * a multiple of 4.
 *
 * @param device The device.
 * @param buffer The destination.
 * @param data The contents.
 * @param byteOffset Destination offset in bytes. @default 0
 *
 * @example
 * ```ts ignore
 * writeBuffer(device, buf, new Float32Array([4, 5, 6]));
 * ```
 */
export function writeBuffer(
  device: GPUDevice,
  buffer: GPUBuffer,
  data: ArrayBufferView,
  byteOffset = 0,
): void {
  const padded = Math.ceil(data.byteLength / 4) * 4;
  if (padded === data.byteLength) {
    device.queue.writeBuffer(
      buffer,
      byteOffset,
      data.buffer as ArrayBuffer,
      data.byteOffset,
      data.byteLength,
    );
  } else {
    const tmp = new Uint8Array(padded);
    tmp.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    device.queue.writeBuffer(buffer, byteOffset, tmp);
  }
}

/** One dispatch: pipeline, bound buffers (binding i = buffers[i], group 0) and workgroup counts. */
export interface Dispatch {
  /** The pipeline from {@linkcode getPipeline}. */
  pipeline: GPUComputePipeline;
  /** Buffers bound at group 0, binding index = array index. */
  buffers: readonly GPUBuffer[];
  /** Workgroup counts `[x, y?, z?]`. */
  workgroups: readonly [number, number?, number?];
}

const bindGroupCache = new WeakMap<
  GPUComputePipeline,
  Map<string, GPUBindGroup>
>();
const bufferIds = new WeakMap<GPUBuffer, number>();
let nextBufferId = 1;

function bufferId(b: GPUBuffer): number {
  let id = bufferIds.get(b);
  if (id === undefined) {
    id = nextBufferId++;
    bufferIds.set(b, id);
  }
  return id;
}

/**
 * Returns a bind group for the pipeline and buffers, reused across calls with
 * the same buffers.
 *
 * @param device The device.
 * @param pipeline The pipeline.
 * @param buffers Buffers in binding order.
 * @returns The bind group.
 *
 * @example
 * ```ts ignore
 * const group = getBindGroup(device, pipeline, [a, b, out]);
 * ```
 */
export function getBindGroup(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  buffers: readonly GPUBuffer[],
): GPUBindGroup {
  let perPipeline = bindGroupCache.get(pipeline);
  if (!perPipeline) {
    perPipeline = new Map();
    bindGroupCache.set(pipeline, perPipeline);
  }
  const key = buffers.map(bufferId).join(",");
  let group = perPipeline.get(key);
  if (!group) {
    group = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({
        binding,
        resource: { buffer },
      })),
    });
    perPipeline.set(key, group);
  }
  return group;
}

/**
 * Records dispatches into one compute pass of a command encoder (or a new
 * encoder that is submitted at once when none is given).
 *
 * @param device The device.
 * @param dispatches What to run, in order.
 * @param encoder An encoder to record into; when omitted the work is submitted.
 *
 * @example
 * ```ts ignore
 * dispatch(device, [{ pipeline, buffers: [a, out], workgroups: [Math.ceil(n / 64)] }]);
 * ```
 */
export function dispatch(
  device: GPUDevice,
  dispatches: readonly Dispatch[],
  encoder?: GPUCommandEncoder,
): void {
  const enc = encoder ?? device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, getBindGroup(device, d.pipeline, d.buffers));
    pass.dispatchWorkgroups(
      d.workgroups[0],
      d.workgroups[1] ?? 1,
      d.workgroups[2] ?? 1,
    );
  }
  pass.end();
  if (!encoder) device.queue.submit([enc.finish()]);
}

/**
 * Copies a buffer back to the CPU (the one synchronisation point of a run).
 *
 * @param device The device.
 * @param buffer A buffer with `COPY_SRC` usage.
 * @param byteLength Bytes to read from offset 0. @default buffer.size
 * @returns A copy of the contents.
 *
 * @example
 * ```ts ignore
 * const out = new Float32Array(await readBuffer(device, buf, 4 * n));
 * ```
 */
export async function readBuffer(
  device: GPUDevice,
  buffer: GPUBuffer,
  byteLength: number = buffer.size,
): Promise<ArrayBuffer> {
  const [out] = await readBuffers(device, [{ buffer, byteLength }]);
  return out!;
}

/**
 * Copies several buffers back to the CPU with one staging buffer, one
 * submission and one wait (each wait costs ~10 ms in Deno).
 *
 * @param device The device.
 * @param reads Buffers (with `COPY_SRC` usage) and the bytes to read from offset 0.
 * @returns A copy of each buffer's contents, in order.
 *
 * @example
 * ```ts ignore
 * const [a, b] = await readBuffers(device, [{ buffer: x, byteLength: 64 }, { buffer: y, byteLength: 16 }]);
 * ```
 */
export async function readBuffers(
  device: GPUDevice,
  reads: readonly { buffer: GPUBuffer; byteLength?: number }[],
): Promise<ArrayBuffer[]> {
  const spans = reads.map((r) => {
    const bytes = r.byteLength ?? r.buffer.size;
    return { bytes, size: Math.ceil(bytes / 4) * 4 };
  });
  const offsets: number[] = [];
  let total = 0;
  for (const { size } of spans) {
    offsets.push(total);
    total += size;
  }
  const staging = device.createBuffer({
    size: Math.max(4, total),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const enc = device.createCommandEncoder();
  reads.forEach((r, i) => {
    if (spans[i]!.size > 0) {
      enc.copyBufferToBuffer(r.buffer, 0, staging, offsets[i]!, spans[i]!.size);
    }
  });
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const mapped = staging.getMappedRange();
  const out = spans.map(({ bytes }, i) =>
    mapped.slice(offsets[i]!, offsets[i]! + bytes)
  );
  staging.unmap();
  staging.destroy();
  return out;
}
