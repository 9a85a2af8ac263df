import assert from "node:assert/strict";
import { pcg4d, uniform } from "../rng/rng.ts";
import { resolveProfile } from "./resolve.ts";
import { SEED_PROFILES } from "./presets.ts";
import type { ProfileConfig } from "./types.ts";

const MIX = {
  kind: "mixture",
  base_delays: [0, 1],
  base_probs: [0.8, 0.2],
  p_spike: 0.05,
  d_spike: 4,
};

// [name, config, error class, text that must appear in the message]
const INVALID: [string, unknown, ErrorConstructor, string][] = [
  [
    "not an object",
    3,
    TypeError,
    "config must be an object: current value is 3",
  ],
  ["null", null, TypeError, "config must be an object"],
  [
    "missing kind",
    { delay: 1 },
    TypeError,
    "kind must be a string: current value is undefined",
  ],
  [
    "unknown kind",
    { kind: "gamma" },
    RangeError,
    'kind must be one of fixed, mixture, categorical, lognormal, pareto, empirical, bursty: current value is "gamma"',
  ],
  [
    "unknown field",
    { kind: "fixed", delay: 1, dealy: 2 },
    TypeError,
    "dealy is not a known field",
  ],
  [
    "missing delay",
    { kind: "fixed" },
    TypeError,
    "delay must be an integer >= 0: current value is undefined",
  ],
  [
    "string delay",
    { kind: "fixed", delay: "2" },
    TypeError,
    'delay must be an integer >= 0: current value is "2"',
  ],
  [
    "negative delay",
    { kind: "fixed", delay: -1 },
    RangeError,
    "delay must be an integer >= 0: current value is -1",
  ],
  [
    "non-integer delay",
    { kind: "fixed", delay: 1.5 },
    RangeError,
    "current value is 1.5",
  ],
  [
    "NaN delay",
    { kind: "fixed", delay: NaN },
    RangeError,
    "delay must be an integer >= 0: current value is NaN",
  ],
  [
    "probs sum",
    { ...MIX, base_probs: [0.8, 0.199] },
    RangeError,
    "Cannot create mixture profile as base_probs must sum to 1: current sum is 0.9990000000000001",
  ],
  [
    "probs sum just inside 1e-6",
    { ...MIX, base_probs: [0.8, 0.2000005] },
    Error,
    "",
  ],
  [
    "empty base_delays",
    { ...MIX, base_delays: [], base_probs: [] },
    RangeError,
    "base_delays must be non-empty: current value is []",
  ],
  [
    "base_delays not array",
    { ...MIX, base_delays: 1 },
    TypeError,
    "base_delays must be an array of numbers",
  ],
  [
    "negative base delay",
    { ...MIX, base_delays: [0, -1] },
    RangeError,
    "base_delays[1] must be an integer >= 0: current value is -1",
  ],
  [
    "NaN prob",
    { ...MIX, base_probs: [NaN, 0.2] },
    RangeError,
    "base_probs[0] must be a finite number in [0, 1]: current value is NaN",
  ],
  [
    "prob above 1",
    { ...MIX, base_probs: [1.2, -0.2] },
    RangeError,
    "base_probs[0] must be a finite number in [0, 1]: current value is 1.2",
  ],
  [
    "length mismatch",
    { ...MIX, base_probs: [1] },
    RangeError,
    "base_probs must have the length of base_delays (2): current length is 1",
  ],
  [
    "p_spike NaN",
    { ...MIX, p_spike: NaN },
    RangeError,
    "p_spike must be a finite number in [0, 1]: current value is NaN",
  ],
  [
    "p_spike above 1",
    { ...MIX, p_spike: 1.5 },
    RangeError,
    "p_spike must be a finite number in [0, 1]: current value is 1.5",
  ],
  [
    "d_spike non-integer",
    { ...MIX, d_spike: 4.2 },
    RangeError,
    "d_spike must be an integer >= 0: current value is 4.2",
  ],
  [
    "categorical probs",
    { kind: "categorical", delays: [1, 2], probs: [0.5, 0.6] },
    RangeError,
    "probs must sum to 1: current sum is 1.1",
  ],
  [
    "categorical empty",
    { kind: "categorical", delays: [], probs: [] },
    RangeError,
    "delays must be non-empty",
  ],
  [
    "lognormal dt 0",
    { kind: "lognormal", dt_ms: 0, median_ms: 10, sigma: 1 },
    RangeError,
    "dt_ms must be a finite number > 0: current value is 0",
  ],
  [
    "lognormal sigma negative",
    { kind: "lognormal", dt_ms: 20, median_ms: 10, sigma: -1 },
    RangeError,
    "sigma must be a finite number >= 0: current value is -1",
  ],
  [
    "lognormal median missing",
    { kind: "lognormal", dt_ms: 20, sigma: 1 },
    TypeError,
    "median_ms must be a finite number > 0: current value is undefined",
  ],
  [
    "pareto alpha 0",
    { kind: "pareto", dt_ms: 20, scale_ms: 10, alpha: 0 },
    RangeError,
    "alpha must be a finite number > 0: current value is 0",
  ],
  [
    "pareto offset Infinity",
    { kind: "pareto", dt_ms: 20, scale_ms: 10, alpha: 1, offset_ms: Infinity },
    RangeError,
    "offset_ms must be a finite number >= 0: current value is Infinity",
  ],
  [
    "empirical empty",
    { kind: "empirical", dt_ms: 20, samples_ms: [] },
    RangeError,
    "samples_ms must be non-empty",
  ],
  [
    "empirical negative",
    { kind: "empirical", dt_ms: 20, samples_ms: [3, -2] },
    RangeError,
    "samples_ms[1] must be a finite number >= 0: current value is -2",
  ],
  [
    "empirical unloaded csv",
    { kind: "empirical", dt_ms: 20, trace_csv: "x.csv" },
    TypeError,
    "samples_ms must be an array (load trace_csv with loadProfiles() or loadTraceCsv())",
  ],
  [
    "empirical mode",
    { kind: "empirical", dt_ms: 20, samples_ms: [1], mode: "shuffle" },
    RangeError,
    'mode must be one of iid, replay: current value is "shuffle"',
  ],
  [
    "bursty sum",
    {
      kind: "bursty",
      dt_ms: 20,
      p_enter: 0.75,
      p_exit: 0.5,
      calm: { median_ms: 10, sigma: 0 },
      burst: { median_ms: 50, sigma: 0 },
    },
    RangeError,
    "p_enter + p_exit must be in (0, 1]: current sum is 1.25",
  ],
  [
    "bursty zero",
    {
      kind: "bursty",
      dt_ms: 20,
      p_enter: 0,
      p_exit: 0,
      calm: { median_ms: 10, sigma: 0 },
      burst: { median_ms: 50, sigma: 0 },
    },
    RangeError,
    "current sum is 0",
  ],
  [
    "bursty state shape",
    {
      kind: "bursty",
      dt_ms: 20,
      p_enter: 0.1,
      p_exit: 0.1,
      calm: 3,
      burst: { median_ms: 50, sigma: 0 },
    },
    TypeError,
    "calm must be an object: current value is 3",
  ],
  [
    "bursty state field",
    {
      kind: "bursty",
      dt_ms: 20,
      p_enter: 0.1,
      p_exit: 0.1,
      calm: { median_ms: 10, sigma: 0 },
      burst: { median_ms: -5, sigma: 0 },
    },
    RangeError,
    "burst.median_ms must be a finite number > 0: current value is -5",
  ],
  [
    "transforms not array",
    { ...MIX, transforms: { kind: "tail_cap", cap: 1 } },
    TypeError,
    "transforms must be an array",
  ],
  [
    "transform not object",
    { ...MIX, transforms: ["tail_cap"] },
    TypeError,
    'transforms[0] must be an object: current value is "tail_cap"',
  ],
  [
    "unknown transform",
    { ...MIX, transforms: [{ kind: "clip", cap: 1 }] },
    RangeError,
    'transforms[0].kind must be one of tail_cap, drop_spike, hedge, cold_start: current value is "clip"',
  ],
  [
    "cap below 0",
    { ...MIX, transforms: [{ kind: "tail_cap", cap: -1 }] },
    RangeError,
    "transforms[0].cap must be an integer >= 0: current value is -1",
  ],
  [
    "cap NaN",
    { ...MIX, transforms: [{ kind: "tail_cap", cap: NaN }] },
    RangeError,
    "transforms[0].cap must be an integer >= 0: current value is NaN",
  ],
  [
    "cap unknown field",
    { ...MIX, transforms: [{ kind: "tail_cap", cap: 1, max: 2 }] },
    TypeError,
    "transforms[0].max is not a known field",
  ],
  [
    "drop p",
    {
      ...MIX,
      transforms: [{ kind: "hedge", k: 2 }, { kind: "drop_spike", p: 2 }],
    },
    RangeError,
    "transforms[1].p must be a finite number in [0, 1]: current value is 2",
  ],
  [
    "drop threshold required",
    { kind: "fixed", delay: 3, transforms: [{ kind: "drop_spike", p: 0.5 }] },
    TypeError,
    "transforms[0].threshold must be an integer >= 0 (required unless the profile is a mixture): current value is undefined",
  ],
  [
    "hedge k 0",
    { ...MIX, transforms: [{ kind: "hedge", k: 0 }] },
    RangeError,
    "transforms[0].k must be an integer in [1, 16]: current value is 0",
  ],
  [
    "hedge too wide",
    {
      ...MIX,
      transforms: [
        { kind: "hedge", k: 16 },
        { kind: "hedge", k: 16 },
        { kind: "hedge", k: 16 },
        { kind: "hedge", k: 16 },
        { kind: "hedge", k: 16 },
        { kind: "hedge", k: 16 },
      ],
    },
    RangeError,
    "transforms[5] makes the pipeline use more than 1048576 draws per delay",
  ],
  [
    "cold_start negative",
    { ...MIX, transforms: [{ kind: "cold_start", extra: -3 }] },
    RangeError,
    "transforms[0].extra must be an integer >= 0: current value is -3",
  ],
];

