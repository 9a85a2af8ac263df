/**
 * {@linkcode scaleProfile}: the same delay profile with its latency scaled
 * (the profile-level `scale` of `types.ts`), e.g. by a method's compute
 * cost relative to naive.
 *
 * @module
 */
import { checkNum } from "./_validate.ts";
import { resolveProfile } from "./resolve.ts";
import type { DelayProfile, ProfileConfig } from "./types.ts";

/**
 * Returns the profile with its latency multiplied by `factor`: its config's
 * `scale` (default 1) times `factor`, resolved. The draws use the same
 * uniforms as the original (common random numbers); the transforms act on
 * the scaled delay. A factor of 1 returns a resolved profile whose draws
 * equal the original's.
 *
 * @param profile A resolved profile or a config.
 * @param factor The latency factor (finite, > 0).
 * @returns The scaled, resolved profile.
 * @throws {RangeError} If `factor` is not a finite number > 0, or the
 *   scaled config is invalid.
 *
 * @example
 * ```ts
 * import { scaleProfile } from "./scale.ts";
 * import { resolveProfile } from "./resolve.ts";
 * import assert from "node:assert/strict";
 * const base = resolveProfile({ kind: "mixture", base_delays: [1, 2], base_probs: [0.5, 0.5], p_spike: 0.1, d_spike: 6 });
 * const slow = scaleProfile(base, 1.5); // each delay d becomes ceil(1.5 d)
 * for (let i = 0; i < 100; i++) {
 *   assert.equal(slow.sampleAt(0, 0, i), Math.ceil(1.5 * base.sampleAt(0, 0, i)));
 * }
 * assert.equal(slow.config.scale, 1.5);
 * assert.throws(() => scaleProfile(base, 0), RangeError);
 * ```
 */
export function scaleProfile(
  profile: DelayProfile | ProfileConfig,
  factor: number,
): DelayProfile {
  checkNum(factor, { gt: 0 }, "scaled profile", "factor");
  const config = "sampleAt" in profile ? profile.config : profile;
  const scale = (config.scale ?? 1) * factor;
  const scaled = structuredClone(config);
  if (scale === 1) delete scaled.scale;
  else scaled.scale = scale;
  return resolveProfile(scaled);
}
