/**
 * What the GPU-fused evaluators (`scan_gpu.ts`, `async_gpu.ts`) share: the
 * checks of net, method and task, the standard bindings and functions of
 * their shaders, and the run harness (sampler session, the run's own
 * buffers, reset and initial chunk, per-iteration submissions, one
 * readback).
 *
 * Standard bindings (group 0): 0 `params` (uniform), 1 `states` `[N,
 * TASK_STATE_DIM]`, 2 `ctrl` (per-environment controller state), 3 `logs`
 * `[N, gpuLogStride(A)]`, 4 `obs` `[N, O]` (sampler input), 5 `calls` `[N]`
 * of `vec4<u32>` (sampler call records: counter, stream, delay, s), 6 `prev`
 * `[N, H, A]` (sampler's previous chunk), 7 `next` `[N, H, A]` (sampler
 * output), 8 `delays` (i32), then the evaluator's extra buffers.
 *
 * @module
 */
import {
  createStorage,
  createUniform,
  type Dispatch,
  dispatch,
  getPipeline,
  readBuffers,
} from "../gpu/kernel.ts";
import type { Task, TaskSpec } from "../envs/types.ts";
import { storeStateWgsl } from "../envs/batch_wgsl.ts";
import { RNG_WGSL } from "../rng/rng_wgsl.ts";
import type { DelayProfile } from "../latency/types.ts";
import type { PolicyNet } from "../policy/net.ts";
import {
  type MethodConfig,
  resolveMethodConfig,
} from "../rtc/method_config.ts";
import { checkInt, checkWindow, deriveDelaySeed } from "./common.ts";
import { ACTION_NOISE_SALT } from "../envs/wrapper.ts";
import { type ChunkRecorder, withChunkRecorder } from "../rtc/sample_gpu.ts";
import { createPhaseRunner, type GpuSplit } from "./gpu_phases.ts";
import { type FusedSampler, fusedSampler } from "./fused_sampler.ts";
import { evalStepWgsl, gpuLogStride } from "../envs/wrapper_wgsl.ts";

/**
 * Options every GPU-fused evaluator takes.
 *
 * @example
 * ```ts
 * import type { FusedEvalOptions } from "./fused_run.ts";
 * const describe = (o: FusedEvalOptions): string => `${o.method.method}, ${o.numEnvs} rollouts`;
 * ```
 */
export interface FusedEvalOptions {
  /** A WebGPU policy from `createNet`. */
  net: PolicyNet;
  /** The evaluated method (resolved). */
  method: MethodConfig;
  /** Method of the first chunk (the seed: naive). @default naive */
  initialMethod?: MethodConfig;
  /** Delay profile from `resolveProfile`. */
  profile: DelayProfile;
  /** Run seed. */
  seed: number;
  /** Number of rollouts. */
  numEnvs: number;
  /** Std of the Gaussian action noise. @default 0.1 */
  actionNoise?: number;
  /**
   * Wait for the GPU after each phase and report the time split (costs one
   * queue round trip per phase; for benchmarks). @default false
   */
  timing?: boolean;
}

/**
 * The validated sizes and seeds of a fused run.
 *
 * @example
 * ```ts
 * import type { FusedRunSizes } from "./fused_run.ts";
 * const tokens = (r: FusedRunSizes): number => r.numEnvs * r.horizon;
 * ```
 */
export interface FusedRunSizes {
  /** Number of environments N. */
  numEnvs: number;
  /** Chunk length H. */
  horizon: number;
  /** Action size A. */
  actionDim: number;
  /** The evaluator's execution window (scan: s; async: s_min), 1..H. */
  window: number;
  /** Run seed (u32). */
  seed: number;
  /** Action-noise seed (`seed ^ ACTION_NOISE_SALT`). */
  noiseSeed: number;
  /** Delay seed (`deriveDelaySeed(seed)`). */
  delaySeed: number;
  /** Action-noise std. */
  noiseStd: number;
  /** The initial chunk's method (default naive). */
  initialMethod: MethodConfig;
  /** How the evaluated method samples its chunks (`fusedSampler`). */
  sampler: FusedSampler;
}