for (const [name, config, Kind, text] of INVALID) {
  if (Kind === Error) {
    Deno.test(`resolveProfile() accepts ${name}`, () => {
      resolveProfile(config as ProfileConfig);
    });
    continue;
  }
  Deno.test(`resolveProfile() rejects ${name} with ${Kind.name}`, () => {
    assert.throws(
      () => resolveProfile(config as ProfileConfig),
      (err: Error) => {
        assert.equal(err.constructor, Kind, err.message);
        assert.ok(err.message.includes(text), err.message);
        assert.ok(err.message.startsWith("Cannot create "), err.message);
        return true;
      },
    );
  });
}

Deno.test("resolveProfile() keeps a normalised, JSON-serialisable copy of the config", () => {
  const input = structuredClone(SEED_PROFILES.tail_controlled) as ProfileConfig;
  const p = resolveProfile(input);
  assert.deepEqual(JSON.parse(JSON.stringify(p.config)), input);
  assert.notEqual(p.config, input);
  assert.equal(p.kind, "mixture");
  assert.deepEqual(
    resolveProfile({ kind: "fixed", delay: 2, transforms: [] }).config,
    {
      kind: "fixed",
      delay: 2,
    },
  );
});

const ALL: ProfileConfig[] = [
  { kind: "fixed", delay: 2 },
  { ...MIX } as ProfileConfig,
  { kind: "categorical", delays: [3, 1, 2], probs: [0.2, 0.5, 0.3] },
  { kind: "lognormal", dt_ms: 20, median_ms: 40, sigma: 0.7, offset_ms: 3 },
  { kind: "pareto", dt_ms: 20, scale_ms: 25, alpha: 1.2 },
  { kind: "empirical", dt_ms: 20, samples_ms: [5, 45, 61, 19, 150] },
  {
    kind: "empirical",
    dt_ms: 20,
    samples_ms: [5, 45, 61, 19, 150],
    mode: "replay",
  },
  {
    kind: "bursty",
    dt_ms: 20,
    p_enter: 0.05,
    p_exit: 0.3,
    calm: { median_ms: 20, sigma: 0.2 },
    burst: { median_ms: 90, sigma: 0.4 },
  },
  {
    ...MIX,
    transforms: [{ kind: "cold_start", extra: 9 }, {
      kind: "tail_cap",
      cap: 3,
    }],
  } as ProfileConfig,
  {
    ...MIX,
    transforms: [{ kind: "hedge", k: 3 }, { kind: "drop_spike", p: 0.5 }, {
      kind: "cold_start",
      extra: 2,
    }],
  } as ProfileConfig,
  {
    kind: "lognormal",
    dt_ms: 20,
    median_ms: 40,
    sigma: 1,
    transforms: [{ kind: "drop_spike", p: 0.9, threshold: 3 }, {
      kind: "hedge",
      k: 2,
    }],
  },
];

