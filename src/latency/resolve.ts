/**
 * {@linkcode resolveProfile}: validates a JSON profile config and returns a
 * deterministic, counter-based {@linkcode DelayProfile}.
 *
 * Counter allocation. The delay of counter `i` (e.g. the i-th inference of
 * an environment) of `(seed, stream)` is a pure function of the words of
 * `pcg4d(seed, stream, c, block)` from `src/rng` (block 0 is exactly
 * `uniform(seed, stream, c, lane)`):
 * - one lane per draw (fixed, categorical, mixture, empirical, pareto):
 *   `c = i >> 2`, lane `i & 3`, so one hash serves four consecutive draws;
 * - two lanes per draw (lognormal, bursty; Box-Muller): `c = i >> 1`, lanes
 *   `2 (i & 1)` and `2 (i & 1) + 1`.
 * A mixture uses ONE uniform: `[0, p_spike)` is the spike, the rest is split
 * by `base_probs`. Transforms that need more randomness use further blocks
 * (hedge copy j of a stage of width W uses blocks `j W ..`, drop_spike its
 * coin and re-draws in the blocks after its input). The bursty state chain
 * uses block 0xFFFFFFFF (counter `j >> 1`, lane `2 (j & 1)`: refresh test,
 * lane `2 (j & 1) + 1`: fresh state) and the replay phase block 0xFFFFFFFE
 * (counter b for copy block b: a hedge copy or a drop-spike re-draw of a
 * replayed trace reads it from its own random point).
 * Discrete choices compare the 24-bit word `word >>> 8` with integer
 * thresholds `round(2^24 * cumulative probability)`, so they are exact and
 * identical on CPU and GPU.
 *
 * @module
 */

import { checkSeed } from "../rng/rng.ts";
import { cpuSampler } from "./_cpu.ts";
import { resolveStages } from "./_stages.ts";
import {
  type BaseSpec,
  type Finite,
  MAX_TABLE,
  MAX_TRACE,
  MAX_TRANSFORMS,
  msToSteps,
  ONE,
  type Plan,
  PLANS,
  scaleSteps,
  thresholdsOf,
} from "./_plan.ts";
import {
  checkLength,
  checkSum,
  choice,
  expectObject,
  fieldError,
  num,
  numArray,
  rejectUnknown,
} from "./_validate.ts";
import type { DelayProfile, ProfileConfig } from "./types.ts";

const KINDS = [
  "fixed",
  "mixture",
  "categorical",
  "lognormal",
  "pareto",
  "empirical",
  "bursty",
] as const;
const STEP = { min: 0, integer: true };
const PROB = { min: 0, max: 1 };
const POS = { gt: 0 };
const NONNEG = { min: 0 };
const f = Math.fround;

/**
 * Size limits of a profile config, checked by {@linkcode resolveProfile}:
 * `tableEntries` bounds a finite law (`delays`, `base_delays`, the distinct
 * step delays of an iid `empirical` trace) and a replayed trace (the WGSL
 * sampler embeds them as arrays); `traceSamples` bounds an iid trace (its
 * sample is picked with a 24-bit word); `transforms` bounds the pipeline.
 *
 * @example
 * ```ts
 * import { PROFILE_LIMITS } from "./resolve.ts";
 * import assert from "node:assert/strict";
 * assert.equal(PROFILE_LIMITS.tableEntries, 65536);
 * ```
 */
export const PROFILE_LIMITS: Readonly<{
  tableEntries: number;
  traceSamples: number;
  transforms: number;
}> = Object.freeze({
  tableEntries: MAX_TABLE,
  traceSamples: MAX_TRACE,
  transforms: MAX_TRANSFORMS,
});

function maxOf(values: readonly number[]): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}

function finiteOf(delays: number[], probs: number[]): Finite {
  return { values: Int32Array.from(delays), thresholds: thresholdsOf(probs) };
}

function probsPair(
  c: Record<string, unknown>,
  dKey: string,
  pKey: string,
  what: string,
): [number[], number[]] {
  const delays = numArray(c, dKey, STEP, what, "", MAX_TABLE);
  const probs = numArray(c, pKey, PROB, what, "", MAX_TABLE);
  if (probs.length !== delays.length) {
    throw new RangeError(
      `Cannot create ${what} as ${pKey} must have the length of ${dKey} (${delays.length}): current length is ${probs.length}`,
    );
  }
  checkSum(probs, what, pKey);
  return [delays, probs];
}

function lognormalState(
  value: unknown,
  what: string,
  field: string,
): { median: number; sigma: number } {
  const s = expectObject(value, what, field);
  rejectUnknown(s, ["median_ms", "sigma"], what, `${field}.`);
  return {
    median: f(num(s, "median_ms", POS, what, `${field}.`)),
    sigma: f(num(s, "sigma", NONNEG, what, `${field}.`)),
  };
}

/**
 * Validates the kind-specific fields; returns the base (latency `scale`
 * applied: step values `ceil(d · scale)`, trace entries `ms · scale`,
 * parametric ms kinds a float32 factor on the drawn ms) and the mixture base
 * law.
 */
