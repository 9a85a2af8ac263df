/**
 * Per-step traces of a scan evaluation, for diagnosing where and why a
 * method fails: at every executed step of every first episode, the action
 * executed (before noise), the scripted expert's action for the same true
 * state, which chunk it came from and how many steps ahead of its
 * observation it was planned (its lookahead).
 *
 * Each sampler call also records how far the new chunk lies from the
 * previous one: over the committed prefix (positions `0..d−1`, what an
 * inpainting method should reproduce) and over the next d positions (what
 * will be executed next, and what the soft guidance window pulls toward the
 * old plan).
 *
 * The stepper and sampler are wrapped, not changed: the expert reads the
 * state before each step, so traces use exactly the evaluation's RNG
 * coordinates.
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
 * Mean absolute differences between a new chunk and the previous one, per
 * action component, averaged over the rows of one sampler call.
 *
 * @example
 * ```ts
 * import type { TraceCall } from "./trace.ts";
 * const inpainted = (c: TraceCall): boolean => c.prefixGap < 0.01;
 * ```
 */
export interface TraceCall {
  /** Call counter (iteration + 1). */
  counter: number;
  /** `mean |new_i − prev_i|` over the committed prefix `i < d`. */
  prefixGap: number;
  /** `mean |new_i − prev_i|` over `d ≤ i < min(2d, H)`. */
  nextGap: number;
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
): Promise<{ steps: TraceStep[]; calls: TraceCall[]; solved: Uint8Array }> {
  const { stepper, delay: d, executeHorizon: s } = options;
  const N = stepper.numEnvs;
  const A = stepper.actionDim;
  const H = options.horizon;
  const steps: TraceStep[] = [];
  const calls: TraceCall[] = [];
  const sampler: ChunkSampler = async (req) => {
    const r = await options.sampler(req);
    const prev = req.prevChunk;
    if (prev && d > 0) {
      const gap = (lo: number, hi: number) => {
        let sum = 0;
        for (let b = 0; b < req.batch; b++) {
          for (let k = (b * H + lo) * A; k < (b * H + hi) * A; k++) {
            sum += Math.abs(r.chunk[k]! - prev[k]!);
          }
        }
        return hi > lo ? sum / (req.batch * (hi - lo) * A) : 0;
      };
      calls.push({
        counter: Number(req.counter),
        prefixGap: gap(0, d),
        nextGap: gap(d, Math.min(2 * d, H)),
      });
    }
    return r;
  };
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
    sampler,
    initialSampler: options.initialSampler ?? options.sampler,
    stepper: traced,
    profile,
    seed: options.seed,
    numEnvs: N,
    horizon: options.horizon,
    executeHorizon: s,
  });
  return { steps, calls, solved: r.log.firstSolved };
}

/**
 * One row of a trace summary: a method at a delay, and its executed
 * actions' distance to the expert at one lookahead.
 *
 * @example
 * ```ts
 * import type { TraceSummaryRow } from "./trace.ts";
 * const row = (r: TraceSummaryRow): string => `${r.method} d=${r.delay} la=${r.lookahead}: ${r.expert_gap}`;
 * ```
 */
export interface TraceSummaryRow {
  /** Task. */
  task: string;
  /** Method (or expert bound). */
  method: string;
  /** Delay d. */
  delay: number;
  /** Execute horizon s. */
  execute_horizon: number;
  /** Lookahead of the executed actions this row averages. */
  lookahead: number;
  /** First-episode steps in this row. */
  steps: number;
  /** Mean ‖a − a_expert‖ of those steps. */
  expert_gap: number;
  /** Mean |new − prev| over the committed prefix, all calls (0 at d = 0). */
  prefix_gap: number;
  /** Mean |new − prev| over the next d positions, all calls. */
  next_gap: number;
  /** The run's first-episode solve rate. */
  solved: number;
}

/**
 * Summarises a trace: one row per lookahead of the executed actions.
 *
 * @param trace The result of {@linkcode traceScan}.
 * @param label Task, method, delay and execute horizon of the trace.
 * @returns The rows, by lookahead.
 *
 * @example
 * ```ts
 * import { summarizeTrace } from "./trace.ts";
 * import assert from "node:assert/strict";
 * const rows = summarizeTrace({
 *   steps: [{ env: 0, t: 0, i: 0, fromOld: false, lookahead: 0, expertGap: 0.5, action: [0], expert: [0.5] }],
 *   calls: [], solved: Uint8Array.of(1),
 * }, { task: "t", method: "naive", delay: 0, executeHorizon: 1 });
 * assert.equal(rows[0]!.expert_gap, 0.5);
 * ```
 */
export function summarizeTrace(
  trace: { steps: TraceStep[]; calls: TraceCall[]; solved: Uint8Array },
  label: {
    task: string;
    method: string;
    delay: number;
    executeHorizon: number;
  },
): TraceSummaryRow[] {
  const mean = (xs: number[]) =>
    xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
  const byLookahead = Map.groupBy(trace.steps, (s) => s.lookahead);
  const solved = trace.solved.reduce((a, b) => a + b, 0) / trace.solved.length;
  return [...byLookahead.keys()].sort((a, b) => a - b).map((la) => {
    const group = byLookahead.get(la)!;
    return {
      task: label.task,
      method: label.method,
      delay: label.delay,
      execute_horizon: label.executeHorizon,
      lookahead: la,
      steps: group.length,
      expert_gap: mean(group.map((s) => s.expertGap)),
      prefix_gap: mean(trace.calls.map((c) => c.prefixGap)),
      next_gap: mean(trace.calls.map((c) => c.nextGap)),
      solved,
    };
  });
}