Deno.test("sample(n, seed, stream)[i] equals sampleAt(seed, stream, i) for every kind and offset", () => {
  for (const config of ALL) {
    const p = resolveProfile(config);
    for (const start of [0, 1, 3, 4, 4093]) {
      const d = p.sample(2051, 11, 5, start);
      for (let i = 0; i < d.length; i++) {
        const ref = p.sampleAt(11, 5, start + i);
        if (d[i] !== ref) {
          assert.fail(
            `${config.kind} start ${start} i ${i}: ${d[i]} vs ${ref}`,
          );
        }
      }
    }
    // Reverse order and a far counter give the same draws (counter-based).
    const q = resolveProfile(config);
    for (let i = 40; i >= 0; i--) {
      assert.equal(q.sampleAt(11, 5, i), p.sampleAt(11, 5, i));
    }
    assert.equal(
      q.sampleAt(11, 5, 0xffffffff),
      p.sample(1, 11, 5, 0xffffffff)[0],
    );
  }
});

Deno.test("sample() is deterministic and differs across seeds and streams", () => {
  const p = resolveProfile(ALL[2]!);
  assert.deepEqual(p.sample(500, 1, 2), p.sample(500, 1, 2));
  assert.notDeepEqual(p.sample(500, 1, 2), p.sample(500, 2, 2));
  assert.notDeepEqual(p.sample(500, 1, 2), p.sample(500, 1, 3));
});