function resolveBase(
  c: Record<string, unknown>,
  kind: ProfileConfig["kind"],
  scale: number,
): { base: BaseSpec; mixtureBase: Finite | null; maxBase: number } {
  const what = `${kind} profile`;
  const common = ["kind", "transforms", "scale"];
  const steps = (d: number) => scaleSteps(d, scale);
  const latencyScale = f(scale);
  switch (kind) {
    case "fixed": {
      rejectUnknown(c, [...common, "delay"], what, "");
      const d = steps(num(c, "delay", STEP, what));
      return {
        base: { type: "finite", ...finiteOf([d], [1]) },
        mixtureBase: null,
        maxBase: d,
      };
    }
    case "categorical": {
      rejectUnknown(c, [...common, "delays", "probs"], what, "");
      const [raw, probs] = probsPair(c, "delays", "probs", what);
      const delays = raw.map(steps);
      return {
        base: { type: "finite", ...finiteOf(delays, probs) },
        mixtureBase: null,
        maxBase: maxOf(delays),
      };
    }
    case "mixture": {
      const keys = ["base_delays", "base_probs", "p_spike", "d_spike"];
      rejectUnknown(c, [...common, ...keys], what, "");
      const [raw, probs] = probsPair(c, "base_delays", "base_probs", what);
      const delays = raw.map(steps);
      const p = num(c, "p_spike", PROB, what);
      const dSpike = steps(num(c, "d_spike", STEP, what));
      // One uniform: [0, p_spike) is the spike, the rest the base law.
      const all = [p, ...probs.map((q) => q * (1 - p))];
      return {
        base: { type: "finite", ...finiteOf([dSpike, ...delays], all) },
        mixtureBase: finiteOf(delays, probs),
        maxBase: maxOf(delays),
      };
    }
    case "lognormal": {
      const keys = ["dt_ms", "median_ms", "sigma", "offset_ms"];
      rejectUnknown(c, [...common, ...keys], what, "");
      return {
        base: {
          type: "lognormal",
          dt: f(num(c, "dt_ms", POS, what)),
          median: f(num(c, "median_ms", POS, what)),
          sigma: f(num(c, "sigma", NONNEG, what)),
          offset: f(num(c, "offset_ms", NONNEG, what, "", 0)),
          latencyScale,
        },
        mixtureBase: null,
        maxBase: -1,
      };
    }
    case "pareto": {
      const keys = ["dt_ms", "scale_ms", "alpha", "offset_ms"];
      rejectUnknown(c, [...common, ...keys], what, "");
      return {
        base: {
          type: "pareto",
          dt: f(num(c, "dt_ms", POS, what)),
          scale: f(num(c, "scale_ms", POS, what)),
          negInvAlpha: f(-1 / num(c, "alpha", POS, what)),
          offset: f(num(c, "offset_ms", NONNEG, what, "", 0)),
          latencyScale,
        },
        mixtureBase: null,
        maxBase: -1,
      };
    }
    case "empirical": {
      const keys = [
        "dt_ms",
        "samples_ms",
        "trace_csv",
        "column",
        "mode",
        "phase",
      ];
      rejectUnknown(c, [...common, ...keys], what, "");
      const dt = num(c, "dt_ms", POS, what);
      if (c.samples_ms === undefined && c.trace_csv !== undefined) {
        throw fieldError(
          TypeError,
          what,
          "samples_ms",
          "an array (load trace_csv with loadProfiles() or loadTraceCsv())",
          undefined,
        );
      }
      const mode = choice(c, "mode", ["iid", "replay"], "iid", what);
      const phase = choice(c, "phase", ["random", "zero"], "random", what);
      if (mode === "replay" && Array.isArray(c.samples_ms)) {
        checkLength(
          c.samples_ms.length,
          MAX_TABLE,
          what,
          "samples_ms",
          " in replay mode",
        );
      }
      const ms = numArray(c, "samples_ms", NONNEG, what, "", MAX_TRACE);
      const trace = Int32Array.from(ms, (x) => msToSteps(x * scale, dt));
      if (mode === "replay") {
        return {
          base: {
            type: "replay",
            steps: trace,
            randomPhase: phase === "random",
          },
          mixtureBase: null,
          maxBase: -1,
        };
      }
      // iid: word v picks trace index floor(v n / 2^24), i.e. the sorted
      // distinct values with thresholds ceil(count_cum 2^24 / n).
      const sorted = Array.from(trace).sort((a, b) => a - b);
      const values: number[] = [];
      const thresholds: number[] = [];
      for (let k = 0; k < sorted.length; k++) {
        if (k + 1 < sorted.length && sorted[k + 1] === sorted[k]) continue;
        values.push(sorted[k]!);
        thresholds.push(Math.ceil(((k + 1) * ONE) / sorted.length));
      }
      if (values.length > MAX_TABLE) {
        throw new RangeError(
          `Cannot create ${what} as samples_ms must have at most ${MAX_TABLE} distinct delays (ceil(ms / dt_ms)) in iid mode: current count is ${values.length}`,
        );
      }
      return {
        base: {
          type: "finite",
          values: Int32Array.from(values),
          thresholds: Uint32Array.from(thresholds),
        },
        mixtureBase: null,
        maxBase: -1,
      };
    }
    case "bursty": {
      const keys = ["dt_ms", "p_enter", "p_exit", "calm", "burst", "replicas"];
      rejectUnknown(c, [...common, ...keys], what, "");
      const dt = f(num(c, "dt_ms", POS, what));
      const pEnter = num(c, "p_enter", PROB, what);
      const pExit = num(c, "p_exit", PROB, what);
      const r = pEnter + pExit;
      if (!(r > 0 && r <= 1)) {
        throw new RangeError(
          `Cannot create ${what} as p_enter + p_exit must be in (0, 1]: current sum is ${r}`,
        );
      }
      return {
        base: {
          type: "bursty",
          dt,
          refreshT: Math.round(r * ONE),
          burstT: Math.round((pEnter / r) * ONE),
          calm: lognormalState(c.calm, what, "calm"),
          burst: lognormalState(c.burst, what, "burst"),
          latencyScale,
          independentReplicas: choice(
            c,
            "replicas",
            ["shared", "independent"],
            "shared",
            what,
          ) === "independent",
        },
        mixtureBase: null,
        maxBase: -1,
      };
    }
  }
}

