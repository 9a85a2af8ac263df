/**
 * GPU-resident chunk sampling on the WebGPU {@linkcode PolicyNet}: the
 * whole flow of naive, realtime, hard masking and training-time RTC (noise,
 * prefix weights, every forward/VJP, the ΠGDM error, guidance weight and
 * Euler updates) is recorded into ONE command-encoder submission per chunk,
 * with one readback of the finished chunk (through the network's
 * pre-allocated staging buffer of that batch size).
 *
 * Realtime steps run the forward pass with the tape, the error kernel, then
 * the backward pass, so each step costs one forward plus one backward (the
 * CPU-orchestrated path runs a forward and a whole VJP, i.e. two forwards).
 *
 * Numerics versus `sampleChunk`'s CPU-orchestrated path on the same net:
 * noise comes from the WGSL RNG (normals equal the CPU ones to ~1e-6), the
 * prefix weights and the guidance arithmetic are float32 (the CPU loop uses
 * float64 then rounds), so chunks agree to ~1e-5 relative (tests assert
 * |Δ| ≤ 1e-4·(1 + |x|)).
 *
 * @module
 */

import {
  createStorage,
  createUniform,
  type Dispatch,
  dispatch,
  getPipeline,
  writeBuffer,
} from "../gpu/kernel.ts";
import type { PolicyNet } from "../policy/net.ts";
import { gpuNetInternals } from "../policy/net_gpu.ts";
import type { Plan } from "../policy/net_plan.ts";
import { guidanceWeight } from "./guidance_weight.ts";
import type { MethodConfig } from "./method_config.ts";
import type { ChunkRequest, ChunkResult } from "./sample.ts";
import {
  SAMPLE_FLAGS,
  SAMPLE_UNIFORMS,
  type SampleKernels,
  sampleKernels,
} from "./sample_gpu_wgsl.ts";

const SCHEDULE_CODE = { exp: 0, linear: 1, ones: 2, zeros: 3 } as const;

type Mode = "naive" | "guided" | "prefix";

function modeOf(method: MethodConfig): Mode | undefined {
  switch (method.method) {
    case "naive":
    case "temporal_ensembling":
      return "naive";
    case "realtime":
    case "hard_masking":
      return "guided";
    case "training_time":
      return "prefix";
    default:
      return undefined;
  }
}

/**
 * Whether {@linkcode sampleChunkGpu} can run this request: a WebGPU net
 * from `createNet`, a method other than `bid`, no trace, and (training-time
 * RTC) at least 3 tokens (batch·H > 2).
 *
 * @param net The policy.
 * @param request The request.
 * @param method A resolved method config.
 * @returns True when the GPU-resident path applies.
 *
 * @example
 * ```ts
 * import { canSampleOnGpu } from "./sample_gpu.ts";
 * import { resolveMethodConfig } from "./method_config.ts";
 * import { createNet } from "../policy/net.ts";
 * import { initParams, paramLayout } from "../policy/params.ts";
 * import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
 * import { getBackend } from "../gpu/backend.ts";
 * import assert from "node:assert/strict";
 * const dims = { obsDim: 2, actionDim: 1 };
 * const params = initParams(paramLayout(SMALL_MODEL_CONFIG, dims), { seed: 0 });
 * const net = await createNet(await getBackend({ backend: "cpu" }), { config: SMALL_MODEL_CONFIG, ...dims, params });
 * const req = { batch: 1, obs: new Float32Array(2), seed: 0, counter: 0 };
 * assert.equal(canSampleOnGpu(net, req, resolveMethodConfig({})), false);
 * ```
 */
export function canSampleOnGpu(
  net: PolicyNet,
  request: ChunkRequest,
  method: MethodConfig,
): boolean {
  if (net.backend !== "webgpu" || request.trace) return false;
  if (!gpuNetInternals(net)) return false;
  const mode = modeOf(method);
  if (mode === undefined) return false;
  // training-time RTC runs the time conditioning on 2 rows (t and 1)
  // gathered to the tokens, which needs more than 2 tokens
  return mode !== "prefix" ||
    request.batch * net.config.actionChunkSize > 2;
}

interface Extras {
  kernels: SampleKernels;
  x: GPUBuffer;
  y: GPUBuffer;
  w: GPUBuffer;
  meta: GPUBuffer;
  obs: GPUBuffer;
  uniforms: GPUBuffer[];
}

const extrasOf = new WeakMap<Plan, Extras>();