Deno.test("categorical draws follow the documented counter allocation (lane i & 3 of counter i >> 2)", () => {
  const p = resolveProfile({
    kind: "categorical",
    delays: [7, 8],
    probs: [0.5, 0.5],
  });
  for (let i = 0; i < 64; i++) {
    const u = uniform(9, 4, i >> 2, i & 3);
    assert.equal(p.sampleAt(9, 4, i), u < 0.5 ? 7 : 8);
  }
  // Lognormal (two lanes per draw): counter i >> 1, lanes 2 (i & 1), 2 (i & 1) + 1; block 0.
  const ln = resolveProfile({
    kind: "lognormal",
    dt_ms: 1,
    median_ms: 1000,
    sigma: 1,
  });
  const w = pcg4d(9, 4, 3, 0, new Uint32Array(4));
  const u1 = ((w[2]! >>> 8) + 1) / 16777216, u2 = (w[3]! >>> 8) / 16777216;
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  assert.ok(
    Math.abs(ln.sampleAt(9, 4, 7) - 1000 * Math.exp(z)) <=
      1 + 1e-3 * 1000 * Math.exp(z),
  );
});

Deno.test("sample() rejects bad seeds, streams, counts and counters", () => {
  const p = resolveProfile({ kind: "fixed", delay: 1 });
  assert.throws(
    () => p.sample(-1, 0, 0),
    /n must be an integer in \[0, 2\^32\]: current value is -1/,
  );
  assert.throws(() => p.sample(1.5, 0, 0), RangeError);
  assert.throws(() => p.sample(4, -1, 0), /seed/);
  assert.throws(() => p.sample(4, 0, 2 ** 32), /stream/);
  assert.throws(() => p.sampleAt(0, 0, -1), /counter/);
  assert.throws(() => p.sample(4, 0, 0, 2 ** 32 - 2), /start \+ n/);
});
