/**
 * The evaluation wrapper's log, kept per environment: the first episode's
 * return, length and solved flag (the upstream log wrapper's
 * `returned_episode_*`), and the smoothness maxima of the executed actions
 * (before noise), over the whole rollout (the seed's definition) and over the
 * first episode only. Every engine records into it (the WGSL twin is
 * `eval_step` in `wrapper_wgsl.ts`).
 *
 * @module
 */
import type { StepOutcome } from "./wrapper.ts";

/**
 * Accumulated per-environment statistics.
 *
 * @example
 * ```ts
 * import type { RolloutLog } from "./episode_log.ts";
 * const finished = (log: RolloutLog): number => log.firstDone.reduce((a, b) => a + b, 0);
 * ```
 */
export interface RolloutLog {
  /** Number of environments. */
  readonly numEnvs: number;
  /** Action length. */
  readonly actionDim: number;
  /** 1 once the first episode ended. */
  readonly firstDone: Uint8Array;
  /** First-episode return (sum of rewards). */
  readonly firstReturn: Float64Array;
  /** First-episode length in steps. */
  readonly firstLength: Int32Array;
  /** First-episode solved flag (of its final step). */
  readonly firstSolved: Uint8Array;
  /** `max_t ‖a_t − a_{t−1}‖` over the rollout. */
  readonly maxDelta: Float64Array;
  /** `max_t ‖a_t − 2a_{t−1} + a_{t−2}‖` over the rollout. */
  readonly maxDdelta: Float64Array;
  /** The same over steps of the first episode only. */
  readonly maxDeltaFirst: Float64Array;
  /** The same over steps of the first episode only. */
  readonly maxDdeltaFirst: Float64Array;
  /** The last executed actions `[N, A]` (history for the differences). */
  readonly prev1: Float32Array;
  /** The executed actions one step before {@linkcode RolloutLog.prev1}. */
  readonly prev2: Float32Array;
  /** Steps recorded so far. */
  steps: number;
}

/**
 * Creates an empty log.
 *
 * @param numEnvs Number of environments.
 * @param options The action length.
 * @returns The log.
 *
 * @example
 * ```ts
 * import { createRolloutLog } from "./episode_log.ts";
 * import assert from "node:assert/strict";
 * const log = createRolloutLog(2, { actionDim: 1 });
 * assert.equal(log.firstDone.length, 2);
 * ```
 */
export function createRolloutLog(
  numEnvs: number,
  options: { actionDim: number },
): RolloutLog {
  return {
    numEnvs,
    actionDim: options.actionDim,
    firstDone: new Uint8Array(numEnvs),
    firstReturn: new Float64Array(numEnvs),
    firstLength: new Int32Array(numEnvs),
    firstSolved: new Uint8Array(numEnvs),
    maxDelta: new Float64Array(numEnvs),
    maxDdelta: new Float64Array(numEnvs),
    maxDeltaFirst: new Float64Array(numEnvs),
    maxDdeltaFirst: new Float64Array(numEnvs),
    prev1: new Float32Array(numEnvs * options.actionDim),
    prev2: new Float32Array(numEnvs * options.actionDim),
    steps: 0,
  };
}

/**
 * Records one executed step: the actions (before noise, `[N, A]`) and the
 * step's outcome.
 *
 * @param log The log (updated in place).
 * @param step The actions and outcome.
 *
 * @example
 * ```ts
 * import { createRolloutLog, recordStep } from "./episode_log.ts";
 * import assert from "node:assert/strict";
 * const log = createRolloutLog(1, { actionDim: 1 });
 * const outcome = (done: number) => ({
 *   obs: new Float32Array(1), reward: new Float32Array([1]),
 *   done: new Uint8Array([done]), solved: new Uint8Array([done]),
 * });
 * recordStep(log, { actions: new Float32Array([0]), outcome: outcome(0) });
 * recordStep(log, { actions: new Float32Array([1]), outcome: outcome(1) });
 * assert.equal(log.firstReturn[0], 2);
 * assert.equal(log.firstSolved[0], 1);
 * assert.equal(log.maxDelta[0], 1);
 * ```
 */