function extras(
  device: GPUDevice,
  p: Plan,
  dims: { H: number; A: number; O: number },
): Extras {
  let e = extrasOf.get(p);
  if (e) return e;
  const N = p.batch * dims.H;
  const mk = (floats: number, label: string) => {
    const b = createStorage(device, { size: 4 * floats, label });
    p.buffers.push(b); // destroyed with the plan
    return b;
  };
  e = {
    kernels: sampleKernels({ ...dims, K0: p.k0 }),
    x: mk(N * dims.A, "sample x"),
    y: mk(N * dims.A, "sample y"),
    w: mk(N, "sample w"),
    meta: mk(4 * p.batch, "sample meta"),
    obs: mk(p.batch * dims.O, "sample obs"),
    uniforms: [],
  };
  extrasOf.set(p, e);
  return e;
}

function fail(message: string, Err = TypeError): never {
  throw new Err(`Cannot sample chunk on the GPU as ${message}`);
}

function gpuOf(net: PolicyNet) {
  const gpu = gpuNetInternals(net);
  if (!gpu) {
    fail(
      `net must be a WebGPU net from createNet: current backend is ${net.backend}`,
    );
  }
  return gpu;
}

function modeOrFail(method: MethodConfig): Mode {
  const mode = modeOf(method);
  if (!mode) {
    fail(
      `method must be naive, temporal_ensembling, realtime, hard_masking or training_time: current value is "${method.method}"`,
    );
  }
  return mode;
}

/** Training-time RTC runs the time conditioning on 2 rows gathered to the tokens, which needs more than 2 tokens. */
function checkTokens(mode: Mode, tokens: number): void {
  if (mode === "prefix" && tokens <= 2) {
    fail(
      `training_time needs batch*H > 2 tokens: current value is ${tokens}`,
      RangeError,
    );
  }
}

function check(
  net: PolicyNet,
  req: ChunkRequest,
  mode: Mode | undefined,
): void {
  const { batch } = req;
  const h = net.config.actionChunkSize;
  if (!Number.isInteger(batch) || batch < 1) {
    fail(
      `batch must be a positive integer: current value is ${batch}`,
      RangeError,
    );
  }
  if (req.obs.length !== batch * net.obsDim) {
    fail(
      `obs must have batch*obsDim=${
        batch * net.obsDim
      } elements: current length is ${req.obs.length}`,
    );
  }
  if (typeof req.counter !== "number" && req.counter.length !== batch) {
    fail(
      `counter must be a number or have batch=${batch} elements: current length is ${req.counter.length}`,
    );
  }
  if (req.streams && req.streams.length !== batch) {
    fail(
      `streams must have batch=${batch} elements: current length is ${req.streams.length}`,
    );
  }
  if (mode === "naive") return;
  const n = batch * h * net.actionDim;
  if (!req.prevChunk || req.prevChunk.length !== n) {
    fail(
      `prevChunk must have batch*H*A=${n} elements: current length is ${req.prevChunk?.length}`,
    );
  }
  for (const field of ["delay", "executeHorizon"] as const) {
    const arr = req[field];
    if (!arr || arr.length !== batch) {
      fail(
        `${field} must have batch=${batch} elements: current length is ${arr?.length}`,
      );
    }
    for (let b = 0; b < batch; b++) {
      if (arr[b]! < 0 || arr[b]! > h) {
        fail(
          `${field}[${b}] must be in [0, H=${h}]: current value is ${arr[b]}`,
          RangeError,
        );
      }
    }
  }
}

/** Workgroup counts for one invocation per element (64 per group, 2-D past 65535 groups). */
function groups(n: number): [number, number] {
  const g = Math.max(1, Math.ceil(n / 64));
  const y = Math.ceil(g / 65535);
  return [Math.ceil(g / y), y];
}

/** Uniform blocks of the `n` flow steps of one chunk. */
function packUniforms(
  method: MethodConfig,
  mode: Mode,
  dims: { rows: number; A: number; seed: number },
): Uint8Array[] {
  const n = method.numFlowSteps;
  const dt = 1 / n;
  const flags = mode === "guided"
    ? SAMPLE_FLAGS.guided
    : mode === "prefix"
    ? SAMPLE_FLAGS.prefix
    : 0;
  return Array.from({ length: n }, (_, k) => {
    const t = k * dt;
    return SAMPLE_UNIFORMS.pack({
      count: dims.rows * dims.A,
      rows: dims.rows,
      flags: flags | (k === n - 1 ? SAMPLE_FLAGS.last : 0),
      seed: dims.seed >>> 0,
      schedule: SCHEDULE_CODE[method.schedule],
      t,
      omt: 1 - t,
      dt,
      gw: mode === "guided" ? guidanceWeight(t, method.maxGuidanceWeight) : 0,
    });
  });
}

