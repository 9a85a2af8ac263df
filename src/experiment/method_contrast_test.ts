import assert from "node:assert/strict";
import {
  contrastMethods,
  formatContrastCsv,
  tQuantile975,
} from "./method_contrast.ts";
import { pairedDifference } from "./paired.ts";

Deno.test("contrastMethods() pairs seed by seed and rollout by rollout", () => {
  const naive = [[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 0, 0]];
  const rt = [[1, 1, 1, 0], [1, 0, 1, 1], [1, 1, 1, 0]];
  const runs = [0, 1, 2].flatMap((seed) => [
    { profile: "p", method: "naive", seed, solved: naive[seed]! },
    { profile: "p", method: "realtime", seed, solved: rt[seed]! },
    // another profile without naive is left out
    { profile: "q", method: "realtime", seed, solved: rt[seed]! },
  ]);
  const out = contrastMethods(runs);
  assert.equal(out.length, 1);
  const c = out[0]!;
  const ref = pairedDifference(rt.flat(), naive.flat());
  assert.equal(c.rollouts, 12);
  assert.equal(c.seeds, 3);
  assert.equal(c.diff, ref.diff);
  assert.equal(c.diff_lo, ref.lower);
  assert.equal(c.diff_hi, ref.upper);
  assert.equal(c.only_method, 3);
  assert.equal(c.only_baseline, 0);
  // per-seed differences 0.25, 0.25, 0.25: zero spread, a zero-width t interval
  assert.ok(Math.abs(c.seed_lo - 0.25) < 1e-12);
  assert.ok(Math.abs(c.seed_hi - 0.25) < 1e-12);
});

Deno.test("contrastMethods() widens the seed interval by t with k - 1 degrees of freedom", () => {
  const runs = [
    { profile: "p", method: "naive", seed: 0, solved: [0, 0] },
    { profile: "p", method: "m", seed: 0, solved: [1, 1] }, // +1
    { profile: "p", method: "naive", seed: 1, solved: [0, 0] },
    { profile: "p", method: "m", seed: 1, solved: [0, 0] }, // 0
  ];
  const [c] = contrastMethods(runs);
  // mean 0.5, sd sqrt(0.5), k = 2: half-width 12.706 * sqrt(0.5) / sqrt(2)
  const half = 12.706 * Math.sqrt(0.5) / Math.sqrt(2);
  assert.ok(Math.abs(c!.seed_lo - (0.5 - half)) < 1e-12);
  assert.ok(Math.abs(c!.seed_hi - (0.5 + half)) < 1e-12);
  assert.equal(tQuantile975(30), 2.042);
  assert.throws(() => tQuantile975(0), /df/);
});

Deno.test("contrastMethods() refuses runs of different sizes, naming the run", () => {
  const runs = [
    { profile: "p", method: "naive", seed: 0, solved: [0, 0] },
    { profile: "p", method: "m", seed: 0, solved: [1] },
  ];
  assert.throws(() => contrastMethods(runs), /p\/m\/seed_0/);
  assert.equal(
    formatContrastCsv([]).trim(),
    "profile,method,baseline,seeds,rollouts,solved,baseline_solved,diff,diff_lo,diff_hi,p_mcnemar,only_method,only_baseline,seed_lo,seed_hi",
  );
});
