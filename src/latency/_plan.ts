// Internal resolved form of a profile ("plan") shared by the CPU sampler
// (`_cpu.ts`) and the WGSL generator (`profile_wgsl.ts`).
//
// COUNTER ALLOCATION. Draw `i` of `(seed, stream)` reads 32-bit words of
// `pcg4d(seed, stream, c, block)` (the RNG of `src/rng`; block 0 is exactly
// `uniform(seed, stream, c, lane)`), where a draw owns L consecutive lanes
// ("its slot") of each block:
//   L = 1 (fixed, categorical, mixture, empirical, pareto): c = i >> 2, lane i & 3
//     (one hash gives the slots of four consecutive draws);
//   L = 2 (lognormal, bursty): c = i >> 1, lanes 2 (i & 1) and 2 (i & 1) + 1.
// Blocks 0 .. width-1 are the independent "copies" the transform pipeline
// needs (hedge copies, drop-spike coins and re-draws); block 0xFFFFFFFF holds
// the bursty state chain (counter j >> 1, lanes 2 (j & 1) = refresh,
// 2 (j & 1) + 1 = fresh state; with independent replicas copy block b has
// its own chain in block 0xFFFFFFFF − b) and block 0xFFFFFFFE, counter b, lane 0 the
// replay phase of copy block b (copy 0 reads counter 0; hedge copies and
// drop-spike re-draws of a replayed trace read it at their own phase, i.e.
// another point of the trace). A 24-bit uniform word is `word >>> 8`; every discrete choice
// compares it with an integer threshold, so discrete draws are identical on
// CPU and GPU. Millisecond kinds use float32 math (`Math.fround` on the CPU).

/** Block of the bursty state chain. */
export const BLOCK_CHAIN = 0xffffffff;
/** Block of the replay phase draw. */
export const BLOCK_PHASE = 0xfffffffe;
/** Number of re-draw tries of `drop_spike` for non-mixture bases. */
export const DROP_TRIES = 8;
/** Largest delay a millisecond kind returns (float32-exact, fits i32). */
export const MAX_DELAY = 1073741824;
/** 2^24: the number of 24-bit uniform words. */
export const ONE = 16777216;
/** Most entries of a table (finite law, replay trace); WGSL embeds it as an array. */
export const MAX_TABLE = 65536;
/** Most samples of an iid trace (2^24: beyond, the 24-bit pick cannot reach each sample). */
export const MAX_TRACE = ONE;
/** Most transforms of a profile. */
export const MAX_TRANSFORMS = 64;

/** A finite distribution: value k when `v < thresholds[k]` (first such k). */
export interface Finite {
  values: Int32Array;
  /** Cumulative 24-bit thresholds, non-decreasing, last = 2^24. */
  thresholds: Uint32Array;
}

/** Lognormal parameters, already rounded to float32. */
export interface LogNormalF32 {
  median: number;
  sigma: number;
}

/** Base draw of a plan. */
export type BaseSpec =
  | ({ type: "finite" } & Finite)
  | {
    type: "lognormal";
    dt: number;
    median: number;
    sigma: number;
    offset: number;
    /** Latency scale (float32) multiplying the drawn ms; 1 leaves the draw as is. */
    latencyScale: number;
  }
  | {
    type: "pareto";
    dt: number;
    scale: number;
    negInvAlpha: number;
    offset: number;
    latencyScale: number;
  }
  | { type: "replay"; steps: Int32Array; randomPhase: boolean }
  | {
    type: "bursty";
    dt: number;
    refreshT: number;
    burstT: number;
    calm: LogNormalF32;
    burst: LogNormalF32;
    latencyScale: number;
    /** Copy block b reads the state chain of block `BLOCK_CHAIN − b` (else every copy BLOCK_CHAIN's). */
    independentReplicas: boolean;
  };

/** One transform stage of a plan. */
export type Stage =
  | { kind: "tail_cap"; cap: number }
  | {
    kind: "drop_spike";
    pT: number;
    threshold: number;
    /** Direct replacement law (mixture base), or null for re-draw tries. */
    direct: Finite | null;
    widthUp: number;
  }
  | { kind: "hedge"; k: number; widthUp: number }
  | { kind: "cold_start"; extra: number };

/** A resolved profile. */
export interface Plan {
  base: BaseSpec;
  lanes: 1 | 2;
  stages: Stage[];
  /** Blocks used per draw by the whole pipeline. */
  width: number;
}

/** Plans of resolved profiles (set by `resolveProfile`). */
export const PLANS: WeakMap<object, Plan> = new WeakMap();

/** Builds integer thresholds from probabilities (cumulative, rounded, last = 2^24). */
export function thresholdsOf(probs: readonly number[]): Uint32Array {
  const t = new Uint32Array(probs.length);
  let cum = 0;
  for (let k = 0; k < probs.length; k++) {
    cum += probs[k]!;
    t[k] = Math.min(ONE, Math.round(cum * ONE));
  }
  t[probs.length - 1] = ONE;
  return t;
}

/**
 * Scales a delay in steps: `ceil(d · scale)` (float64 product, at most
 * {@linkcode MAX_DELAY}); a scale of 1 returns `d` unchanged.
 */
export function scaleSteps(d: number, scale: number): number {
  return scale === 1 ? d : Math.min(MAX_DELAY, Math.ceil(d * scale));
}

/** Converts milliseconds to steps exactly as the ms kinds do (`ceil(ms/dt)`, float64). */
export function msToSteps(ms: number, dt: number): number {
  return Math.min(MAX_DELAY, Math.ceil(ms / dt));
}
