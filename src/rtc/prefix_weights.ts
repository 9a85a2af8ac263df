/**
 * Soft prefix weights of inference-time RTC (upstream `get_prefix_weights`).
 *
 * @module
 */

/** How the guidance weight decays from the frozen prefix to the free tail. */
export type PrefixSchedule = "exp" | "linear" | "ones" | "zeros";

/** The schedules {@linkcode prefixWeights} accepts. */
export const PREFIX_SCHEDULES: readonly PrefixSchedule[] = [
  "exp",
  "linear",
  "ones",
  "zeros",
];

/**
 * Per-position guidance weights over a chunk of `total` actions: 1 on the
 * frozen prefix `i < start`, decaying to 0 by `end` (exclusive), 0 from
 * `end` on. Exactly upstream `get_prefix_weights`:
 * `start = min(start, end)`; `ones`: 1; `zeros`: `i < start`; `linear`/`exp`:
 * `w_i = clip((start − 1 − i)/(end − start + 1) + 1, 0, 1)`, and for `exp`
 * `w_i = w_i·expm1(w_i)/(e − 1)`; finally `w_i = 0` for `i ≥ end`.
 * Computed in float64 and stored as float32.
 *
 * The four-argument signature is the agreed cross-module contract (it
 * mirrors upstream), hence more than the usual two arguments.
 *
 * @param start First position allowed to change (the inference delay d).
 * @param end Exclusive end of the guided window (`H − s`).
 * @param total Chunk length H.
 * @param schedule Decay shape.
 * @param out Optional destination of length `total`.
 * @returns The weights, length `total`.
 * @throws {RangeError} If `total` is not a positive integer, `start`/`end`
 *   are not integers, or the schedule is unknown.
 *
 * @example The example of `docs/SEMANTICS.md` §3
 * ```ts
 * import { prefixWeights } from "./prefix_weights.ts";
 * import assert from "node:assert/strict";
 * const w = prefixWeights(2, 6, 10, "linear");
 * assert.deepEqual([...w], [1, 1, 0.8, 0.6, 0.4, 0.2, 0, 0, 0, 0].map(Math.fround));
 * ```
 */
export function prefixWeights(
  start: number,
  end: number,
  total: number,
  schedule: PrefixSchedule,
  out?: Float32Array,
): Float32Array {
  if (!Number.isInteger(total) || total < 1) {
    throw new RangeError(
      `Cannot compute prefix weights as total must be a positive integer: current value is ${total}`,
    );
  }
  if (!Number.isInteger(start)) {
    throw new RangeError(
      `Cannot compute prefix weights as start must be an integer: current value is ${start}`,
    );
  }
  if (!Number.isInteger(end)) {
    throw new RangeError(
      `Cannot compute prefix weights as end must be an integer: current value is ${end}`,
    );
  }
  if (!PREFIX_SCHEDULES.includes(schedule)) {
    throw new RangeError(
      `Cannot compute prefix weights as schedule must be one of ${
        PREFIX_SCHEDULES.join(", ")
      }: current value is "${schedule}"`,
    );
  }
  out ??= new Float32Array(total);
  if (out.length !== total) {
    throw new RangeError(
      `Cannot compute prefix weights as out must have length total=${total}: current length is ${out.length}`,
    );
  }
  const s = Math.min(start, end);
  for (let i = 0; i < total; i++) {
    let w: number;
    if (schedule === "ones") w = 1;
    else if (schedule === "zeros") w = i < s ? 1 : 0;
    else {
      w = Math.min(1, Math.max(0, (s - 1 - i) / (end - s + 1) + 1));
      if (schedule === "exp") w = w * Math.expm1(w) / (Math.E - 1);
    }
    out[i] = i >= end ? 0 : w;
  }
  return out;
}