/** The dispatches of one chunk (init, then per flow step prep, net, update). */
function chunkDispatches(
  device: GPUDevice,
  p: Plan,
  e: Extras,
  call: { mode: Mode; uniforms: readonly GPUBuffer[]; rows: number; A: number },
): Dispatch[] {
  const { mode, uniforms, rows: N, A } = call;
  const pipe = (code: string) => getPipeline(device, { code });
  const pieces = p.pieces(mode === "prefix" ? 2 : 1);
  const elems = groups(N * A);
  const list: Dispatch[] = [{
    pipeline: pipe(e.kernels.init),
    buffers: [uniforms[0]!, e.meta, e.x, e.w, p.idx],
    workgroups: elems,
  }];
  for (const u of uniforms) {
    list.push({
      pipeline: pipe(e.kernels.prep),
      buffers: [u, e.meta, e.x, e.y, e.obs, p.xin, p.time],
      workgroups: groups(N * p.k0),
    });
    if (mode === "guided") {
      list.push(...pieces.tape, {
        pipeline: pipe(e.kernels.guide),
        buffers: [u, e.x, e.y, e.w, p.v, p.gv],
        workgroups: elems,
      }, ...pieces.backward);
    } else {
      list.push(...pieces.forward);
    }
    list.push({
      pipeline: pipe(e.kernels.update),
      buffers: [u, e.meta, e.y, p.v, p.gv, p.gradXt, e.x],
      workgroups: elems,
    });
  }
  return list;
}

/**
 * Samples one chunk per environment entirely on the GPU (see the module
 * doc): one submission and one readback per call. Same semantics and noise
 * convention as `sampleChunk` (which calls this automatically for WebGPU
 * nets when no trace is requested); results agree with the
 * CPU-orchestrated path to float32 rounding (~1e-5 relative).
 *
 * @param net A WebGPU policy from `createNet`.
 * @param request Observations, previous chunks, delays, execution horizons
 *   and RNG indices (`trace` is ignored).
 * @param method A resolved method config: naive, temporal_ensembling,
 *   realtime, hard_masking or training_time.
 * @returns The chunks `[B, H, A]`.
 * @throws {TypeError} If the net is not a WebGPU net, the method is `bid`,
 *   or an array has the wrong length.
 * @throws {RangeError} If a delay or execution horizon is outside [0, H].
 *
 * @example
 * ```ts ignore
 * const net = await createNet(await getBackend(), { config, obsDim, actionDim, params });
 * const { chunk } = await sampleChunkGpu(net, {
 *   batch: 1, obs, prevChunk, delay: Int32Array.of(2), executeHorizon: Int32Array.of(4),
 *   seed: 0, counter: 7,
 * }, resolveMethodConfig({ method: "realtime" }));
 * ```
 */
export async function sampleChunkGpu(
  net: PolicyNet,
  request: ChunkRequest,
  method: MethodConfig,
): Promise<ChunkResult> {
  const gpu = gpuOf(net);
  const mode = modeOrFail(method);
  check(net, request, mode);
  const { batch } = request;
  const { device, shape } = gpu;
  const { H, A, O } = shape;
  const N = batch * H;
  checkTokens(mode, N);
  // host-side inputs, prepared before entering the net's queue
  const meta = new Uint32Array(4 * batch);
  for (let b = 0; b < batch; b++) {
    meta[4 * b] = typeof request.counter === "number"
      ? request.counter
      : request.counter[b]!;
    meta[4 * b + 1] = request.streams ? request.streams[b]! : b;
    if (mode !== "naive") {
      meta[4 * b + 2] = request.delay![b]!;
      meta[4 * b + 3] = request.executeHorizon![b]!;
    }
  }
  const n = method.numFlowSteps;
  const packed = packUniforms(method, mode, { rows: N, A, seed: request.seed });
  const chunk = await gpu.serial(async () => {
    const p = gpu.plan(batch);
    const e = extras(device, p, { H, A, O });
    while (e.uniforms.length < n) {
      const u = createUniform(device, packed[0]!);
      p.buffers.push(u);
      e.uniforms.push(u);
    }
    for (let k = 0; k < n; k++) writeBuffer(device, e.uniforms[k]!, packed[k]!);
    writeBuffer(device, e.meta, meta);
    writeBuffer(device, e.obs, request.obs);
    if (mode !== "naive") writeBuffer(device, e.y, request.prevChunk!);
    const list = chunkDispatches(device, p, e, {
      mode,
      uniforms: e.uniforms.slice(0, n),
      rows: N,
      A,
    });
    const enc = device.createCommandEncoder();
    dispatch(device, list, enc);
    enc.copyBufferToBuffer(e.x, 0, p.staging, 0, 4 * N * A);
    device.queue.submit([enc.finish()]);
    await p.staging.mapAsync(GPUMapMode.READ, 0, 4 * N * A);
    const out = new Float32Array(
      p.staging.getMappedRange(0, 4 * N * A).slice(0),
    );
    p.staging.unmap();
    return out;
  });
  return { chunk };
}