export function recordStep(
  log: RolloutLog,
  step: { actions: Float32Array; outcome: StepOutcome },
): void {
  const { actions, outcome } = step;
  const A = log.actionDim;
  const h = log;
  const t = log.steps;
  for (let e = 0; e < log.numEnvs; e++) {
    const inFirst = log.firstDone[e] === 0;
    if (t >= 1) {
      let d1 = 0;
      let d2 = 0;
      for (let j = 0; j < A; j++) {
        const a = actions[e * A + j]!;
        const p1 = h.prev1[e * A + j]!;
        const p2 = h.prev2[e * A + j]!;
        d1 += (a - p1) ** 2;
        d2 += (a - 2 * p1 + p2) ** 2;
      }
      d1 = Math.sqrt(d1);
      d2 = Math.sqrt(d2);
      if (d1 > log.maxDelta[e]!) log.maxDelta[e] = d1;
      if (inFirst && d1 > log.maxDeltaFirst[e]!) log.maxDeltaFirst[e] = d1;
      if (t >= 2) {
        if (d2 > log.maxDdelta[e]!) log.maxDdelta[e] = d2;
        if (inFirst && d2 > log.maxDdeltaFirst[e]!) log.maxDdeltaFirst[e] = d2;
      }
    }
    if (inFirst) {
      log.firstReturn[e] = log.firstReturn[e]! + outcome.reward[e]!;
      log.firstLength[e] = log.firstLength[e]! + 1;
      if (outcome.done[e]) {
        log.firstDone[e] = 1;
        log.firstSolved[e] = outcome.solved[e]!;
      }
    }
  }
  h.prev2.set(h.prev1);
  h.prev1.set(actions.subarray(0, log.numEnvs * A));
  log.steps = t + 1;
}

/**
 * Means of the first-episode log over finished environments (the seed's
 * column names).
 *
 * @example
 * ```ts
 * import type { EpisodeSummary } from "./episode_log.ts";
 * const rate = (s: EpisodeSummary): number => s.returned_episode_solved;
 * ```
 */
export interface EpisodeSummary {
  /** Mean first-episode return. */
  returned_episode_returns: number;
  /** Mean first-episode length. */
  returned_episode_lengths: number;
  /** Fraction of first episodes solved. */
  returned_episode_solved: number;
  /** Number of environments whose first episode finished (the means' denominator). */
  finished: number;
  /** Number of environments. */
  n: number;
}

function kahanMean(values: ArrayLike<number>, mask: Uint8Array): number {
  let sum = 0;
  let comp = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!mask[i]) continue;
    const y = values[i]! - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

/**
 * Summarises the first episodes of a log: means over the environments whose
 * first episode finished (NaN when none did), with compensated sums.
 *
 * @param log The log.
 * @returns The summary.
 *
 * @example
 * ```ts
 * import { createRolloutLog, summarizeLog } from "./episode_log.ts";
 * import assert from "node:assert/strict";
 * const log = createRolloutLog(2, { actionDim: 1 });
 * log.firstDone.set([1, 1]);
 * log.firstLength.set([10, 20]);
 * log.firstSolved.set([1, 0]);
 * const s = summarizeLog(log);
 * assert.equal(s.returned_episode_solved, 0.5);
 * assert.equal(s.returned_episode_lengths, 15);
 * ```
 */
export function summarizeLog(log: RolloutLog): EpisodeSummary {
  let finished = 0;
  for (const f of log.firstDone) finished += f ? 1 : 0;
  return {
    returned_episode_returns: kahanMean(log.firstReturn, log.firstDone),
    returned_episode_lengths: kahanMean(log.firstLength, log.firstDone),
    returned_episode_solved: kahanMean(log.firstSolved, log.firstDone),
    finished,
    n: log.numEnvs,
  };
}
