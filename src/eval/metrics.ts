/**
 * Per-run metrics (`docs/SEMANTICS.md` §9). Keys are the CSV column names: the seed's
 * columns first, then the new ones.
 *
 * @module
 */
import type { RolloutLog } from "../envs/episode_log.ts";
import { percentile, pViolate, wilsonInterval } from "../latency/stats.ts";
import { mean } from "./stats.ts";

/**
 * The metrics of one run (one profile × method × seed).
 *
 * @example
 * ```ts
 * import type { RunMetrics } from "./metrics.ts";
 * const interval = (m: RunMetrics): string => `[${m.solved_ci_low}, ${m.solved_ci_high}]`;
 * ```
 */
export interface RunMetrics {
  /** Mean over rollouts of the first episode's solved flag. */
  returned_episode_solved: number;
  /** Mean over rollouts of the first episode's return. */
  returned_episode_returns: number;
  /** Mean over rollouts of the first episode's length. */
  returned_episode_lengths: number;
  /** Median of all sampled delays (numpy linear interpolation). */
  d_p50: number;
  /** 95th percentile of all sampled delays. */
  d_p95: number;
  /** 99th percentile of all sampled delays. */
  d_p99: number;
  /** Fraction of sampled delays with `d > H − s`. */
  p_violate: number;
  /** Mean over rollouts of `max_t ‖a_t − a_{t−1}‖` (whole rollout, as the seed). */
  max_delta_action: number;
  /** Mean over rollouts of `max_t ‖a_t − 2a_{t−1} + a_{t−2}‖` (whole rollout). */
  max_ddelta_action: number;
  /** As `max_delta_action`, first episode only. */
  max_delta_action_first_episode: number;
  /** As `max_ddelta_action`, first episode only. */
  max_ddelta_action_first_episode: number;
  /** Fraction of control steps with no fresh action (starved). */
  p_starve: number;
  /** Mean executed horizon (actions executed between inference starts). */
  mean_s: number;
  /** Mean number of chunk inferences per rollout (the first chunk included). */
  n_inferences: number;
  /** 95 % Wilson interval of the solve rate, lower end. */
  solved_ci_low: number;
  /** 95 % Wilson interval of the solve rate, upper end. */
  solved_ci_high: number;
}

/**
 * Inputs of {@linkcode computeRunMetrics} besides the episode log.
 *
 * @example
 * ```ts
 * import type { MetricInputs } from "./metrics.ts";
 * const inputs: MetricInputs = { delays: [0, 1], horizon: 4, executeHorizon: 1, totalSteps: 8, meanS: 1, inferences: 10 };
 * ```
 */
export interface MetricInputs {
  /** Every delay sampled during the run (after clipping, where the evaluator clips). */
  delays: ArrayLike<number>;
  /** Chunk length H. */
  horizon: number;
  /** Execute horizon s used for `p_violate`. */
  executeHorizon: number;
  /** Starved control steps summed over rollouts. @default 0 */
  starvedSteps?: number;
  /** Control steps summed over rollouts. */
  totalSteps: number;
  /** Mean executed horizon. */
  meanS: number;
  /** Inferences summed over rollouts. */
  inferences: number;
}

/**
 * Computes the run metrics. Values are rounded to float32, as in the seed's
 * tables (its per-run numbers are float32 values printed by Python).
 *
 * @param log The episode log after the rollout.
 * @param inputs Delays, horizons, starvation and inference counts.
 * @returns The metrics.
 *
 * @example
 * ```ts
 * import { createRolloutLog } from "../envs/episode_log.ts";
 * import { computeRunMetrics } from "./metrics.ts";
 * import assert from "node:assert/strict";
 * const log = createRolloutLog(2, { actionDim: 1 });
 * log.firstSolved[0] = 1;
 * const m = computeRunMetrics(log, {
 *   delays: [0, 0, 4, 1], horizon: 4, executeHorizon: 1,
 *   totalSteps: 8, meanS: 1, inferences: 10,
 * });
 * assert.equal(m.returned_episode_solved, 0.5);
 * assert.equal(m.p_violate, 0.25);
 * assert.equal(m.n_inferences, 5);
 * ```
 */
export function computeRunMetrics(
  log: RolloutLog,
  inputs: MetricInputs,
): RunMetrics {
  const n = log.numEnvs;
  const f = Math.fround;
  let solved = 0;
  for (let e = 0; e < n; e++) solved += log.firstSolved[e]!;
  const ci = wilsonInterval(solved, n);
  const hasDelays = inputs.delays.length > 0;
  return {
    returned_episode_solved: f(solved / n),
    returned_episode_returns: f(mean(log.firstReturn)),
    returned_episode_lengths: f(mean(log.firstLength)),
    d_p50: hasDelays ? f(percentile(inputs.delays, 50)) : NaN,
    d_p95: hasDelays ? f(percentile(inputs.delays, 95)) : NaN,
    d_p99: hasDelays ? f(percentile(inputs.delays, 99)) : NaN,
    p_violate: hasDelays
      ? f(pViolate(inputs.delays, {
        horizon: inputs.horizon,
        executeHorizon: inputs.executeHorizon,
      }))
      : NaN,
    max_delta_action: f(mean(log.maxDelta)),
    max_ddelta_action: f(mean(log.maxDdelta)),
    max_delta_action_first_episode: f(mean(log.maxDeltaFirst)),
    max_ddelta_action_first_episode: f(mean(log.maxDdeltaFirst)),
    p_starve: f((inputs.starvedSteps ?? 0) / inputs.totalSteps),
    mean_s: f(inputs.meanS),
    n_inferences: f(inputs.inferences / n),
    solved_ci_low: f(ci.lower),
    solved_ci_high: f(ci.upper),
  };
}
