/**
 * What the CPU-orchestrated evaluators (`scan.ts`, `async.ts`) share: their
 * common options, the validation and setup of a run (stepper, samplers,
 * seeds, log, temporal ensemble) and the first chunk at the reset
 * observation.
 *
 * @module
 */
import { TemporalEnsemble } from "../rtc/temporal_ensemble.ts";
import {
  callSampler,
  checkInt,
  checkWindow,
  deriveDelaySeed,
  type EvalTask,
  type SamplerStats,
  type StepEvent,
} from "./common.ts";
import { createRolloutLog, type RolloutLog } from "../envs/episode_log.ts";
import { createCpuStepper, type EnvStepper } from "../envs/wrapper.ts";
import type { ChunkSampler, DelaySource } from "./types.ts";

/**
 * Options every CPU-orchestrated evaluator takes.
 *
 * @example
 * ```ts
 * import type { CpuEvalOptions } from "./cpu_eval.ts";
 * const describe = (o: CpuEvalOptions): string => `${o.numEnvs} rollouts, H = ${o.horizon}`;
 * ```
 */
export interface CpuEvalOptions {
  /** Computes chunks with the evaluated method. */
  sampler: ChunkSampler;
  /** Computes the first chunk at the reset observation. @default sampler (pass a naive sampler to match the seed) */
  initialSampler?: ChunkSampler;
  /** Delay source. */
  profile: DelaySource;
  /** Run seed (environments, noise, delays, sampling). */
  seed: number;
  /** Number of rollouts (environments), e.g. 256. */
  numEnvs: number;
  /** Chunk length H (the policy's action_chunk_size). */
  horizon: number;
  /** Action noise std of the default CPU stepper. @default 0.1 */
  actionNoise?: number;
  /** Stepper to use instead of the CPU twin (e.g. a WGSL batch stepper). */
  stepper?: EnvStepper;
  /** Called after every executed control step. */
  onStep?: (event: StepEvent) => void;
  /** Execute with ACT temporal ensembling (method `temporal_ensembling`, weights `exp(−decay·i)`). */
  temporalEnsemble?: { decay: number };
}

/**
 * A validated CPU-orchestrated run (see {@linkcode startCpuEval}).
 *
 * @example
 * ```ts
 * import type { CpuEvalRun } from "./cpu_eval.ts";
 * const chunkSize = (r: CpuEvalRun): number => r.horizon * r.actionDim;
 * ```
 */
export interface CpuEvalRun {
  /** Number of environments N. */
  numEnvs: number;
  /** Chunk length H. */
  horizon: number;
  /** Action size A. */
  actionDim: number;
  /** The execution window (scan: s; async: s_min), 1..H. */
  window: number;
  /** Run seed (u32). */
  seed: number;
  /** Delay seed (`deriveDelaySeed(seed)`). */
  delaySeed: number;
  /** The stepper (the CPU twin unless given). */
  stepper: EnvStepper;
  /** Sampler call statistics. */
  stats: SamplerStats;
  /** The rollout log. */
  log: RolloutLog;
  /** The temporal ensemble (temporal_ensembling only). */
  ens: TemporalEnsemble | null;
}

/**
 * Validates the common options and the evaluator's window (1..H), and sets
 * up the stepper, seeds, log and ensemble. Nothing runs yet.
 *
 * @param task The task.
 * @param options The evaluator options.
 * @param window The window option's name and value (default 1).
 * @returns The run.
 * @throws {RangeError} On invalid sizes.
 *
 * @example
 * ```ts ignore
 * const run = startCpuEval(task, options, { field: "executeHorizon", value: options.executeHorizon });
 * ```
 */
export function startCpuEval(
  task: EvalTask,
  options: CpuEvalOptions,
  window: { field: string; value: number | undefined },
): CpuEvalRun {
  const N = checkInt(options.numEnvs, "numEnvs", 1);
  const H = checkInt(options.horizon, "horizon", 1);
  const w = checkWindow(window.value, window.field, H);
  const A = task.spec.actionDim;
  const seed = options.seed >>> 0;
  return {
    numEnvs: N,
    horizon: H,
    actionDim: A,
    window: w,
    seed,
    delaySeed: deriveDelaySeed(seed),
    stepper: options.stepper ??
      createCpuStepper(task.cpu, {
        numEnvs: N,
        seed,
        actionNoise: options.actionNoise,
      }),
    stats: { calls: 0, seconds: 0 },
    log: createRolloutLog(N, { actionDim: A }),
    ens: options.temporalEnsemble
      ? new TemporalEnsemble({
        batch: N,
        horizon: H,
        actionDim: A,
        decay: options.temporalEnsemble.decay,
      })
      : null,
  };
}

/**
 * Resets the environments and samples the first chunk at the reset
 * observation (initial sampler, call counter 0, no delay, execution horizon
 * = the window); the ensemble (if any) starts with it at step 0.
 *
 * @param run The run from {@linkcode startCpuEval}.
 * @param options The evaluator options (samplers).
 * @returns The reset observations and the first chunk (a copy).
 *
 * @example
 * ```ts ignore
 * let { obs, chunk } = await firstChunk(run, options);
 * ```
 */
export async function firstChunk(
  run: CpuEvalRun,
  options: CpuEvalOptions,
): Promise<{ obs: Float32Array; chunk: Float32Array }> {
  const { numEnvs: N, horizon: H, actionDim: A } = run;
  const obs = await run.stepper.reset();
  const chunk = (await callSampler(options.initialSampler ?? options.sampler, {
    request: {
      batch: N,
      obs: obs.slice(),
      prevChunk: new Float32Array(N * H * A),
      delay: new Int32Array(N),
      executeHorizon: new Int32Array(N).fill(run.window),
      seed: run.seed,
      counter: 0,
    },
    rowLength: H * A,
    stats: run.stats,
  })).slice();
  run.ens?.addBatch(chunk, 0);
  return { obs, chunk };
}
