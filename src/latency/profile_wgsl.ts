/**
 * {@linkcode profileWgsl}: WGSL twin of a resolved delay profile.
 *
 * @module
 */

import {
  BLOCK_CHAIN,
  BLOCK_PHASE,
  DROP_TRIES,
  type Finite,
  MAX_DELAY,
  MAX_TABLE,
  type Plan,
  PLANS,
} from "./_plan.ts";
import { resolveProfile } from "./resolve.ts";
import type { DelayProfile, ProfileConfig } from "./types.ts";

/**
 * Largest table (replay trace or finite law) embedded into WGSL; profiles
 * with larger ones are refused by `resolveProfile` (`PROFILE_LIMITS`).
 *
 * @example
 * ```ts
 * import { MAX_WGSL_TABLE, profileWgsl } from "./profile_wgsl.ts";
 * import assert from "node:assert/strict";
 * const samples_ms = new Array(MAX_WGSL_TABLE + 1).fill(10);
 * assert.throws(() => profileWgsl({ kind: "empirical", dt_ms: 20, samples_ms, mode: "replay" }), RangeError);
 * ```
 */
export const MAX_WGSL_TABLE: number = MAX_TABLE;

const f32Bits = new DataView(new ArrayBuffer(4));

/** An exact float32 constant (bit pattern). */
function f32(x: number): string {
  f32Bits.setFloat32(0, x);
  return `bitcast<f32>(0x${f32Bits.getUint32(0).toString(16)}u)`;
}

function hex(x: number): string {
  return `0x${(x >>> 0).toString(16)}u`;
}

function checkTable(n: number, what: string): void {
  if (n > MAX_WGSL_TABLE) {
    throw new RangeError(
      `Cannot generate WGSL as the ${what} must have at most ${MAX_WGSL_TABLE} entries: current length is ${n}`,
    );
  }
}

/** A `fn name(v: u32) -> i32` picking from a finite law. */
function pickFn(name: string, law: Finite): string {
  const k = law.values.length;
  if (k <= 16) {
    const lines = Array.from(
      law.values.subarray(0, k - 1),
      (v, j) => `  if (v < ${law.thresholds[j]}u) { return ${v}; }`,
    );
    return `fn ${name}(v: u32) -> i32 {\n${lines.join("\n")}\n  return ${
      law.values[k - 1]
    };\n}\n`;
  }
  checkTable(k, "finite law");
  const T = name.toUpperCase();
  return `var<private> ${T}_T: array<u32, ${k}> = array<u32, ${k}>(${
    Array.from(law.thresholds, (t) => `${t}u`).join(", ")
  });
var<private> ${T}_V: array<i32, ${k}> = array<i32, ${k}>(${
    Array.from(law.values).join(", ")
  });
fn ${name}(v: u32) -> i32 {
  var lo = 0u;
  var hi = ${k - 1}u;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (v < ${T}_T[mid]) { hi = mid; } else { lo = mid + 1u; }
  }
  return ${T}_V[lo];
}
`;
}

const LOGNORMAL = /* wgsl */ `
fn lat_normal(w: vec4<u32>, o: u32) -> f32 {
  let u1 = f32((w[o] >> 8u) + 1u) * (1.0 / 16777216.0);
  let u2 = f32(w[o + 1u] >> 8u) * (1.0 / 16777216.0);
  return sqrt(-2.0 * log(u1)) * cos(6.2831853 * u2);
}
fn lat_ms_steps(ms: f32, dt: f32) -> i32 {
  return i32(min(ceil(ms / dt), ${MAX_DELAY}.0));
}
`;

/** A drawn latency in ms times the profile's float32 scale (no product at 1). */
function scaled(ms: string, scale: number): string {
  return scale === 1 ? ms : `(${ms}) * ${f32(scale)}`;
}

function baseWgsl(plan: Plan): string {
  const b = plan.base;
  const sig = "fn lat_base(seed: u32, stream: u32, i: u32, block: u32) -> i32";
  switch (b.type) {
    case "finite":
      return `${pickFn("lat_pick_base", b)}${sig} {
  return lat_pick_base(lat_slot_word(seed, stream, i, block));
}
`;
    case "pareto":
      return `${LOGNORMAL}${sig} {
  let u1 = f32(lat_slot_word(seed, stream, i, block) + 1u) * (1.0 / 16777216.0);
  let e = exp(log(u1) * ${f32(b.negInvAlpha)});
  return lat_ms_steps(${
        scaled(`${f32(b.offset)} + ${f32(b.scale)} * e`, b.latencyScale)
      }, ${f32(b.dt)});
}
`;
    case "lognormal":
      return `${LOGNORMAL}${sig} {
  let w = pcg4d(vec4<u32>(seed, stream, i >> 1u, block));
  let z = lat_normal(w, (i & 1u) * 2u);
  let ms = ${f32(b.offset)} + ${f32(b.median)} * exp(${f32(b.sigma)} * z);
  return lat_ms_steps(${scaled("ms", b.latencyScale)}, ${f32(b.dt)});
}
`;
    case "replay": {
      const n = b.steps.length;
      checkTable(n, "replay trace");
      // Copy block b starts at its own phase (block 0: counter 0, or zero).
      const random = `let v = pcg4d(vec4<u32>(seed, stream, block, ${
        hex(BLOCK_PHASE)
      })).x >> 8u;
  let random = ((v >> 12u) * ${n}u + (((v & 0xfffu) * ${n}u) >> 12u)) >> 12u;`;
      const phase = b.randomPhase
        ? `${random}
  let phase = random;`
        : `${random}
  let phase = select(random, 0u, block == 0u);`;
      return `var<private> LAT_REPLAY: array<i32, ${n}> = array<i32, ${n}>(${
        Array.from(b.steps).join(", ")
      });
${sig} {
  ${phase}
  return LAT_REPLAY[((i % ${n}u) + phase) % ${n}u];
}
`;
    }
    case "bursty":
      return `${LOGNORMAL}
fn lat_burst(seed: u32, stream: u32, counter: u32, chain: u32) -> bool {
  var j = counter;
  var state = false;
  loop {
    let w = pcg4d(vec4<u32>(seed, stream, j >> 1u, chain));
    let o = (j & 1u) * 2u;
    if (j == 0u || (w[o] >> 8u) < ${b.refreshT}u) {
      state = (w[o + 1u] >> 8u) < ${b.burstT}u;
      break;
    }
    j = j - 1u;
  }
  return state;
}
${sig} {
  let burst = lat_burst(seed, stream, i, ${
        b.independentReplicas ? `${hex(BLOCK_CHAIN)} - block` : hex(BLOCK_CHAIN)
      });
  let median = select(${f32(b.calm.median)}, ${f32(b.burst.median)}, burst);
  let sigma = select(${f32(b.calm.sigma)}, ${f32(b.burst.sigma)}, burst);
  let w = pcg4d(vec4<u32>(seed, stream, i >> 1u, block));
  let z = lat_normal(w, (i & 1u) * 2u);
  return lat_ms_steps(${scaled("median * exp(sigma * z)", b.latencyScale)}, ${
        f32(b.dt)
      });
}
`;
  }
}

