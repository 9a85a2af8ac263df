/**
 * Pieces shared by the two evaluators: option checks, the delay seed, the
 * sampler call wrapper and the result type.
 *
 * @module
 */
import type { TaskCpu, TaskSpec } from "../envs/types.ts";
import { pcg4d } from "../rng/rng.ts";
import type { RolloutLog } from "../envs/episode_log.ts";
import type { RunMetrics } from "./metrics.ts";
import type { EnvStepper } from "../envs/wrapper.ts";
import type { ChunkRequest, ChunkSampler } from "./types.ts";

/**
 * The part of a `Task` the evaluators need.
 *
 * @example
 * ```ts
 * import type { EvalTask } from "./common.ts";
 * import { REACH_AROUND } from "../envs/reach_around/mod.ts";
 * const task: EvalTask = REACH_AROUND;
 * ```
 */
export interface EvalTask {
  /** Dimensions and episode cap. */
  readonly spec: TaskSpec;
  /** CPU twin (used by the default stepper). */
  readonly cpu: TaskCpu;
}

/**
 * Tag mixed into the run seed for the delay stream ("dela").
 *
 * @example
 * ```ts
 * import { DELAY_TAG } from "./common.ts";
 * import assert from "node:assert/strict";
 * assert.equal(DELAY_TAG, 0x64656c61);
 * ```
 */
export const DELAY_TAG = 0x64656c61;

const scratch = new Uint32Array(4);

/**
 * The seed of a run's delay draws: lane 0 of `pcg4d(seed, DELAY_TAG, 0, 0)`.
 * Delays depend on the seed only (not on the method), so every method of a
 * seed sees the same delay sequence, as in the seed's tables.
 *
 * @param seed The run seed.
 * @returns The derived u32 seed.
 *
 * @example
 * ```ts
 * import { deriveDelaySeed } from "./common.ts";
 * import assert from "node:assert/strict";
 * assert.equal(deriveDelaySeed(3), deriveDelaySeed(3));
 * assert.notEqual(deriveDelaySeed(3), 3);
 * ```
 */
export function deriveDelaySeed(seed: number): number {
  pcg4d(seed >>> 0, DELAY_TAG, 0, 0, scratch);
  return scratch[0]!;
}

/**
 * One executed control step, reported to an `onStep` hook.
 *
 * @example
 * ```ts
 * import type { StepEvent } from "./common.ts";
 * const starvedCount = (ev: StepEvent): number => ev.starved.reduce((a, b) => a + b, 0);
 * ```
 */
export interface StepEvent {
  /** Control step index (0-based). */
  step: number;
  /** Executed actions before noise `[N, A]`. */
  actions: Float32Array;
  /** 1 where the environment starved at this step. */
  starved: Uint8Array;
  /** The stepper (after the step), e.g. to render a CPU state. */
  stepper: EnvStepper;
}

/**
 * What an evaluator returns.
 *
 * @example
 * ```ts
 * import type { EvalResult } from "./common.ts";
 * const solveRate = (r: EvalResult): number => r.metrics.returned_episode_solved;
 * ```
 */
export interface EvalResult {
  /** The run metrics. */
  metrics: RunMetrics;
  /** Every delay sampled (the values the metrics used). */
  delays: Int32Array;
  /** The per-environment log. */
  log: RolloutLog;
  /** Number of sampler calls (batched). */
  samplerCalls: number;
  /** Wall-clock seconds spent inside the sampler (not deterministic). */
  samplerSeconds: number;
  /** Control steps executed per environment. */
  steps: number;
}

/**
 * Checks that a value is an integer within bounds.
 *
 * @param value The value.
 * @param field Its name for the message.
 * @param min Smallest allowed value.
 * @returns The value.
 * @throws {RangeError} If it is not an integer ≥ min.
 *
 * @example
 * ```ts
 * import { checkInt } from "./common.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => checkInt(0, "executeHorizon", 1), RangeError);
 * ```
 */
export function checkInt(value: number, field: string, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot evaluate as ${field} must be an integer >= ${min}: current value is ${value}`,
    );
  }
  return value;
}

/**
 * Timing accumulator of {@linkcode callSampler}.
 *
 * @example
 * ```ts
 * import type { SamplerStats } from "./common.ts";
 * const stats: SamplerStats = { calls: 0, seconds: 0 };
 * ```
 */
export interface SamplerStats {
  /** Calls so far. */
  calls: number;
  /** Seconds inside the sampler. */
  seconds: number;
}

/**
 * Calls the sampler, checks the chunk's length (`batch * H * A`) and
 * accumulates timing.
 *
 * @param sampler The sampler.
 * @param call The request, the expected chunk length per row (`H * A`) and the timing accumulator (updated).
 * @returns The chunk `[B, H, A]`.
 * @throws {RangeError} If the chunk has the wrong length.
 *
 * @example
 * ```ts
 * import { callSampler } from "./common.ts";
 * import assert from "node:assert/strict";
 * const stats = { calls: 0, seconds: 0 };
 * const chunk = await callSampler(
 *   (req) => Promise.resolve({ chunk: new Float32Array(req.batch * 4) }),
 *   { request: { batch: 1, obs: new Float32Array(1), seed: 0, counter: 0 }, rowLength: 4, stats },
 * );
 * assert.equal(chunk.length, 4);
 * assert.equal(stats.calls, 1);
 * ```
 */
export async function callSampler(
  sampler: ChunkSampler,
  call: { request: ChunkRequest; rowLength: number; stats: SamplerStats },
): Promise<Float32Array> {
  const { request, stats } = call;
  const t0 = performance.now();
  const { chunk } = await sampler(request);
  stats.seconds += (performance.now() - t0) / 1000;
  stats.calls++;
  const want = request.batch * call.rowLength;
  if (chunk.length !== want) {
    throw new RangeError(
      `Cannot use sampler result as chunk must have length ${want} (B*H*A): current length is ${chunk.length}`,
    );
  }
  return chunk;
}

/**
 * Validates an evaluator's execution window (scan: s; async: s_min): an
 * integer in 1..H (default 1).
 *
 * @param value The option's value.
 * @param field The option's name (for the message).
 * @param horizon Chunk length H.
 * @returns The window.
 * @throws {RangeError} If it is not an integer in 1..H.
 *
 * @example
 * ```ts
 * import { checkWindow } from "./common.ts";
 * import assert from "node:assert/strict";
 * assert.equal(checkWindow(undefined, "sMin", 4), 1);
 * assert.throws(() => checkWindow(5, "executeHorizon", 4), /at most horizon 4/);
 * ```
 */
export function checkWindow(
  value: number | undefined,
  field: string,
  horizon: number,
): number {
  const w = checkInt(value ?? 1, field, 1);
  if (w > horizon) {
    throw new RangeError(
      `Cannot evaluate as ${field} must be at most horizon ${horizon}: current value is ${w}`,
    );
  }
  return w;
}
