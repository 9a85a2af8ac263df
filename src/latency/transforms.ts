/**
 * Constructors of tail-control transform configs and
 * {@linkcode withTransforms} to append them to a profile config. Transforms
 * apply in order; each stage sees the output of the one before.
 *
 * @module
 */

import type {
  ColdStartConfig,
  DropSpikeConfig,
  HedgeConfig,
  ProfileConfig,
  TailCapConfig,
  TransformConfig,
} from "./types.ts";

/**
 * Hard tail cap: `min(d, cap)`.
 *
 * @param cap The cap in steps (integer ≥ 0; checked by `resolveProfile`).
 * @returns The transform config.
 *
 * @example
 * ```ts
 * import { tailCap } from "./transforms.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(tailCap(2), { kind: "tail_cap", cap: 2 });
 * ```
 */
export function tailCap(cap: number): TailCapConfig {
  return { kind: "tail_cap", cap };
}

/**
 * Drops spikes: a draw above `threshold` is replaced, with probability `p`,
 * by a draw of the base profile at or below the threshold (see
 * {@linkcode DropSpikeConfig}).
 *
 * @param p Replacement probability in [0, 1].
 * @param options `threshold` in steps (default for a mixture: `max(base_delays)`).
 * @returns The transform config.
 *
 * @example
 * ```ts
 * import { dropSpike } from "./transforms.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(dropSpike(0.5), { kind: "drop_spike", p: 0.5 });
 * assert.deepEqual(dropSpike(1, { threshold: 3 }), { kind: "drop_spike", p: 1, threshold: 3 });
 * ```
 */
export function dropSpike(
  p: number,
  options: { threshold?: number } = {},
): DropSpikeConfig {
  return options.threshold === undefined
    ? { kind: "drop_spike", p }
    : { kind: "drop_spike", p, threshold: options.threshold };
}

/**
 * Hedging: issue `k` inferences and keep the fastest (min of `k` draws).
 *
 * @param k Number of draws (integer in [1, 16]).
 * @returns The transform config.
 *
 * @example
 * ```ts
 * import { hedge } from "./transforms.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(hedge(2), { kind: "hedge", k: 2 });
 * ```
 */
export function hedge(k: number): HedgeConfig {
  return { kind: "hedge", k };
}

/**
 * Cold start: adds `extra` steps to the first draw (counter 0) of each
 * (seed, stream).
 *
 * @param extra Extra steps (integer ≥ 0).
 * @returns The transform config.
 *
 * @example
 * ```ts
 * import { coldStart } from "./transforms.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(coldStart(6), { kind: "cold_start", extra: 6 });
 * ```
 */
export function coldStart(extra: number): ColdStartConfig {
  return { kind: "cold_start", extra };
}

/**
 * Returns a copy of `config` with `transforms` appended to its transform list.
 *
 * @param config A profile config.
 * @param transforms Transforms to append, in order.
 * @returns The new config (the input is not modified).
 *
 * @example
 * ```ts
 * import { tailCap, withTransforms } from "./transforms.ts";
 * import assert from "node:assert/strict";
 * const c = withTransforms({ kind: "fixed", delay: 5 }, [tailCap(3)]);
 * assert.deepEqual(c, { kind: "fixed", delay: 5, transforms: [{ kind: "tail_cap", cap: 3 }] });
 * ```
 */
export function withTransforms<T extends ProfileConfig>(
  config: T,
  transforms: readonly TransformConfig[],
): T {
  const copy = structuredClone(config);
  copy.transforms = [...(config.transforms ?? []), ...transforms];
  return copy;
}
