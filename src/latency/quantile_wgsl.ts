/**
 * WGSL twin of the `quantile` forecaster (`forecast.ts`): the forecast
 * `ceil(percentile(ring, 100·q))` of the last `window` observed delays,
 * bit-identical to the CPU's float64 arithmetic, for the GPU-fused async
 * evaluator (`src/eval/async_gpu.ts`).
 *
 * The CPU computes, with n values in the ring sorted: `virtual = (n − 1)·
 * (100q / 100)`, `prev = min(floor(virtual), n − 1)`, `next = min(prev + 1,
 * n − 1)`, `t = virtual − prev`, `a = sorted[prev]`, `b = sorted[next]`,
 * `diff = b − a`, then `ceil(a + diff·t)` (t < 0.5) or `ceil(b − diff·(1 −
 * t))`, in float64. Everything that depends on n and `diff` only is
 * computed on the host ({@linkcode quantileTable}); the kernel finds `a`
 * and `b` as exact order statistics of the integer ring and finishes in
 * integers: with `p` the float64 product and `f = p − floor(p)`, `fl(m + f)`
 * (m = a + floor(p)) exceeds m iff `f > 2^(e−53)`, e = floor(log2 m) (half
 * an ulp of m, ties to the even m); `fl(m − f)` (m = b − floor(p)) falls to
 * m − 1 iff `1 − f ≤ 2^(e−53)`, e = floor(log2(m − 1)). The table stores
 * the smallest such exponent.
 *
 * Table layout (f32, exact small integers): `[W, 2]` (prev, next) for n =
 * 1..W, then `[W, D + 1, 2]` (floor(p), code) for n = 1..W and diff =
 * 0..D, with `code = 256·upper + (lim + 1)`: `upper` the `t ≥ 0.5` branch,
 * `lim` the exponent threshold (−1: never round).
 *
 * @module
 */

/** Sizes of a quantile table: ring size W (= window) and largest delay D. */
export interface QuantileTableDims {
  /** Quantile q in [0, 1]. */
  q: number;
  /** Window W (ring size, integer ≥ 1). */
  window: number;
  /** Largest delay D the ring can hold (integer ≥ 0). */
  maxDelay: number;
}

function check(dims: QuantileTableDims): void {
  const what = "Cannot build quantile table as";
  if (!(dims.q >= 0 && dims.q <= 1)) {
    throw new RangeError(
      `${what} q must be in [0, 1]: current value is ${dims.q}`,
    );
  }
  for (
    const [f, v, min] of [["window", dims.window, 1], [
      "maxDelay",
      dims.maxDelay,
      0,
    ]] as const
  ) {
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(
        `${what} ${f} must be an integer >= ${min}: current value is ${v}`,
      );
    }
  }
}

/** Smallest e ≥ 0 with x ≤ 2^(e − 53) (x in (0, 1)). */
function threshold(x: number): number {
  let e = 0;
  while (x > 2 ** (e - 53)) e++;
  return e;
}

/**
 * Builds the host part of the quantile forecast (see the module doc for
 * the layout).
 *
 * @param dims q, window W and largest delay D.
 * @returns The table, `2W + 2W(D + 1)` float32 values.
 * @throws {RangeError} If q is outside [0, 1] or a size is invalid.
 *
 * @example
 * ```ts
 * import { quantileTable } from "./quantile_wgsl.ts";
 * import assert from "node:assert/strict";
 * const t = quantileTable({ q: 0.5, window: 2, maxDelay: 3 });
 * assert.deepEqual([...t.subarray(0, 4)], [0, 0, 0, 1]); // n = 1: 0, 0; n = 2: 0, 1
 * assert.equal(t.length, 4 + 2 * 2 * 4);
 * ```
 */
export function quantileTable(dims: QuantileTableDims): Float32Array {
  check(dims);
  const { q, window: W, maxDelay: D } = dims;
  const out = new Float32Array(2 * W + 2 * W * (D + 1));
  for (let n = 1; n <= W; n++) {
    // AS percentileSorted IN stats.ts, WITH THE FORECASTER'S 100q
    const virtual = (n - 1) * ((q * 100) / 100);
    const prev = Math.min(Math.floor(virtual), n - 1);
    const next = Math.min(prev + 1, n - 1);
    const t = virtual - prev;
    out[2 * (n - 1)] = prev;
    out[2 * (n - 1) + 1] = next;
    const upper = t >= 0.5;
    for (let diff = 0; diff <= D; diff++) {
      const p = upper ? diff * (1 - t) : diff * t;
      const fp = Math.floor(p);
      const f = p - fp;
      let lim = -1;
      if (f > 0) lim = upper ? threshold(1 - f) : threshold(f);
      else if (upper) lim = 127;
      const at = 2 * W + 2 * ((n - 1) * (D + 1) + diff);
      out[at] = fp;
      out[at + 1] = (upper ? 256 : 0) + lim + 1;
    }
  }
  return out;
}

