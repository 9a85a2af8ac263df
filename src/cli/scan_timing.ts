/**
 * Timing of one `scan` run with each engine, for the Step D benchmark
 * (`scripts/bench_stepd.ts`): the GPU-fused evaluator (untimed wall clock,
 * then a timed run for the env / policy / delays split), CPU twin
 * environments with one WebGPU sampler call per chunk, and the full CPU
 * fallback (CPU reference network and CPU twin).
 *
 * @module
 */
import type { Task } from "../envs/types.ts";
import { getBackend } from "../gpu/backend.ts";
import type { DelayProfile } from "../latency/types.ts";
import type { Checkpoint } from "../policy/checkpoint.ts";
import { createNet, type PolicyNet } from "../policy/net.ts";
import { type MethodName, resolveMethodConfig } from "../rtc/method_config.ts";
import { sampleChunk } from "../rtc/sample.ts";
import { evaluateScan } from "../eval/scan.ts";
import { evaluateScanGpu, type ScanGpuSplit } from "../eval/scan_gpu.ts";

/**
 * Where a timed run executes.
 *
 * @example
 * ```ts
 * import type { ScanEngine } from "./scan_timing.ts";
 * const engines: ScanEngine[] = ["webgpu-fused", "cpu-env+webgpu-policy", "cpu"];
 * ```
 */
export type ScanEngine = "webgpu-fused" | "cpu-env+webgpu-policy" | "cpu";

/**
 * One timed run.
 *
 * @example
 * ```ts
 * import type { ScanTiming } from "./scan_timing.ts";
 * const perChunkMs = (t: ScanTiming): number => 1000 * t.wallSeconds / t.samplerCalls;
 * ```
 */
export interface ScanTiming {
  /** The engine. */
  engine: ScanEngine;
  /** Adapter (or "CPU reference") that ran the policy. */
  adapter: string;
  /** Wall-clock seconds of the run (untimed mode for the fused engine). */
  wallSeconds: number;
  /** Sampler calls in the run. */
  samplerCalls: number;
  /** Solve rate (to check the engines agree). */
  solved: number;
  /** Fused engine: seconds per phase of a second, timed run. */
  split?: ScanGpuSplit;
  /** CPU-orchestrated engines: seconds inside the sampler. */
  samplerSeconds?: number;
}

/**
 * Times one `scan` run of a checkpoint with an engine.
 *
 * @param task The task.
 * @param options Checkpoint, method, profile, seed, rollouts, engine.
 * @returns The timing.
 * @throws {Error} If the engine needs WebGPU and no adapter exists.
 *
 * @example
 * ```ts ignore
 * const t = await timeScanRun(getTask("reach_around"), {
 *   checkpoint, method: "realtime", profile, seed: 0, numEnvs: 256, engine: "webgpu-fused",
 * });
 * console.log(t.wallSeconds, t.split);
 * ```
 */
export async function timeScanRun(
  task: Task,
  options: {
    checkpoint: Checkpoint;
    method: MethodName;
    profile: DelayProfile;
    seed: number;
    numEnvs: number;
    engine: ScanEngine;
  },
): Promise<ScanTiming> {
  const { checkpoint: ckpt, engine } = options;
  const backend = await getBackend({
    backend: engine === "cpu" ? "cpu" : "webgpu",
  });
  const net: PolicyNet = await createNet(backend, {
    config: ckpt.config,
    obsDim: ckpt.obsDim,
    actionDim: ckpt.actionDim,
    params: ckpt.params,
  });
  const method = resolveMethodConfig({ method: options.method });
  const naive = resolveMethodConfig({ method: "naive" });
  const common = {
    profile: options.profile,
    seed: options.seed,
    numEnvs: options.numEnvs,
  };
  try {
    if (engine === "webgpu-fused") {
      const t0 = performance.now();
      const r = await evaluateScanGpu(task, { net, method, ...common });
      const wallSeconds = (performance.now() - t0) / 1000;
      const timed = await evaluateScanGpu(task, {
        net,
        method,
        ...common,
        timing: true,
      });
      return {
        engine,
        adapter: backend.adapterName,
        wallSeconds,
        samplerCalls: r.samplerCalls,
        solved: r.metrics.returned_episode_solved,
        split: timed.split,
      };
    }
    const t0 = performance.now();
    const r = await evaluateScan(task, {
      ...common,
      sampler: (req) => sampleChunk(net, req, method),
      initialSampler: (req) => sampleChunk(net, req, naive),
      horizon: net.config.actionChunkSize,
    });
    return {
      engine,
      adapter: engine === "cpu" ? "CPU reference" : backend.adapterName,
      wallSeconds: (performance.now() - t0) / 1000,
      samplerCalls: r.samplerCalls,
      solved: r.metrics.returned_episode_solved,
      samplerSeconds: r.samplerSeconds,
    };
  } finally {
    net.destroy?.();
  }
}