/**
 * Validates a fused run's options (sizes, the window 1..H, the net against
 * the task, an initial method other than `bid`), derives its seeds and
 * sets up the method's sampling.
 *
 * @param task The task.
 * @param options The evaluator options.
 * @param window The window option's name and value (default 1).
 * @returns The sizes and seeds.
 * @throws {RangeError} On invalid sizes or a net that does not fit the task.
 * @throws {TypeError} If the initial method is `bid` (the first chunk has
 *   no BID candidates).
 *
 * @example
 * ```ts ignore
 * const r = resolveFusedRun(task, options, { field: "executeHorizon", value: options.executeHorizon });
 * ```
 */
export function resolveFusedRun(
  task: Task,
  options: FusedEvalOptions,
  window: { field: string; value: number | undefined },
): FusedRunSizes {
  const { net } = options;
  if (options.initialMethod?.method === "bid") {
    throw new TypeError(
      `Cannot evaluate on the GPU as the initial method must not be bid: current value is "bid"`,
    );
  }
  const N = checkInt(options.numEnvs, "numEnvs", 1);
  const H = net.config.actionChunkSize;
  const w = checkWindow(window.value, window.field, H);
  checkNetFitsTask(net, task.spec);
  const seed = options.seed >>> 0;
  return {
    numEnvs: N,
    horizon: H,
    actionDim: task.spec.actionDim,
    window: w,
    seed,
    noiseSeed: (seed ^ ACTION_NOISE_SALT) >>> 0,
    delaySeed: deriveDelaySeed(seed),
    noiseStd: options.actionNoise ?? 0.1,
    initialMethod: options.initialMethod ??
      resolveMethodConfig({ method: "naive" }),
    sampler: fusedSampler(options.method, {
      numEnvs: N,
      horizon: H,
      obsDim: task.spec.obsDim,
      net,
    }),
  };
}

/** Workgroup size of the fused evaluators' kernels (one invocation per environment). */
export const FUSED_WORKGROUP = 64;

/**
 * Throws unless the net's observation and action sizes fit the task.
 *
 * @param net The policy.
 * @param spec The task spec.
 * @throws {RangeError} On a mismatch.
 *
 * @example
 * ```ts
 * import { checkNetFitsTask } from "./fused_run.ts";
 * import assert from "node:assert/strict";
 * const spec = { name: "t", obsDim: 2, actionDim: 1, stateDim: 3, maxTimesteps: 10 };
 * assert.throws(() => checkNetFitsTask({ obsDim: 3, actionDim: 1 }, spec), /obsDim 3/);
 * ```
 */
export function checkNetFitsTask(
  net: Pick<PolicyNet, "obsDim" | "actionDim">,
  spec: TaskSpec,
): void {
  if (net.obsDim !== spec.obsDim || net.actionDim !== spec.actionDim) {
    throw new RangeError(
      `Cannot evaluate as the net has obsDim ${net.obsDim}, actionDim ${net.actionDim} but task ${spec.name} needs ${spec.obsDim}, ${spec.actionDim}`,
    );
  }
}

/**
 * The standard part of a fused evaluator's shader: RNG, task and profile
 * WGSL, the params struct, constants `H`, `A`, `HA`, the standard bindings
 * plus `extra` ones (f32 arrays from binding 9 on), `eval_step`,
 * `fused_bind_all()` (call it first in every entry point, so one bind group
 * with auto layout fits every entry point) and `fused_store(e, &s)` (state
 * and observation of environment `e`).
 *
 * @param dims Sources, sizes, the params struct WGSL (named by `paramsType`),
 *   the ctrl element type and the extra binding names.
 * @returns WGSL source.
 *
 * @example
 * ```ts
 * import { fusedHeaderWgsl } from "./fused_run.ts";
 * import assert from "node:assert/strict";
 * const code = fusedHeaderWgsl({
 *   taskWgsl: "", profileWgsl: "", paramsWgsl: "struct P { n: u32 }", paramsType: "P",
 *   horizon: 4, actionDim: 2, ctrlType: "u32", extra: ["flight"],
 * });
 * assert.match(code, /@binding\(9\) var<storage, read_write> flight: array<f32>;/);
 * ```
 */
