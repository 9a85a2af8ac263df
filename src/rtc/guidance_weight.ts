/**
 * The guidance weight of inference-time RTC (ΠGDM, upstream `realtime_action`).
 *
 * @module
 */

/**
 * The ΠGDM guidance weight of inference-time RTC at flow time t:
 * `min(c·inv_r2, β)` with `inv_r2 = (t² + (1−t)²)/(1−t)²` and
 * `c = (1−t)/t` (β at t = 0).
 *
 * @param t Flow time in [0, 1).
 * @param maxGuidanceWeight β.
 * @returns The weight.
 *
 * @example
 * ```ts
 * import { guidanceWeight } from "./guidance_weight.ts";
 * import assert from "node:assert/strict";
 * assert.equal(guidanceWeight(0, 5), 5);
 * assert.ok(Math.abs(guidanceWeight(0.2, 5) - 4.25) < 1e-12);
 * ```
 */
export function guidanceWeight(t: number, maxGuidanceWeight: number): number {
  const invR2 = (t * t + (1 - t) * (1 - t)) / ((1 - t) * (1 - t));
  const c = t === 0 ? maxGuidanceWeight : (1 - t) / t;
  return Math.min(c * invR2, maxGuidanceWeight);
}
