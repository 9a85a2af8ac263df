/**
 * Delay forecasters for asynchronous execution (`docs/SEMANTICS.md` §7): the
 * controller calls `predict(trueDelay)` when an inference starts (only the
 * oracle uses the true delay) and `observe(delay)` when it lands.
 *
 * @module
 */

import { checkNum, expectObject, fieldError, num } from "./_validate.ts";
import { percentile } from "./stats.ts";

/** A delay forecaster (CPU, one per environment). */
export interface Forecaster {
  /** The forecaster kind. */
  readonly kind: "oracle" | "buffer_max" | "quantile";
  /** Records a measured delay (integer ≥ 0). */
  observe(delay: number): void;
  /** The forecast `d̂` in steps; `trueDelay` is required by the oracle only. */
  predict(trueDelay?: number): number;
  /** Forgets every observation (back to the initial state). */
  reset(): void;
}

/** JSON config of a forecaster, for {@linkcode resolveForecaster}. */
export type ForecasterConfig =
  | { kind: "oracle" }
  | { kind: "buffer_max"; size: number; initial?: number }
  | { kind: "quantile"; q: number; window: number; initial?: number };

const DELAY = { min: 0, integer: true };

function checkDelay(delay: unknown, field: string): number {
  return checkNum(delay, DELAY, "forecast", field);
}

/** Ring buffer of the last `size` values. */
class Ring {
  readonly data: Float64Array;
  count = 0;
  next = 0;
  constructor(size: number) {
    this.data = new Float64Array(size);
  }
  push(x: number): void {
    this.data[this.next] = x;
    this.next = (this.next + 1) % this.data.length;
    this.count = Math.min(this.count + 1, this.data.length);
  }
  clear(): void {
    this.count = 0;
    this.next = 0;
  }
  values(): Float64Array {
    return this.count === this.data.length
      ? this.data
      : this.data.subarray(0, this.count);
  }
}

/**
 * The oracle: predicts the true delay of the inference being started.
 *
 * @returns The forecaster.
 *
 * @example
 * ```ts
 * import { oracle } from "./forecast.ts";
 * import assert from "node:assert/strict";
 * assert.equal(oracle().predict(3), 3);
 * ```
 */
export function oracle(): Forecaster {
  return {
    kind: "oracle",
    observe(delay) {
      checkDelay(delay, "delay");
    },
    predict(trueDelay) {
      if (trueDelay === undefined) {
        throw new TypeError(
          "Cannot forecast with the oracle as trueDelay must be given: current value is undefined",
        );
      }
      return checkDelay(trueDelay, "trueDelay");
    },
    reset() {},
  };
}

/**
 * RTC Algorithm 1: the maximum of the last `size` observed delays. As in the
 * paper the queue starts as `[initial]`, so the initial value is forgotten
 * after `size` observations, like any other (one cold-start delay cannot
 * inflate the forecast forever).
 *
 * @param size Buffer size b (integer ≥ 1).
 * @param options `initial`: the queue's first entry. @default {initial: 0}
 * @returns The forecaster.
 *
 * @example
 * ```ts
 * import { bufferMax } from "./forecast.ts";
 * import assert from "node:assert/strict";
 * const f = bufferMax(2);
 * for (const d of [5, 1, 1]) f.observe(d);
 * assert.equal(f.predict(), 1); // the 5 was forgotten
 * ```
 */
export function bufferMax(
  size: number,
  options: { initial?: number } = {},
): Forecaster {
  checkNum(size, { min: 1, integer: true }, "buffer_max forecaster", "size");
  const initial = checkNum(
    options.initial ?? 0,
    DELAY,
    "buffer_max forecaster",
    "initial",
  );
  const ring = new Ring(size);
  ring.push(initial);
  return {
    kind: "buffer_max",
    observe(delay) {
      ring.push(checkDelay(delay, "delay"));
    },
    predict() {
      let m = -Infinity;
      for (const x of ring.values()) if (x > m) m = x;
      return m;
    },
    reset() {
      ring.clear();
      ring.push(initial);
    },
  };
}

/**
 * The q-quantile of the last `window` observed delays (numpy linear
 * interpolation, rounded up to whole steps); 0 before the first observation
 * (use {@linkcode resolveForecaster} with `initial` to change it).
 *
 * @param q Quantile in [0, 1].
 * @param window Number of recent observations kept (integer ≥ 1).
 * @returns The forecaster.
 *
 * @example
 * ```ts
 * import { quantile } from "./forecast.ts";
 * import assert from "node:assert/strict";
 * const f = quantile(0.5, 4);
 * for (const d of [0, 1, 2, 9]) f.observe(d);
 * assert.equal(f.predict(), 2); // ceil(1.5)
 * ```
 */
export function quantile(q: number, window: number): Forecaster {
  return makeQuantile(q, window, 0);
}

function makeQuantile(q: number, window: number, initial: number): Forecaster {
  const what = "quantile forecaster";
  checkNum(q, { min: 0, max: 1 }, what, "q");
  checkNum(window, { min: 1, integer: true }, what, "window");
  checkNum(initial, DELAY, what, "initial");
  const ring = new Ring(window);
  return {
    kind: "quantile",
    observe(delay) {
      ring.push(checkDelay(delay, "delay"));
    },
    predict() {
      if (ring.count === 0) return initial;
      return Math.ceil(percentile(ring.values(), q * 100));
    },
    reset() {
      ring.clear();
    },
  };
}

/**
 * Builds a forecaster from its JSON config.
 *
 * @param config `{kind: "oracle"}`, `{kind: "buffer_max", size, initial?}` or
 *   `{kind: "quantile", q, window, initial?}`.
 * @returns A fresh forecaster.
 * @throws {TypeError} For a wrong shape; {RangeError} for an unknown kind or bad value.
 *
 * @example
 * ```ts
 * import { resolveForecaster } from "./forecast.ts";
 * import assert from "node:assert/strict";
 * const f = resolveForecaster({ kind: "buffer_max", size: 10 });
 * f.observe(2);
 * assert.equal(f.predict(), 2);
 * ```
 */
export function resolveForecaster(config: ForecasterConfig): Forecaster {
  const what = "forecaster";
  const c = expectObject(config, what, "config");
  const pre = "";
  switch (c.kind) {
    case "oracle":
      return oracle();
    case "buffer_max":
      return bufferMax(num(c, "size", { min: 1, integer: true }, what, pre), {
        initial: num(c, "initial", DELAY, what, pre, 0),
      });
    case "quantile":
      return makeQuantile(
        num(c, "q", { min: 0, max: 1 }, what, pre),
        num(c, "window", { min: 1, integer: true }, what, pre),
        num(c, "initial", DELAY, what, pre, 0),
      );
    default:
      throw fieldError(
        typeof c.kind === "string" ? RangeError : TypeError,
        what,
        "kind",
        "one of oracle, buffer_max, quantile",
        c.kind,
      );
  }
}