export function fusedHeaderWgsl(dims: {
  taskWgsl: string;
  profileWgsl: string;
  paramsWgsl: string;
  paramsType: string;
  horizon: number;
  actionDim: number;
  ctrlType: string;
  extra: readonly string[];
}): string {
  const { horizon: H, actionDim: A } = dims;
  const extra = dims.extra.map((name, i) =>
    `@group(0) @binding(${9 + i}) var<storage, read_write> ${name}: array<f32>;`
  );
  const names = [
    "states",
    "ctrl",
    "logs",
    "obs",
    "calls",
    "prev",
    "next",
    "delays",
    ...dims.extra,
  ];
  return /* wgsl */ `
${RNG_WGSL}
${dims.taskWgsl}
${dims.profileWgsl}
${dims.paramsWgsl}

const H: u32 = ${H}u;
const A: u32 = ${A}u;
const HA: u32 = ${H * A}u;

@group(0) @binding(0) var<uniform> params: ${dims.paramsType};
@group(0) @binding(1) var<storage, read_write> states: array<f32>;
@group(0) @binding(2) var<storage, read_write> ctrl: array<${dims.ctrlType}>;
@group(0) @binding(3) var<storage, read_write> logs: array<f32>;
@group(0) @binding(4) var<storage, read_write> obs: array<f32>;
@group(0) @binding(5) var<storage, read_write> calls: array<vec4<u32>>;
@group(0) @binding(6) var<storage, read_write> prev: array<f32>;
@group(0) @binding(7) var<storage, read_write> next: array<f32>;
@group(0) @binding(8) var<storage, read_write> delays: array<i32>;
${extra.join("\n")}
${evalStepWgsl(A)}
fn fused_bind_all() {
${names.map((n) => `  _ = &${n};`).join("\n")}
}

${storeStateWgsl("fused_store")}`;
}

/**
 * Runs a fused evaluation: opens the sampler session, creates the run's
 * buffers (the evaluator's extra buffers, then the sampler's), dispatches `reset` then the initial chunk (copied into `copyTo`:
 * `prev` or an extra buffer), then per iteration `begin`, the sampler and
 * `execute` (one submission each iteration), reads back logs, ctrl and
 * delays once, and frees the buffers.
 *
 * @param task The task.
 * @param options Net, methods, sizes, shader, uniforms and buffer sizes.
 * @returns The raw buffers and the split of a timed run.
 *
 * @example
 * ```ts ignore
 * const out = await runFused(task, { net, sampler, initialMethod, batch: 256, seed: 0, code, params,
 *   ctrlBytes, delaysBytes, extraBytes: [], copyTo: "prev", timing: false, iterations: 100,
 *   entries: { reset: "scan_reset", begin: "scan_begin", execute: "scan_execute" } });
 * ```
 */