function checkCount(n: number, field: string): void {
  if (!Number.isInteger(n) || n < 0 || n > 0x100000000) {
    throw new RangeError(
      `Cannot sample delays as ${field} must be an integer in [0, 2^32]: current value is ${n}`,
    );
  }
}

/**
 * Validates a profile config and returns its sampler.
 *
 * @param config A JSON profile config (see `types.ts`).
 * @returns The resolved profile.
 * @throws {TypeError} For a wrong shape: not an object, missing or mistyped
 *   field, unknown field.
 * @throws {RangeError} For a wrong value: unknown kind, NaN, negative or
 *   non-integer step delay, probability outside [0, 1] or not summing to 1
 *   within 1e-6, empty list, cap below 0, `scale` not > 0.
 *
 * @example
 * ```ts
 * import { resolveProfile } from "./resolve.ts";
 * import assert from "node:assert/strict";
 * const p = resolveProfile({
 *   kind: "mixture", base_delays: [0, 1], base_probs: [0.8, 0.2],
 *   p_spike: 0.05, d_spike: 4, transforms: [{ kind: "tail_cap", cap: 2 }],
 * });
 * const d = p.sample(1000, 7, 0);
 * assert.equal(d[10], p.sampleAt(7, 0, 10));
 * assert.ok(d.every((x) => x <= 2));
 * assert.throws(() => resolveProfile({ kind: "fixed", delay: -1 }), RangeError);
 * ```
 */
export function resolveProfile(config: ProfileConfig): DelayProfile {
  const c = expectObject(config, "delay profile", "config");
  const kind = c.kind;
  if (typeof kind !== "string") {
    throw fieldError(TypeError, "delay profile", "kind", "a string", kind);
  }
  if (!(KINDS as readonly string[]).includes(kind)) {
    throw fieldError(
      RangeError,
      "delay profile",
      "kind",
      `one of ${KINDS.join(", ")}`,
      kind,
    );
  }
  const k = kind as ProfileConfig["kind"];
  const scale = num(c, "scale", POS, `${k} profile`, "", 1);
  const { base, mixtureBase, maxBase } = resolveBase(c, k, scale);
  const { stages, width, configs } = resolveStages(
    c.transforms,
    k,
    mixtureBase,
    maxBase,
  );
  const plan: Plan = {
    base,
    lanes: base.type === "lognormal" || base.type === "bursty" ? 2 : 1,
    stages,
    width,
  };
  const normalised = structuredClone(c) as unknown as ProfileConfig;
  if (configs.length > 0) normalised.transforms = configs;
  else delete normalised.transforms;
  const cpu = cpuSampler(plan);
  const fillChecked = (
    out: Int32Array,
    seed: number,
    stream: number,
    start = 0,
  ): Int32Array => {
    checkSeed(seed, "seed");
    checkSeed(stream, "stream");
    checkSeed(start, "start");
    checkCount(start + out.length, "start + n");
    cpu.fill(out, seed, stream, start);
    return out;
  };
  const profile: DelayProfile = {
    config: normalised,
    kind: k,
    sampleAt(seed, stream, counter) {
      checkSeed(seed, "seed");
      checkSeed(stream, "stream");
      checkSeed(counter, "counter");
      return cpu.drawAt(seed, stream, counter);
    },
    sampleInto: fillChecked,
    sample(n, seed, stream, start = 0) {
      checkCount(n, "n");
      return fillChecked(new Int32Array(n), seed, stream, start);
    },
  };
  PLANS.set(profile, plan);
  return profile;
}
