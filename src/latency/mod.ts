/**
 * Latency module: delay profiles in control steps (fixed, mixture,
 * categorical) and in milliseconds (lognormal, pareto, empirical trace,
 * bursty Markov-modulated), composable tail-control transforms (tail cap,
 * spike dropping, hedging, cold start), deterministic counter-based sampling
 * on CPU and in WGSL, delay forecasters and delay statistics.
 *
 * @example
 * ```ts
 * import { pViolate, resolveProfile, SEED_PROFILES } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const d = resolveProfile(SEED_PROFILES.tail_controlled).sample(10_000, 0, 0);
 * assert.equal(pViolate(d, { horizon: 4, executeHorizon: 1 }), 0);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./resolve.ts";
export * from "./max_delay.ts";
export * from "./transforms.ts";
export * from "./presets.ts";
export * from "./stats.ts";
export * from "./forecast.ts";
export * from "./load.ts";
export * from "./scale.ts";
