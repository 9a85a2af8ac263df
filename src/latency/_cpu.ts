// CPU sampler of a plan: `drawAt(seed, stream, i)` (the reference, one draw)
// and `fill(out, seed, stream, start)` (batched; a hand-inlined pcg4d loop for
// finite profiles whose transforms are value maps). See `_plan.ts` for the
// counter allocation. Float math mirrors WGSL f32 with `Math.fround`.

import { pcg4d } from "../rng/rng.ts";
import {
  BLOCK_CHAIN,
  BLOCK_PHASE,
  DROP_TRIES,
  type Finite,
  MAX_DELAY,
  ONE,
  type Plan,
} from "./_plan.ts";

const f = Math.fround;
const SCALE = 1 / ONE;
const TWO_PI = f(6.2831853);

type Draw = (seed: number, stream: number, i: number, block: number) => number;

/** The CPU sampler of a plan. */
export interface CpuSampler {
  drawAt(seed: number, stream: number, i: number): number;
  fill(out: Int32Array, seed: number, stream: number, start: number): void;
}

/** Picks the value of a 24-bit word from a finite law. */
export function pick(law: Finite, v: number): number {
  const t = law.thresholds;
  let k = 0;
  while (v >= t[k]!) k++;
  return law.values[k]!;
}

function boxMuller(wa: number, wb: number): number {
  const u1 = f(((wa >>> 8) + 1) * SCALE);
  const u2 = f((wb >>> 8) * SCALE);
  return f(
    f(Math.sqrt(f(-2 * f(Math.log(u1))))) * f(Math.cos(f(TWO_PI * u2))),
  );
}

/** Steps of a drawn latency: `ceil((ms · scale) / dt)` in float32 (no product at scale 1). */
function msSteps(ms: number, scale: number, dt: number): number {
  const scaled = scale === 1 ? ms : f(ms * scale);
  return Math.min(MAX_DELAY, Math.ceil(f(scaled / dt)));
}

function lognormalSteps(
  z: number,
  median: number,
  sigma: number,
  offset: number,
  scale: number,
  dt: number,
): number {
  const ms = f(offset + f(median * f(Math.exp(f(sigma * z)))));
  return msSteps(ms, scale, dt);
}

function baseDraw(plan: Plan): Draw {
  const words = new Uint32Array(4);
  const base = plan.base;
  switch (base.type) {
    case "finite":
      return (seed, stream, i, block) => {
        pcg4d(seed, stream, Math.floor(i / 4), block, words);
        return pick(base, words[i & 3]! >>> 8);
      };
    case "pareto":
      return (seed, stream, i, block) => {
        pcg4d(seed, stream, Math.floor(i / 4), block, words);
        const u1 = f(((words[i & 3]! >>> 8) + 1) * SCALE);
        const e = f(Math.exp(f(f(Math.log(u1)) * base.negInvAlpha)));
        const ms = f(base.offset + f(base.scale * e));
        return msSteps(ms, base.latencyScale, base.dt);
      };
    case "lognormal":
      return (seed, stream, i, block) => {
        pcg4d(seed, stream, Math.floor(i / 2), block, words);
        const o = (i & 1) * 2;
        const z = boxMuller(words[o]!, words[o + 1]!);
        return lognormalSteps(
          z,
          base.median,
          base.sigma,
          base.offset,
          base.latencyScale,
          base.dt,
        );
      };
    case "replay": {
      const n = base.steps.length;
      // Copy block b starts at its own phase (block 0: counter 0, or zero).
      return (seed, stream, i, block) => {
        let phase = 0;
        if (base.randomPhase || block !== 0) {
          pcg4d(seed, stream, block, BLOCK_PHASE, words);
          phase = Math.floor(((words[0]! >>> 8) * n) / ONE);
        }
        return base.steps[((i % n) + phase) % n]!;
      };
    }
    case "bursty": {
      // One-entry cache of the chain state: sequential counters cost O(1).
      let cSeed = -1, cStream = -1, cJ = -1, cChain = -1, cState = 0;
      const chainStep = (
        seed: number,
        stream: number,
        j: number,
        c: number,
      ) => {
        pcg4d(seed, stream, Math.floor(j / 2), c, words);
        const o = (j & 1) * 2;
        const refresh = j === 0 || (words[o]! >>> 8) < base.refreshT;
        return { refresh, fresh: (words[o + 1]! >>> 8) < base.burstT ? 1 : 0 };
      };
      const stateAt = (
        seed: number,
        stream: number,
        j: number,
        c: number,
      ): number => {
        const same = seed === cSeed && stream === cStream && c === cChain;
        if (same && j === cJ) return cState;
        let state: number;
        const step = chainStep(seed, stream, j, c);
        if (step.refresh) state = step.fresh;
        else if (same && j === cJ + 1) state = cState;
        else {
          let k = j - 1;
          for (;;) {
            const s = chainStep(seed, stream, k, c);
            if (s.refresh) {
              state = s.fresh;
              break;
            }
            k--;
          }
        }
        cSeed = seed, cStream = stream, cJ = j, cChain = c, cState = state;
        return state;
      };
      return (seed, stream, i, block) => {
        const chain = base.independentReplicas
          ? (BLOCK_CHAIN - block) >>> 0
          : BLOCK_CHAIN;
        const burst = stateAt(seed, stream, i, chain) === 1;
        const law = burst ? base.burst : base.calm;
        pcg4d(seed, stream, Math.floor(i / 2), block, words);
        const o = (i & 1) * 2;
        const z = boxMuller(words[o]!, words[o + 1]!);
        return lognormalSteps(
          z,
          law.median,
          law.sigma,
          0,
          base.latencyScale,
          base.dt,
        );
      };
    }
  }
}

