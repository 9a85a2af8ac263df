import assert from "node:assert/strict";
import { resolveProfile } from "./resolve.ts";
import { scaleProfile } from "./scale.ts";
import { SEED_PROFILES } from "./presets.ts";
import { coldStart, dropSpike, hedge, tailCap } from "./transforms.ts";
import { withTransforms } from "./transforms.ts";
import type { ProfileConfig } from "./types.ts";

const N = 4096;
const SEED = 77;

const MIX: ProfileConfig = {
  kind: "mixture",
  base_delays: [1, 2, 3],
  base_probs: [0.5, 0.3, 0.2],
  p_spike: 0.1,
  d_spike: 7,
};
const LOGNORMAL: ProfileConfig = {
  kind: "lognormal",
  dt_ms: 20,
  median_ms: 35,
  sigma: 0.5,
  offset_ms: 4,
};
const PARETO: ProfileConfig = {
  kind: "pareto",
  dt_ms: 20,
  scale_ms: 25,
  alpha: 1.3,
};
const BURSTY: ProfileConfig = {
  kind: "bursty",
  dt_ms: 20,
  p_enter: 0.1,
  p_exit: 0.4,
  calm: { median_ms: 30, sigma: 0.3 },
  burst: { median_ms: 150, sigma: 0.4 },
};
const TRACE = [3.5, 41, 19.5, 77, 8, 260, 33, 12];
const EMPIRICAL: ProfileConfig = {
  kind: "empirical",
  dt_ms: 20,
  samples_ms: TRACE,
};
const REPLAY: ProfileConfig = { ...EMPIRICAL, mode: "replay" };

const ALL: Record<string, ProfileConfig> = {
  fixed: { kind: "fixed", delay: 3 },
  mixture: MIX,
  categorical: {
    kind: "categorical",
    delays: [0, 2, 5],
    probs: [0.2, 0.5, 0.3],
  },
  lognormal: LOGNORMAL,
  pareto: PARETO,
  bursty: BURSTY,
  empirical: EMPIRICAL,
  replay: REPLAY,
  transforms: withTransforms(MIX, [coldStart(4), hedge(2), tailCap(5)]),
};

function draws(config: ProfileConfig, stream = 0): Int32Array {
  return resolveProfile(config).sample(N, SEED, stream);
}

Deno.test("a scale of 1 (explicit or through scaleProfile) changes no draw of any kind", () => {
  for (const [name, config] of Object.entries(ALL)) {
    const plain = draws(config);
    assert.deepEqual(draws({ ...config, scale: 1 }), plain, name);
    assert.deepEqual(
      scaleProfile(config, 1).sample(N, SEED, 0),
      plain,
      `${name} via scaleProfile`,
    );
  }
});

Deno.test("step kinds give ceil(d * scale) of the same draw", () => {
  for (const name of ["fixed", "mixture", "categorical"]) {
    const config = ALL[name]!;
    const plain = draws(config, 3);
    const scaled = draws({ ...config, scale: 1.37 }, 3);
    for (let i = 0; i < N; i++) {
      assert.equal(scaled[i], Math.ceil(plain[i]! * 1.37), `${name} draw ${i}`);
    }
  }
});

Deno.test("millisecond kinds scale the drawn ms: scale 2 with dt_ms doubled is the unscaled draw", () => {
  // ms * 2 and dt * 2 are exact in float32 and float64, so ceil((2 ms) / (2 dt)) = ceil(ms / dt).
  for (const name of ["lognormal", "pareto", "bursty", "empirical", "replay"]) {
    const config = ALL[name] as ProfileConfig & { dt_ms: number };
    const twice = { ...config, dt_ms: 2 * config.dt_ms, scale: 2 };
    assert.deepEqual(draws(twice, 5), draws(config, 5), name);
  }
});

