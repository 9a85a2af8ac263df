/**
 * Defaults of the Step D command (the seed's matrix); the tail_v2 preset
 * overrides some.
 *
 * @module
 */
import { DEFAULT_TASK } from "../envs/registry.ts";
import type { LatencyCostModel } from "../experiment/matrix_method.ts";

/**
 * Defaults of the Step D command (the seed's matrix).
 *
 * @example
 * ```ts
 * import type { StepDDefaults } from "./stepd_defaults.ts";
 * import { STEPD_DEFAULTS } from "./stepd_defaults.ts";
 * const v2: StepDDefaults = { ...STEPD_DEFAULTS, evaluator: "async", out: "exp_runs/tail_v2" };
 * ```
 */
export interface StepDDefaults {
  /** Task name. */
  task: string;
  /** Profile names (presets) or a JSON file of profiles. */
  profiles: string;
  /** Method names. */
  methods: string;
  /** Seeds (`0-4`). */
  seeds: string;
  /** Rollouts per run. */
  rollouts: number;
  /** Execute horizon (scan) or s_min (async). */
  executeHorizon: number;
  /** Evaluator. */
  evaluator: "scan" | "async";
  /** Output root. */
  out: string;
  /** Async forecaster. */
  forecaster: string;
  /** Latency cost model of cost-coupled latency (`none` or `flops`). @default "none" */
  latencyCost?: LatencyCostModel;
}

/**
 * The seed's matrix: long_tail + tail_controlled × naive + realtime × seeds 0-4, 256 rollouts, s = 1, scan.
 *
 * @example
 * ```ts
 * import { STEPD_DEFAULTS } from "./stepd_defaults.ts";
 * import assert from "node:assert/strict";
 * assert.equal(STEPD_DEFAULTS.rollouts, 256);
 * assert.equal(STEPD_DEFAULTS.profiles, "long_tail,tail_controlled");
 * ```
 */
export const STEPD_DEFAULTS: Readonly<StepDDefaults> = Object.freeze({
  task: DEFAULT_TASK,
  profiles: "long_tail,tail_controlled",
  methods: "naive,realtime",
  seeds: "0-4",
  rollouts: 256,
  executeHorizon: 1,
  evaluator: "scan",
  out: "exp_runs/tail_v1",
  forecaster: "buffer_max:10",
});