/** Builds the reference draw function of a plan (all stages). */
function pipeline(plan: Plan): Draw {
  const base = baseDraw(plan);
  const words = new Uint32Array(4);
  const lanes = plan.lanes;
  // 24-bit word of the first lane of draw i's slot in `block`.
  const slotWord = (seed: number, stream: number, i: number, block: number) => {
    pcg4d(seed, stream, Math.floor((i * lanes) / 4), block, words);
    return words[(i * lanes) & 3]! >>> 8;
  };
  let draw: Draw = base;
  for (const stage of plan.stages) {
    const up = draw;
    switch (stage.kind) {
      case "tail_cap":
        draw = (s, t, i, b) => Math.min(up(s, t, i, b), stage.cap);
        break;
      case "cold_start":
        draw = (s, t, i, b) => up(s, t, i, b) + (i === 0 ? stage.extra : 0);
        break;
      case "hedge":
        draw = (s, t, i, b) => {
          let m = up(s, t, i, b);
          for (let j = 1; j < stage.k; j++) {
            m = Math.min(m, up(s, t, i, b + j * stage.widthUp));
          }
          return m;
        };
        break;
      case "drop_spike":
        draw = (s, t, i, b) => {
          const d = up(s, t, i, b);
          if (d <= stage.threshold) return d;
          const r = b + stage.widthUp;
          if (slotWord(s, t, i, r) >= stage.pT) return d;
          if (stage.direct) return pick(stage.direct, slotWord(s, t, i, r + 1));
          for (let k = 0; k < DROP_TRIES; k++) {
            const x = base(s, t, i, r + 1 + k);
            if (x <= stage.threshold) return x;
          }
          return stage.threshold;
        };
        break;
    }
  }
  return draw;
}

/** Value maps of a finite plan with only tail_cap / cold_start stages, else null. */
function fastValues(plan: Plan): Int32Array | null {
  if (plan.base.type !== "finite") return null;
  const values = plan.base.values.slice();
  for (const stage of plan.stages) {
    if (stage.kind === "tail_cap") {
      for (let k = 0; k < values.length; k++) {
        values[k] = Math.min(values[k]!, stage.cap);
      }
    } else if (stage.kind !== "cold_start") return null;
  }
  return values;
}

/**
 * Guide table of a finite law: `guide[v >>> 16]` is the first index k with
 * `thresholds[k] > (v >>> 16) << 16`, so the search for word v starts there
 * (and usually ends there).
 */