function stagesWgsl(plan: Plan): { code: string; last: string } {
  let up = "lat_base";
  let code = "";
  plan.stages.forEach((s, n) => {
    const name = `lat_stage_${n}`;
    let body: string;
    switch (s.kind) {
      case "tail_cap":
        body = `return min(${up}(seed, stream, i, block), ${s.cap});`;
        break;
      case "cold_start":
        body =
          `return ${up}(seed, stream, i, block) + select(0, ${s.extra}, i == 0u);`;
        break;
      case "hedge":
        body = `var m = ${up}(seed, stream, i, block);
  for (var j = 1u; j < ${s.k}u; j++) {
    m = min(m, ${up}(seed, stream, i, block + j * ${s.widthUp}u));
  }
  return m;`;
        break;
      case "drop_spike": {
        let replace: string;
        if (s.direct) {
          code += pickFn(`lat_pick_direct_${n}`, s.direct);
          replace =
            `return lat_pick_direct_${n}(lat_slot_word(seed, stream, i, r + 1u));`;
        } else {
          replace = `for (var k = 0u; k < ${DROP_TRIES}u; k++) {
    let x = lat_base(seed, stream, i, r + 1u + k);
    if (x <= ${s.threshold}) { return x; }
  }
  return ${s.threshold};`;
        }
        body = `let d = ${up}(seed, stream, i, block);
  if (d <= ${s.threshold}) { return d; }
  let r = block + ${s.widthUp}u;
  if (lat_slot_word(seed, stream, i, r) >= ${s.pT}u) { return d; }
  ${replace}`;
        break;
      }
    }
    code +=
      `fn ${name}(seed: u32, stream: u32, i: u32, block: u32) -> i32 {\n  ${body}\n}\n`;
    up = name;
  });
  return { code, last: up };
}

/**
 * Generates WGSL defining
 * `fn sample_delay(seed: u32, stream: u32, counter: u32) -> i32`, the GPU twin
 * of `profile.sampleAt(seed, stream, counter)`. The code calls `pcg4d` and
 * does NOT include it: concatenate `RNG_WGSL` (`src/rng/rng_wgsl.ts`) before
 * it. Its functions are named `lat_*`, so one shader holds one profile.
 *
 * Parity: integer-only kinds (fixed, categorical, mixture, empirical) and
 * every transform are identical to the CPU; lognormal, pareto and bursty use
 * float32 `log`/`exp`/`cos`, whose GPU accuracy may move a draw that falls
 * within a few ulp of a step boundary by one step (see the GPU test for the
 * measured agreement).
 *
 * @param profile A resolved profile or a config (resolved first).
 * @returns WGSL source.
 * @throws {RangeError} If a replay trace or finite law exceeds
 *   {@linkcode MAX_WGSL_TABLE} entries.
 *
 * @example
 * ```ts
 * import { profileWgsl } from "./profile_wgsl.ts";
 * import assert from "node:assert/strict";
 * const code = profileWgsl({ kind: "fixed", delay: 2 });
 * assert.match(code, /fn sample_delay\(seed: u32, stream: u32, counter: u32\) -> i32/);
 * ```
 */
export function profileWgsl(profile: DelayProfile | ProfileConfig): string {
  const resolved = "sampleAt" in profile
    ? profile
    : resolveProfile(profile as ProfileConfig);
  const plan = PLANS.get(resolved);
  if (!plan) {
    throw new TypeError(
      "Cannot generate WGSL as profile must come from resolveProfile(): current value is a foreign object",
    );
  }
  const shift = plan.lanes === 1 ? 2 : 1;
  const slot = plan.lanes === 1 ? "i & 3u" : "(i & 1u) * 2u";
  const { code, last } = stagesWgsl(plan);
  return `// delay profile: ${JSON.stringify(resolved.config).slice(0, 200)}
fn lat_slot_word(seed: u32, stream: u32, i: u32, block: u32) -> u32 {
  let w = pcg4d(vec4<u32>(seed, stream, i >> ${shift}u, block));
  return w[${slot}] >> 8u;
}
${baseWgsl(plan)}${code}
fn sample_delay(seed: u32, stream: u32, counter: u32) -> i32 {
  return ${last}(seed, stream, counter, 0u);
}
`;
}