Deno.test("a scale > 1 never shortens a draw and keeps the draws paired (same uniforms)", () => {
  for (const name of ["lognormal", "pareto", "bursty", "empirical", "replay"]) {
    const plain = draws(ALL[name]!, 2);
    const slow = draws({ ...ALL[name]!, scale: 1.6 }, 2);
    let longer = 0;
    for (let i = 0; i < N; i++) {
      assert.ok(slow[i]! >= plain[i]!, `${name} draw ${i}`);
      if (slow[i]! > plain[i]!) longer++;
    }
    assert.ok(longer > N / 4, `${name}: ${longer} of ${N} draws longer`);
  }
});

Deno.test("the scale comes before the transforms: a cap bounds the scaled delay", () => {
  const capped = withTransforms(MIX, [tailCap(5)]);
  const plain = draws(MIX, 1);
  const scaled = draws({ ...capped, scale: 2 }, 1);
  for (let i = 0; i < N; i++) {
    assert.equal(scaled[i], Math.min(5, 2 * plain[i]!), `draw ${i}`);
  }
  // drop_spike's default threshold is the largest scaled base delay (6).
  const dropped = draws(
    { ...withTransforms(MIX, [dropSpike(1)]), scale: 2 },
    1,
  );
  assert.ok(dropped.every((d) => d <= 6));
  // cold_start adds its extra steps unscaled.
  const cold = resolveProfile({
    kind: "fixed",
    delay: 2,
    scale: 1.5,
    transforms: [coldStart(10)],
  });
  assert.deepEqual([...cold.sample(3, 0, 0)], [13, 3, 3]);
});

Deno.test("scaleProfile() multiplies an existing scale and keeps every other field", () => {
  const once = scaleProfile({ ...LOGNORMAL, scale: 1.5 }, 2);
  assert.equal(once.config.scale, 3);
  assert.deepEqual(
    once.sample(N, SEED, 0),
    resolveProfile({ ...LOGNORMAL, scale: 3 }).sample(N, SEED, 0),
  );
  const back = scaleProfile({ ...LOGNORMAL, scale: 0.5 }, 2);
  assert.equal(back.config.scale, undefined);
  const capped = scaleProfile(SEED_PROFILES.tail_controlled, 3);
  assert.deepEqual(capped.config.transforms, [{ kind: "tail_cap", cap: 2 }]);
});

Deno.test("scale must be a finite number > 0", () => {
  for (const bad of [0, -1, NaN, Infinity]) {
    assert.throws(
      () => resolveProfile({ kind: "fixed", delay: 1, scale: bad }),
      RangeError,
      `fixed profile as scale must be a finite number > 0: current value is ${bad}`,
    );
  }
  assert.throws(
    () => resolveProfile({ ...LOGNORMAL, scale: "2" as unknown as number }),
    TypeError,
    'scale must be a finite number > 0: current value is "2"',
  );
  assert.throws(() => scaleProfile(LOGNORMAL, -2), RangeError, "factor");
});

Deno.test("hedge and drop_spike copies of a replayed trace read other points of the trace; copy 0 is the plain replay", () => {
  const plain = draws(REPLAY, 4);
  const hedged = draws(withTransforms(REPLAY, [hedge(2)]), 4);
  let shorter = 0;
  for (let i = 0; i < N; i++) {
    assert.ok(hedged[i]! <= plain[i]!, `draw ${i}`);
    if (hedged[i]! < plain[i]!) shorter++;
  }
  assert.ok(shorter > N / 4, `hedging shortened ${shorter} of ${N} draws`);
  const zero = { ...REPLAY, phase: "zero" as const };
  const zeroHedged = draws(withTransforms(zero, [hedge(2)]), 4);
  const zeroPlain = draws(zero, 4);
  assert.ok(zeroHedged.some((d, i) => d < zeroPlain[i]!));
  // A spike (260 ms = 13 steps) is replaced by another trace point <= 2 steps.
  const dropped = draws(
    withTransforms(REPLAY, [dropSpike(1, { threshold: 2 })]),
    4,
  );
  assert.ok(dropped.every((d) => d <= 2));
  assert.ok(dropped.some((d) => d < 2), "re-draws are real trace points");
});
