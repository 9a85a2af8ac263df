/**
 * {@linkcode maxDelay}: the largest delay a resolved profile can draw.
 *
 * @module
 */
import { type Finite, ONE, PLANS } from "./_plan.ts";
import type { DelayProfile } from "./types.ts";

function finiteMax(law: Finite): number {
  let m = -Infinity;
  let below = 0;
  for (let k = 0; k < law.values.length; k++) {
    const t = law.thresholds[k]!;
    if (t > below && law.values[k]! > m) m = law.values[k]!; // drawn with p > 0
    below = Math.max(below, t);
  }
  return m;
}

/**
 * The largest delay a profile from `resolveProfile` can draw, transforms
 * included (values with probability 0 do not count): a step count, or
 * `Infinity` for the millisecond kinds `lognormal`, `pareto` and `bursty`
 * without a cap. Undefined for a delay source not made by `resolveProfile`.
 *
 * @param profile The profile.
 * @returns The bound, or undefined when unknown.
 *
 * @example
 * ```ts
 * import { maxDelay } from "./max_delay.ts";
 * import { resolveProfile } from "./resolve.ts";
 * import { SEED_PROFILES } from "./presets.ts";
 * import assert from "node:assert/strict";
 * assert.equal(maxDelay(resolveProfile(SEED_PROFILES.long_tail)), 4);
 * assert.equal(maxDelay(resolveProfile(SEED_PROFILES.tail_controlled)), 2);
 * assert.equal(maxDelay(resolveProfile({ kind: "lognormal", dt_ms: 20, median_ms: 40, sigma: 1 })), Infinity);
 * assert.equal(maxDelay({ sampleAt: () => 3 }), undefined);
 * ```
 */
export function maxDelay(
  profile: Pick<DelayProfile, "sampleAt">,
): number | undefined {
  const plan = PLANS.get(profile);
  if (!plan) return undefined;
  const b = plan.base;
  let m: number;
  switch (b.type) {
    case "finite":
      m = finiteMax(b);
      break;
    case "replay":
      m = b.steps.reduce((a, x) => Math.max(a, x), -Infinity);
      break;
    default:
      m = Infinity;
  }
  for (const s of plan.stages) {
    if (s.kind === "tail_cap") m = Math.min(m, s.cap);
    else if (s.kind === "cold_start") m += s.extra;
    else if (s.kind === "drop_spike" && s.pT >= ONE) {
      m = Math.min(m, s.threshold); // every draw above the threshold is replaced
    }
  }
  return m;
}