/**
 * The GPU buffers of a {@linkcode withChunkRecorder} session: the caller's
 * kernels fill the inputs and read the output, so chunks can be sampled in a
 * loop without leaving the GPU.
 *
 * @example
 * ```ts ignore
 * await withChunkRecorder(net, { batch: 256, seed: 0 }, async (rec) => {
 *   const enc = device.createCommandEncoder();
 *   dispatch(device, rec.record(resolveMethodConfig({ method: "realtime" })), enc);
 *   device.queue.submit([enc.finish()]);
 * });
 * ```
 */
export interface ChunkRecorder {
  /** The device of the net. */
  readonly device: GPUDevice;
  /** Number of environments B. */
  readonly batch: number;
  /** Observations `[B, O]` (f32), an input. */
  readonly obs: GPUBuffer;
  /** `[B]` of `vec4<u32>`: call counter, RNG stream, delay d, execution horizon s; an input. */
  readonly meta: GPUBuffer;
  /** Previous chunks `[B, H, A]` (f32, shifted and zero-padded), an input; not written by the sampler. */
  readonly prevChunk: GPUBuffer;
  /** The sampled chunks `[B, H, A]` (f32), written by the recorded dispatches. */
  readonly chunk: GPUBuffer;
  /**
   * The dispatches that sample one chunk from the current inputs with a
   * method (uniforms written once per method and session).
   *
   * @throws {TypeError} If the method has no GPU-resident path (bid).
   */
  record(method: MethodConfig): Dispatch[];
}

/**
 * Runs `fn` with exclusive use of the net's GPU sampling buffers for a batch
 * size (see {@linkcode ChunkRecorder}). The recorded dispatches compute
 * exactly what {@linkcode sampleChunkGpu} computes for the same inputs. The
 * recorder is only valid inside `fn`; `fn` must await its GPU work.
 *
 * @param net A WebGPU policy from `createNet`.
 * @param options Batch size and run seed.
 * @param fn The caller's GPU loop.
 * @returns What `fn` returns.
 * @throws {TypeError} If the net is not a WebGPU net.
 *
 * @example
 * ```ts ignore
 * const result = await withChunkRecorder(net, { batch: 256, seed: 0 }, (rec) => myLoop(rec));
 * ```
 */
export async function withChunkRecorder<T>(
  net: PolicyNet,
  options: { batch: number; seed: number },
  fn: (recorder: ChunkRecorder) => Promise<T>,
): Promise<T> {
  const gpu = gpuOf(net);
  const { batch } = options;
  if (!Number.isInteger(batch) || batch < 1) {
    fail(
      `batch must be a positive integer: current value is ${batch}`,
      RangeError,
    );
  }
  const { device, shape } = gpu;
  const { H, A, O } = shape;
  const N = batch * H;
  return await gpu.serial(async () => {
    const p = gpu.plan(batch);
    const e = extras(device, p, { H, A, O });
    const sets = new Map<string, GPUBuffer[]>();
    const recorder: ChunkRecorder = {
      device,
      batch,
      obs: e.obs,
      meta: e.meta,
      prevChunk: e.y,
      chunk: e.x,
      record(method) {
        const mode = modeOrFail(method);
        checkTokens(mode, N);
        const key = JSON.stringify(method);
        let uniforms = sets.get(key);
        if (!uniforms) {
          uniforms = packUniforms(method, mode, {
            rows: N,
            A,
            seed: options.seed,
          }).map((u) => createUniform(device, u));
          sets.set(key, uniforms);
        }
        return chunkDispatches(device, p, e, { mode, uniforms, rows: N, A });
      },
    };
    try {
      return await fn(recorder);
    } finally {
      await device.queue.onSubmittedWorkDone();
      for (const set of sets.values()) for (const u of set) u.destroy();
    }
  });
}
