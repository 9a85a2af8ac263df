/**
 * Inference-method configuration: which sampler {@linkcode sampleChunk}
 * runs and its knobs, with defaults and validation.
 *
 * @module
 */

import type { PolicyNet } from "../policy/net.ts";
import { PREFIX_SCHEDULES, type PrefixSchedule } from "./prefix_weights.ts";

/** The inference methods. */
export type MethodName =
  | "naive"
  | "realtime"
  | "hard_masking"
  | "bid"
  | "training_time"
  | "temporal_ensembling";

/** Every {@linkcode MethodName}, in a stable order. */
export const METHOD_NAMES: readonly MethodName[] = [
  "naive",
  "realtime",
  "hard_masking",
  "bid",
  "training_time",
  "temporal_ensembling",
];

/** A resolved inference-method configuration. */
export interface MethodConfig {
  /** The sampler. @default "naive" */
  readonly method: MethodName;
  /** Euler steps n of the flow (dt = 1/n). @default 5 */
  readonly numFlowSteps: number;
  /**
   * Prefix-weight schedule of `realtime` guidance (`hard_masking` always uses
   * `zeros`; BID's backward loss always uses `exp`). @default "exp"
   */
  readonly schedule: PrefixSchedule;
  /** β, the maximum guidance weight of `realtime` / `hard_masking`. @default 5 */
  readonly maxGuidanceWeight: number;
  /** N, the number of candidate samples of `bid`. @default 16 */
  readonly bidSamples: number;
  /** k of BID's forward contrast (top-k of strong and weak samples), or null for backward loss only. @default null */
  readonly bidK: number | null;
  /** The weak policy of BID's forward contrast (set together with `bidK`). @default null */
  readonly bidWeakPolicy: PolicyNet | null;
  /**
   * ACT temporal-ensembling decay m: the prediction made i steps after the
   * oldest one still covering the step gets weight `exp(−m·i)`. @default 0.01
   */
  readonly temporalDecay: number;
}

/**
 * Defaults: naive sampling, 5 flow steps, `exp` schedule, β = 5, N = 16,
 * no BID forward contrast, ACT decay 0.01.
 *
 * @example
 * ```ts
 * import { DEFAULT_METHOD_CONFIG } from "./method_config.ts";
 * import assert from "node:assert/strict";
 * assert.equal(DEFAULT_METHOD_CONFIG.numFlowSteps, 5);
 * ```
 */
export const DEFAULT_METHOD_CONFIG: MethodConfig = Object.freeze({
  method: "naive",
  numFlowSteps: 5,
  schedule: "exp",
  maxGuidanceWeight: 5,
  bidSamples: 16,
  bidK: null,
  bidWeakPolicy: null,
  temporalDecay: 0.01,
});

function fail(field: string, rule: string, value: unknown): never {
  throw new RangeError(
    `Cannot resolve method config as ${field} must be ${rule}: current value is ${
      typeof value === "string" ? `"${value}"` : value
    }`,
  );
}

/**
 * Merges a partial config over {@linkcode DEFAULT_METHOD_CONFIG} and
 * validates it. `hard_masking` resolves to schedule `zeros` (giving it another
 * schedule is an error); `bidK` and `bidWeakPolicy` must be set together, with
 * `bidK` in [1, bidSamples].
 *
 * @param partial Fields to override.
 * @returns The resolved, frozen config.
 * @throws {RangeError} If a field is invalid (the message names it and its value).
 *
 * @example
 * ```ts
 * import { resolveMethodConfig } from "./method_config.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resolveMethodConfig({ method: "hard_masking" }).schedule, "zeros");
 * assert.throws(() => resolveMethodConfig({ numFlowSteps: 0 }), RangeError);
 * ```
 */
export function resolveMethodConfig(
  partial: Partial<MethodConfig> = {},
): MethodConfig {
  const m = { ...DEFAULT_METHOD_CONFIG, ...partial };
  if (!METHOD_NAMES.includes(m.method)) {
    fail("method", `one of ${METHOD_NAMES.join(", ")}`, m.method);
  }
  if (!Number.isInteger(m.numFlowSteps) || m.numFlowSteps < 1) {
    fail("numFlowSteps", "a positive integer", m.numFlowSteps);
  }
  if (!PREFIX_SCHEDULES.includes(m.schedule)) {
    fail("schedule", `one of ${PREFIX_SCHEDULES.join(", ")}`, m.schedule);
  }
  let schedule = m.schedule;
  if (m.method === "hard_masking") {
    if (partial.schedule !== undefined && partial.schedule !== "zeros") {
      fail('schedule (method "hard_masking")', '"zeros"', partial.schedule);
    }
    schedule = "zeros";
  }
  if (!(m.maxGuidanceWeight > 0) || !Number.isFinite(m.maxGuidanceWeight)) {
    fail("maxGuidanceWeight", "a finite positive number", m.maxGuidanceWeight);
  }
  if (!Number.isInteger(m.bidSamples) || m.bidSamples < 1) {
    fail("bidSamples", "a positive integer", m.bidSamples);
  }
  if ((m.bidK === null) !== (m.bidWeakPolicy === null)) {
    fail(
      "bidK",
      "set together with bidWeakPolicy (both or neither)",
      m.bidK,
    );
  }
  if (
    m.bidK !== null &&
    (!Number.isInteger(m.bidK) || m.bidK < 1 || m.bidK > m.bidSamples)
  ) {
    fail(
      "bidK",
      `null or an integer in [1, bidSamples=${m.bidSamples}]`,
      m.bidK,
    );
  }
  if (!(m.temporalDecay >= 0) || !Number.isFinite(m.temporalDecay)) {
    fail("temporalDecay", "a finite number >= 0", m.temporalDecay);
  }
  return Object.freeze({
    method: m.method,
    numFlowSteps: m.numFlowSteps,
    schedule,
    maxGuidanceWeight: m.maxGuidanceWeight,
    bidSamples: m.bidSamples,
    bidK: m.bidK,
    bidWeakPolicy: m.bidWeakPolicy,
    temporalDecay: m.temporalDecay,
  });
}