/** floor(log2 x) for an integer x ≥ 1, −1 for x ≤ 0 (WGSL `firstLeadingBit` of i32 ≥ 0). */
function log2Floor(x: number): number {
  return x <= 0 ? -1 : 31 - Math.clz32(x);
}

/**
 * The forecast from a table and the ring's values, in the kernel's
 * integer arithmetic (the TypeScript mirror of `quantile_forecast`).
 *
 * @param table From {@linkcode quantileTable}.
 * @param dims The table's window W and largest delay D.
 * @param values The ring's n values (0 < n ≤ W, integers in [0, D]).
 * @returns `ceil(percentile(values, 100q))` as the CPU forecaster computes it.
 *
 * @example
 * ```ts
 * import { quantileFromTable, quantileTable } from "./quantile_wgsl.ts";
 * import assert from "node:assert/strict";
 * const dims = { q: 0.5, window: 4, maxDelay: 9 };
 * assert.equal(quantileFromTable(quantileTable(dims), dims, [0, 1, 2, 9]), 2);
 * ```
 */
export function quantileFromTable(
  table: Float32Array,
  dims: Pick<QuantileTableDims, "window" | "maxDelay">,
  values: ArrayLike<number>,
): number {
  const { window: W, maxDelay: D } = dims;
  const n = values.length;
  const sorted = Array.from(values).sort((x, y) => x - y);
  const a = sorted[table[2 * (n - 1)]!]!;
  const b = sorted[table[2 * (n - 1) + 1]!]!;
  const at = 2 * W + 2 * ((n - 1) * (D + 1) + (b - a));
  const fp = table[at]!, code = table[at + 1]!;
  const lim = (code & 255) - 1;
  if (code >= 256) {
    const m = b - fp;
    return log2Floor(m - 1) >= lim ? m - 1 : m;
  }
  const m = a + fp;
  return log2Floor(m) < lim ? m + 1 : m;
}

/**
 * Builds the kernel's forecast function `quantile_forecast(c, n) -> u32`
 * (n ≥ 1 ring values). The caller declares the table (an `array<f32>`
 * named `table`) and `fn <ring>(c: u32, i: u32) -> u32`, the ring's i-th
 * value (any order) of ring `c`.
 *
 * @param dims Window W, largest delay D and the names of the table buffer
 *   and the ring accessor.
 * @returns WGSL source.
 *
 * @example
 * ```ts
 * import { quantileWgsl } from "./quantile_wgsl.ts";
 * import assert from "node:assert/strict";
 * const code = quantileWgsl({ window: 10, maxDelay: 99, table: "qtab", ring: "ring_at" });
 * assert.match(code, /fn quantile_forecast\(c: u32, n: u32\) -> u32/);
 * ```
 */
export function quantileWgsl(dims: {
  window: number;
  maxDelay: number;
  table: string;
  ring: string;
}): string {
  const { window: W, maxDelay: D, table: tb, ring } = dims;
  return /* wgsl */ `
// QUANTILE FORECAST: EXACT ORDER STATISTICS, HOST TABLE FOR THE FLOAT64 PART
fn quantile_rank(c: u32, n: u32, r: u32) -> u32 {
  for (var i = 0u; i < n; i++) {
    let v = ${ring}(c, i);
    var lt = 0u;
    var le = 0u;
    for (var j = 0u; j < n; j++) {
      let x = ${ring}(c, j);
      if (x < v) { lt++; }
      if (x <= v) { le++; }
    }
    if (lt <= r && r < le) { return v; }
  }
  return 0u;
}

fn quantile_forecast(c: u32, n: u32) -> u32 {
  let a = quantile_rank(c, n, u32(${tb}[2u * (n - 1u)]));
  let b = quantile_rank(c, n, u32(${tb}[2u * (n - 1u) + 1u]));
  let at = ${2 * W}u + 2u * ((n - 1u) * ${D + 1}u + min(b - a, ${D}u));
  let fp = u32(${tb}[at]);
  let code = u32(${tb}[at + 1u]);
  let lim = i32(code & 255u) - 1;
  if (code >= 256u) {
    let m = b - fp;
    return select(m, m - 1u, firstLeadingBit(i32(m) - 1) >= lim);
  }
  let m = a + fp;
  return select(m, m + 1u, firstLeadingBit(i32(m)) < lim);
}
`;
}