export async function runFused(
  task: Task,
  options: {
    net: PolicyNet;
    /**
     * The evaluated method's sampling (`fusedSampler`): the recorder's
     * method; for BID the candidate rows (the sampler runs `rows` rows, the
     * entry point `prepare` right after its noise kernel, `select` after
     * the flow, both one invocation per environment; with `weak`, a WebGPU
     * net on the same device, its naive flow runs on `rows` rows of its own
     * from the prepared observations and noise, copied in the same encoder,
     * its output bound after every extra buffer: BID's `bidweak`) and the
     * extra buffers appended after the evaluator's.
     */
    sampler: FusedSampler;
    initialMethod: MethodConfig;
    batch: number;
    seed: number;
    code: string;
    params: Uint8Array;
    ctrlBytes: number;
    delaysBytes: number;
    /** Per extra buffer: its byte size (zero-filled) or its initial contents. */
    extraBytes: readonly (number | ArrayBufferView)[];
    /** Entry points: reset, then per iteration begin, (sampler), execute. */
    entries: { reset: string; begin: string; execute: string };
    /** Iterations. */
    iterations: number;
    copyTo: "prev" | number;
    timing: boolean;
  },
): Promise<{
  logs: Float32Array;
  ctrl: ArrayBuffer;
  delays: Int32Array;
  split?: GpuSplit;
}> {
  const { spec } = task;
  const N = options.batch;
  const logBytes = 4 * N * gpuLogStride(spec.actionDim);
  const chunkBytes = 4 * N * options.net.config.actionChunkSize *
    spec.actionDim;
  const { method, candidates: cand } = options.sampler;
  const weakNet = cand?.weak;
  const session = { batch: cand?.rows ?? N, seed: options.seed };
  return await withChunkRecorder(
    options.net,
    session,
    (rec) =>
      weakNet
        ? withChunkRecorder(weakNet, session, (weak) => run(rec, weak))
        : run(rec, undefined),
  );

  async function run(rec: ChunkRecorder, weak: ChunkRecorder | undefined) {
    const { device } = rec;
    const label = `fused/${spec.name}`;
    const mk = (size: number) => createStorage(device, { size, label });
    const params = createUniform(device, options.params);
    const states = mk(4 * N * spec.stateDim);
    const ctrl = mk(options.ctrlBytes);
    const logs = mk(logBytes);
    const delays = mk(options.delaysBytes);
    const extra = [...options.extraBytes, ...options.sampler.extra].map((x) =>
      typeof x === "number" ? mk(x) : createStorage(device, { data: x, label })
    );
    const own = [params, states, ctrl, logs, delays, ...extra];
    const buffers = [
      params,
      states,
      ctrl,
      logs,
      rec.obs,
      rec.meta,
      rec.prevChunk,
      rec.chunk,
      delays,
      ...extra,
      ...(weak ? [weak.chunk] : []),
    ];
    const workgroups = [Math.ceil(N / FUSED_WORKGROUP)] as const;
    const kernel = (entryPoint: string): Dispatch => ({
      pipeline: getPipeline(device, {
        code: options.code,
        entryPoint,
        label,
      }),
      buffers,
      workgroups,
    });
    const initial = rec.record(options.initialMethod);
    const phases = await createPhaseRunner(device, options.timing);
    const copyTo = options.copyTo === "prev"
      ? rec.prevChunk
      : extra[options.copyTo]!;
    try {
      await phases.run([
        [
          "env",
          (enc) => dispatch(device, [kernel(options.entries.reset)], enc),
        ],
        ["policy", (enc) => {
          dispatch(device, initial, enc);
          enc.copyBufferToBuffer(rec.chunk, 0, copyTo, 0, chunkBytes);
        }],
      ]);
      const begin = kernel(options.entries.begin);
      const execute = kernel(options.entries.execute);
      // THE SAMPLER'S NOISE KERNEL COMES FIRST, THEN THE FLOW STEPS
      const flow = rec.record(method);
      const weakFlow = weak?.record(method) ?? [];
      const sample = (enc: GPUCommandEncoder) => {
        if (!cand) return dispatch(device, flow, enc);
        dispatch(device, [flow[0]!, kernel(cand.prepare)], enc);
        if (weak) {
          // THE WEAK FLOW STARTS FROM THE PREPARED OBSERVATIONS AND NOISE
          dispatch(device, [weakFlow[0]!], enc);
          const rows = cand.rows;
          const obsBytes = 4 * rows * options.net.obsDim;
          enc.copyBufferToBuffer(rec.obs, 0, weak.obs, 0, obsBytes);
          enc.copyBufferToBuffer(
            rec.chunk,
            0,
            weak.chunk,
            0,
            rows * chunkBytes / N,
          );
        }
        dispatch(device, [
          ...flow.slice(1),
          ...weakFlow.slice(1),
          kernel(cand.select),
        ], enc);
      };
      for (let it = 0; it < options.iterations; it++) {
        await phases.run([
          ["delays", (enc) => dispatch(device, [begin], enc)],
          ["policy", sample],
          ["env", (enc) => dispatch(device, [execute], enc)],
        ]);
      }
      const t = performance.now();
      const [logData, ctrlData, delayData] = await readBuffers(device, [
        { buffer: logs, byteLength: logBytes },
        { buffer: ctrl, byteLength: options.ctrlBytes },
        { buffer: delays, byteLength: options.delaysBytes },
      ]);
      const out = {
        logs: new Float32Array(logData!),
        ctrl: ctrlData!,
        delays: new Int32Array(delayData!),
        split: options.timing ? phases.split : undefined,
      };
      phases.split.readback += (performance.now() - t) / 1000;
      return out;
    } finally {
      for (const b of own) b.destroy();
    }
  }
}
