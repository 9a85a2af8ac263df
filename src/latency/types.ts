/**
 * JSON configuration types of delay profiles and the resolved
 * {@linkcode DelayProfile} interface.
 *
 * A profile config is a plain JSON object with a `kind` and the kind's
 * fields, plus an optional ordered `transforms` list applied to each draw:
 *
 * ```json
 * { "kind": "mixture", "base_delays": [0, 1], "base_probs": [0.8, 0.2],
 *   "p_spike": 0.05, "d_spike": 4,
 *   "transforms": [{ "kind": "tail_cap", "cap": 2 }] }
 * ```
 *
 * Delays are integers in control steps. Millisecond kinds convert with the
 * control period `dt_ms` as `d = ceil(ms / dt_ms)`.
 *
 * Latency scale. `scale` (default 1) multiplies the latency before the
 * transforms: millisecond kinds multiply the drawn milliseconds (float32
 * for lognormal, pareto and bursty; each trace entry for empirical) before
 * `ceil(ms / dt_ms)`, step kinds give `ceil(d · scale)`. The draw is
 * otherwise the same (same uniforms), so profiles that differ only in scale
 * stay paired under common random numbers, and a scale of 1 changes nothing.
 * The transforms then act on the scaled delay: a `tail_cap` is a deadline
 * on the real latency, a `drop_spike` threshold is in scaled steps, `hedge`
 * takes the fastest of scaled copies; `cold_start` adds its steps unscaled.
 * The async evaluators' cost-coupled latency (`latencyCostScale` in
 * `src/rtc`) sets it per method.
 *
 * @module
 */

/** Fields shared by every profile config. */
export interface ProfileCommon {
  /** Tail-control transforms, applied in order to each draw. @default [] */
  transforms?: TransformConfig[];
  /** Latency scale (> 0) applied before the transforms (see the module doc). @default 1 */
  scale?: number;
}

/** Always `delay` control steps. */
export interface FixedConfig extends ProfileCommon {
  /** Discriminator. */
  kind: "fixed";
  /** The delay in steps (integer ≥ 0). */
  delay: number;
}

/**
 * The seed's profile: with probability `p_spike` the delay is `d_spike`,
 * otherwise a base delay drawn with `base_probs`.
 */
export interface MixtureConfig extends ProfileCommon {
  /** Discriminator. */
  kind: "mixture";
  /** Base delays in steps (non-empty, integers ≥ 0). */
  base_delays: number[];
  /** Their probabilities (same length, each in [0, 1], sum 1 within 1e-6). */
  base_probs: number[];
  /** Spike probability in [0, 1]. */
  p_spike: number;
  /** Spike delay in steps (integer ≥ 0). */
  d_spike: number;
}

/** A delay drawn from `delays` with probabilities `probs`. */
export interface CategoricalConfig extends ProfileCommon {
  /** Discriminator. */
  kind: "categorical";
  /** Delays in steps (non-empty, integers ≥ 0). */
  delays: number[];
  /** Their probabilities (same length, each in [0, 1], sum 1 within 1e-6). */
  probs: number[];
}

/** Milliseconds `offset_ms + median_ms * exp(sigma * z)`, z standard normal. */
export interface LognormalConfig extends ProfileCommon {
  /** Discriminator. */
  kind: "lognormal";
  /** Control period in ms (> 0). */
  dt_ms: number;
  /** Median of the lognormal part in ms (> 0). */
  median_ms: number;
  /** Log-scale standard deviation (≥ 0). */
  sigma: number;
  /** Constant added in ms (≥ 0). @default 0 */
  offset_ms?: number;
}

/** Milliseconds `offset_ms + scale_ms * u^(-1/alpha)`, u uniform in (0, 1]. */
export interface ParetoConfig extends ProfileCommon {
  /** Discriminator. */
  kind: "pareto";
  /** Control period in ms (> 0). */
  dt_ms: number;
  /** Pareto scale x_m in ms (> 0). */
  scale_ms: number;
  /** Tail index (> 0); smaller is heavier. */
  alpha: number;
  /** Constant added in ms (≥ 0). @default 0 */
  offset_ms?: number;
}

/**
 * A measured latency trace in ms. `iid` resamples it uniformly; `replay`
 * plays it in order, `d(i) = trace[(i + phase) mod n]`, with a per-(seed,
 * stream) random phase (`phase: "random"`) or phase 0 (`"zero"`). The extra
 * copies a transform draws (hedge replicas, drop-spike re-draws) replay the
 * same trace from their own random phases: another point of the trace.
 */
export interface EmpiricalConfig extends ProfileCommon {
  /** Discriminator. */
  kind: "empirical";
  /** Control period in ms (> 0). */
  dt_ms: number;
  /** The trace in ms (non-empty, finite, ≥ 0). `loadProfiles` fills it from `trace_csv`. */
  samples_ms?: number[];
  /** CSV file (relative to the profile file) read by `loadProfiles`. */
  trace_csv?: string;
  /** CSV column holding the ms values. @default "latency_ms" */
  column?: string;
  /** Resampling mode. @default "iid" */
  mode?: "iid" | "replay";
  /** Replay start: random per (seed, stream) or 0. @default "random" */
  phase?: "random" | "zero";
}

