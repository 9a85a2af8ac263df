/**
 * Per-step traces of a scan evaluation, for diagnosing where and why a
 * method fails: at every executed step of every first episode, the action
 * executed (before noise), the scripted expert's action for the same true
 * state, which chunk it came from and how many steps ahead of its
 * observation it was planned (its lookahead).
 *
 * The stepper is wrapped, not changed: the expert reads the state before
 * each step, so traces use exactly the evaluation's RNG coordinates.
 *
 * @module
 */
import { evaluateScan } from "../eval/scan.ts";
import type { CpuStepper, EnvStepper } from "../envs/wrapper.ts";
import type { ChunkSampler, DelaySource } from "../eval/types.ts";
import type { Task } from "../envs/types.ts";

/**
 * One executed step of one rollout's first episode.
 *
 * @example
 * ```ts
 * import type { TraceStep } from "./trace.ts";
 * const late = (s: TraceStep): boolean => s.lookahead >= 2;
 * ```
 */
export interface TraceStep {
  /** Rollout index. */
  env: number;
  /** Control step. */
  t: number;
  /** Position within its scan iteration, 0..s−1. */
  i: number;
  /** Whether the action came from the previous chunk (i < d). */
  fromOld: boolean;
  /** Steps between the observation its chunk was planned from and its execution. */
  lookahead: number;
  /** ‖a − a_expert‖ for the true state before the step. */
  expertGap: number;
  /** The executed action (before noise). */
  action: number[];
  /** The expert's action for the true state. */
  expert: number[];
}

/**
 * Options for {@linkcode traceScan}.
 *
 * @example
 * ```ts
 * import type { TraceOptions } from "./trace.ts";
 * const d = (o: TraceOptions): number => o.delay;
 * ```
 */
export interface TraceOptions {
  /** The evaluated sampler. */
  sampler: ChunkSampler;
  /** First-chunk sampler. @default sampler */
  initialSampler?: ChunkSampler;
  /** A CPU stepper over the task (its states are read). */
  stepper: CpuStepper;
  /** Fixed delay d. */
  delay: number;
  /** Execute horizon s. */
  executeHorizon: number;
  /** Chunk length H. */
  horizon: number;
  /** Run seed (the stepper's). */
  seed: number;
}

/**
 * Runs a fixed-delay scan evaluation and records every first-episode step.
 *
 * @param task The task.
 * @param options Samplers, stepper, delay, sizes.
 * @returns The steps and each rollout's first-episode outcome.
 *
 * @example
 * ```ts
 * import { traceScan } from "./trace.ts";
 * import { expertChunkSampler } from "./bounds.ts";
 * import { createCpuStepper } from "../envs/wrapper.ts";
 * import { getTask } from "../envs/registry.ts";
 * import assert from "node:assert/strict";
 * const task = getTask("reach_around");
 * const stepper = createCpuStepper(task.cpu, { numEnvs: 2, seed: 0 });
 * const sampler = expertChunkSampler(stepper, { horizon: 8, bound: "stale" });
 * const r = await traceScan(task, { sampler, stepper, delay: 0, executeHorizon: 1, horizon: 8, seed: 0 });
 * assert.ok(r.steps.every((s) => s.expertGap < 1e-6));
 * ```
 */
export async function traceScan(
  task: Task,
  options: TraceOptions,
): Promise<{ steps: TraceStep[]; solved: Uint8Array }> {
  const { stepper, delay: d, executeHorizon: s } = options;
  const N = stepper.numEnvs;
  const A = stepper.actionDim;
  const steps: TraceStep[] = [];
  const inFirst = new Uint8Array(N).fill(1);
  const act = new Float32Array(A);
  let t = 0;
  const traced: EnvStepper = {
    numEnvs: N,
    obsDim: stepper.obsDim,
    actionDim: A,
    reset: () => stepper.reset(),
    async step(actions) {
      const i = t % s;
      for (let e = 0; e < N; e++) {
        if (!inFirst[e]) continue;
        const key = {
          seed: stepper.seed,
          env: e,
          episode: stepper.episodes[e]!,
        };
        task.cpu.expert(stepper.states[e]!, act, key);
        const a = [...actions.subarray(e * A, (e + 1) * A)];
        const x = [...act];
        steps.push({
          env: e,
          t,
          i,
          fromOld: i < d,
          lookahead: i < d ? s + i : i,
          expertGap: Math.hypot(...a.map((v, j) => v - x[j]!)),
          action: a,
          expert: x,
        });
      }
      const out = await stepper.step(actions);
      for (let e = 0; e < N; e++) if (out.done[e]) inFirst[e] = 0;
      t++;
      return out;
    },
  };
  const profile: DelaySource = { sampleAt: () => d };
  const r = await evaluateScan(task, {
    sampler: options.sampler,
    initialSampler: options.initialSampler,
    stepper: traced,
    profile,
    seed: options.seed,
    numEnvs: N,
    horizon: options.horizon,
    executeHorizon: s,
  });
  return { steps, solved: r.log.firstSolved };
}
