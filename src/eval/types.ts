/**
 * Interfaces the evaluators consume: the request and result types of
 * `src/rtc` (re-exported), and structural subsets of the `src/latency`
 * contracts (`DelayProfile`, forecasters), so those implementations or test
 * fakes plug in.
 *
 * Buffer layouts: `obs` is `[B, O]`, chunks are `[B, H, A]`, row-major.
 *
 * @module
 */

export type { ChunkRequest, ChunkResult } from "../rtc/sample.ts";
import type { ChunkRequest, ChunkResult } from "../rtc/sample.ts";

/**
 * Computes chunks: `(req) => sampleChunk(net, req, method)` for a real
 * policy, or any fake with the same shape in tests.
 *
 * @example
 * ```ts
 * import type { ChunkSampler } from "./types.ts";
 * const H = 4, A = 2;
 * const zeros: ChunkSampler = (req) =>
 *   Promise.resolve({ chunk: new Float32Array(req.batch * H * A) });
 * ```
 */
export type ChunkSampler = (request: ChunkRequest) => Promise<ChunkResult>;

/**
 * A source of integer delays in control steps (the part of the `src/latency`
 * `DelayProfile` contract the evaluators use).
 *
 * @example
 * ```ts
 * import type { DelaySource } from "./types.ts";
 * const fixed2: DelaySource = { sampleAt: () => 2 };
 * ```
 */
export interface DelaySource {
  /** One draw, a pure function of `(seed, stream, counter)`. */
  sampleAt(seed: number, stream: number, counter: number): number;
}

/**
 * A per-environment delay forecaster (observe the delays that landed,
 * predict the next one).
 *
 * @example
 * ```ts
 * import type { DelayForecaster } from "./types.ts";
 * let last = 0;
 * const f: DelayForecaster = { observe: (d) => { last = d; }, predict: () => last };
 * ```
 */
export interface DelayForecaster {
  /** Records a delay that was observed (an inference that landed). */
  observe(delay: number): void;
  /** Predicts the delay of the next inference (an oracle reads `trueDelay`). */
  predict(trueDelay?: number): number;
}