/** One state of the bursty profile: lognormal ms with this median and sigma. */
export interface BurstyState {
  /** Median in ms (> 0). */
  median_ms: number;
  /** Log-scale standard deviation (≥ 0). */
  sigma: number;
}

/**
 * Two-state (calm/burst) Markov-modulated lognormal. The state chain starts
 * from its stationary law at counter 0 and moves calm→burst with probability
 * `p_enter`, burst→calm with `p_exit` (requires `p_enter + p_exit` in (0, 1]).
 *
 * Counter-based form: with `r = p_enter + p_exit`, each counter j "refreshes"
 * with probability r (always at j = 0) and then draws a fresh state from the
 * stationary law (burst with probability `p_enter / r`); otherwise it keeps
 * the state of j − 1. This is exactly the Markov chain above, and
 * `sampleAt(seed, stream, i)` finds the state of counter i by looking back
 * to the last refresh at or before i (on average `1 / r` steps; `sample(n)`
 * walks forward in O(1) per draw). With `replicas: "shared"` the extra
 * copies of one counter that a transform draws (hedge replicas, drop-spike
 * re-draws) share its state: a burst is machine-wide and slows every
 * replica. With `"independent"` each copy has its own state chain (a burst
 * is per request: another replica is unaffected); copy 0 is the same in
 * both. With `p_enter + p_exit = 1` the states are iid: a lognormal body
 * with spikes of probability `p_enter`.
 */
export interface BurstyConfig extends ProfileCommon {
  /** Discriminator. */
  kind: "bursty";
  /** Control period in ms (> 0). */
  dt_ms: number;
  /** P(calm → burst) per draw. */
  p_enter: number;
  /** P(burst → calm) per draw. */
  p_exit: number;
  /** Delay law in the calm state. */
  calm: BurstyState;
  /** Delay law in the burst state. */
  burst: BurstyState;
  /** Whether transform copies share the state or draw their own. @default "shared" */
  replicas?: "shared" | "independent";
}

/** Any profile config. */
export type ProfileConfig =
  | FixedConfig
  | MixtureConfig
  | CategoricalConfig
  | LognormalConfig
  | ParetoConfig
  | EmpiricalConfig
  | BurstyConfig;

/** Hard cap: `min(d, cap)`. */
export interface TailCapConfig {
  /** Discriminator. */
  kind: "tail_cap";
  /** The cap in steps (integer ≥ 0). */
  cap: number;
}

/**
 * A draw above `threshold` is a spike; with probability `p` it is replaced by
 * a draw from the base profile conditioned on `d ≤ threshold`. For a mixture
 * with `threshold ≥ max(base_delays)` that is one draw of the base
 * categorical; otherwise up to 8 fresh draws of the untransformed profile are
 * tried, falling back to `threshold`.
 */
export interface DropSpikeConfig {
  /** Discriminator. */
  kind: "drop_spike";
  /** Replacement probability in [0, 1]. */
  p: number;
  /** Spike threshold in steps. @default max(base_delays) for a mixture; required otherwise */
  threshold?: number;
}

/** Issue `k` inferences and keep the fastest: min of `k` independent draws of the stage before. */
export interface HedgeConfig {
  /** Discriminator. */
  kind: "hedge";
  /** Number of draws (integer in [1, 16]). */
  k: number;
}

/** Cold start: adds `extra` steps to the draw at counter 0 of every (seed, stream). */
export interface ColdStartConfig {
  /** Discriminator. */
  kind: "cold_start";
  /** Extra steps (integer ≥ 0). */
  extra: number;
}

/** Any transform config. */
export type TransformConfig =
  | TailCapConfig
  | DropSpikeConfig
  | HedgeConfig
  | ColdStartConfig;

/** A validated profile: deterministic, counter-based delay draws. */
export interface DelayProfile {
  /** The validated config (a normalised copy; JSON-serialisable). */
  readonly config: ProfileConfig;
  /** The profile kind. */
  readonly kind: ProfileConfig["kind"];
  /**
   * Draws `n` delays for counters `start .. start + n - 1`.
   * `sample(n, seed, stream)[i] === sampleAt(seed, stream, i)`.
   */
  sample(n: number, seed: number, stream: number, start?: number): Int32Array;
  /** Writes the draws for counters `start ..` into `out`. */
  sampleInto(
    out: Int32Array,
    seed: number,
    stream: number,
    start?: number,
  ): Int32Array;
  /** One draw: the delay of counter `counter` of `(seed, stream)`. */
  sampleAt(seed: number, stream: number, counter: number): number;
}
