/**
 * {@linkcode SEED_PROFILES}: the seed experiment's delay profiles.
 *
 * @module
 */

import type { MixtureConfig } from "./types.ts";

/**
 * The seed's profiles: `long_tail` = mixture(base_delays [0, 1], base_probs
 * [0.8, 0.2], p_spike 0.05, d_spike 4); `tail_controlled` = `long_tail` with
 * `tail_cap` 2. Frozen; pass them to `resolveProfile`.
 *
 * @example
 * ```ts
 * import { SEED_PROFILES } from "./presets.ts";
 * import { resolveProfile } from "./resolve.ts";
 * import assert from "node:assert/strict";
 * const capped = resolveProfile(SEED_PROFILES.tail_controlled);
 * assert.ok(capped.sample(1000, 0, 0).every((d) => d <= 2));
 * ```
 */
export const SEED_PROFILES: Readonly<{
  long_tail: Readonly<MixtureConfig>;
  tail_controlled: Readonly<MixtureConfig>;
}> = deepFreeze({
  long_tail: {
    kind: "mixture",
    base_delays: [0, 1],
    base_probs: [0.8, 0.2],
    p_spike: 0.05,
    d_spike: 4,
  },
  tail_controlled: {
    kind: "mixture",
    base_delays: [0, 1],
    base_probs: [0.8, 0.2],
    p_spike: 0.05,
    d_spike: 4,
    transforms: [{ kind: "tail_cap", cap: 2 }],
  },
});

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