function guideOf(thresholds: Uint32Array): Uint8Array | Uint16Array {
  const guide = thresholds.length <= 256
    ? new Uint8Array(256)
    : new Uint16Array(256);
  let k = 0;
  for (let g = 0; g < 256; g++) {
    while (thresholds[k]! <= g << 16) k++;
    guide[g] = k;
  }
  return guide;
}

/**
 * Batched finite sampler: one inlined pcg4d per four draws (counter c gives
 * draws 4c .. 4c+3). The first pcg4d mixing row depends on the counter only
 * through z, so x is hoisted out of the loop.
 */
function fillFinite(
  out: Int32Array,
  values: Int32Array,
  thresholds: Uint32Array,
  guide: Uint8Array | Uint16Array,
  seed: number,
  stream: number,
  first: number,
  n: number,
): void {
  const x0 = (Math.imul(seed, 1664525) + 1013904223) | 0;
  const y0 = (Math.imul(stream, 1664525) + 1013904223) | 0;
  const w0 = 1013904223; // block 0: d = 0
  const x1 = (x0 + Math.imul(y0, w0)) | 0;
  const c0 = first >>> 2;
  for (let q = 0, o = 0; o < n; q++, o += 4) {
    const z0 = (Math.imul((c0 + q) | 0, 1664525) + 1013904223) | 0;
    let x = x1;
    let y = (y0 + Math.imul(z0, x)) | 0;
    let z = (z0 + Math.imul(x, y)) | 0;
    let w = (w0 + Math.imul(y, z)) | 0;
    x ^= x >>> 16;
    y ^= y >>> 16;
    z ^= z >>> 16;
    w ^= w >>> 16;
    x = (x + Math.imul(y, w)) | 0;
    y = (y + Math.imul(z, x)) | 0;
    z = (z + Math.imul(x, y)) | 0;
    w = (w + Math.imul(y, z)) | 0;
    const a = x >>> 8, b = y >>> 8, c = z >>> 8, d = w >>> 8;
    let k = guide[a >>> 16]!;
    while (a >= thresholds[k]!) k++;
    out[o] = values[k]!;
    k = guide[b >>> 16]!;
    while (b >= thresholds[k]!) k++;
    out[o + 1] = values[k]!;
    k = guide[c >>> 16]!;
    while (c >= thresholds[k]!) k++;
    out[o + 2] = values[k]!;
    k = guide[d >>> 16]!;
    while (d >= thresholds[k]!) k++;
    out[o + 3] = values[k]!;
  }
}

/** Builds the CPU sampler of a plan. */
export function cpuSampler(plan: Plan): CpuSampler {
  const draw = pipeline(plan);
  const drawAt = (seed: number, stream: number, i: number) =>
    draw(seed, stream, i, 0);
  const values = fastValues(plan);
  const hasCold = plan.stages.some((s) => s.kind === "cold_start");
  if (values === null || plan.base.type !== "finite") {
    return {
      drawAt,
      fill(out, seed, stream, start) {
        for (let i = 0; i < out.length; i++) {
          out[i] = drawAt(seed, stream, start + i);
        }
      },
    };
  }
  const thresholds = plan.base.thresholds;
  const guide = guideOf(thresholds);
  const scratch = new Int32Array(1024);
  return {
    drawAt,
    fill(out, seed, stream, start) {
      const n = out.length;
      let i = 0;
      // Head up to a multiple of 4, body in whole hashes, tail one by one.
      while (i < n && ((start + i) & 3) !== 0) {
        out[i] = drawAt(seed, stream, start + i), i++;
      }
      const body = (n - i) & ~3;
      if (i === 0) {
        fillFinite(out, values, thresholds, guide, seed, stream, start, body);
      } else {
        for (let done = 0; done < body; done += scratch.length) {
          const m = Math.min(scratch.length, body - done);
          fillFinite(
            scratch,
            values,
            thresholds,
            guide,
            seed,
            stream,
            start + i + done,
            m,
          );
          out.set(scratch.subarray(0, m), i + done);
        }
      }
      i += body;
      for (; i < n; i++) out[i] = drawAt(seed, stream, start + i);
      if (hasCold && start === 0 && n > 0) out[0] = drawAt(seed, stream, 0);
    },
  };
}
