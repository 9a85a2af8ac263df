import assert from "node:assert/strict";
import { pairedCounts, pairedDifference } from "./paired.ts";
import { wilsonInterval } from "../latency/stats.ts";
import { uniform } from "../rng/rng.ts";

Deno.test("pairedDifference() of identical arms is a narrow interval around 0", () => {
  const a = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const d = pairedDifference(a, a);
  assert.equal(d.diff, 0);
  assert.ok(d.lower <= 0 && d.upper >= 0 && d.upper - d.lower < 0.01);
  assert.equal(d.pValue, 1);
});

Deno.test("pairedDifference() with uncorrelated pairs combines the two Wilson intervals", () => {
  // both/onlyA/onlyB/neither = 25 each: phi = 0, so the half-widths are root sums of squares
  const a = [...new Array(50).fill(1), ...new Array(50).fill(0)];
  const b = [
    ...new Array(25).fill(1),
    ...new Array(25).fill(0),
    ...new Array(25).fill(1),
    ...new Array(25).fill(0),
  ];
  const d = pairedDifference(a, b);
  const w = wilsonInterval(50, 100);
  const half = Math.hypot(0.5 - w.lower, w.upper - 0.5);
  assert.ok(
    Math.abs(d.lower + half) < 1e-12 && Math.abs(d.upper - half) < 1e-12,
  );
});

Deno.test("pairedDifference() is antisymmetric in its arms", () => {
  const a = [1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1];
  const b = [1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1];
  const ab = pairedDifference(a, b);
  const ba = pairedDifference(b, a);
  assert.ok(Math.abs(ab.diff + ba.diff) < 1e-15);
  assert.ok(Math.abs(ab.lower + ba.upper) < 1e-12);
  assert.ok(Math.abs(ab.upper + ba.lower) < 1e-12);
  assert.equal(ab.pValue, ba.pValue);
});

Deno.test("pairedDifference() gives the exact McNemar p-value", () => {
  // 8 discordant pairs, 7 favour A: p = 2 * (1 + 8) / 256
  const a = [1, 1, 1, 1, 1, 1, 1, 0, 1, 0];
  const b = [0, 0, 0, 0, 0, 0, 0, 1, 1, 0];
  assert.ok(Math.abs(pairedDifference(a, b).pValue - 18 / 256) < 1e-12);
  assert.equal(pairedDifference([1, 0], [1, 0]).pValue, 1);
});

Deno.test("pairedDifference() covers the true difference about 95% of the time", () => {
  // correlated pairs: A succeeds w.p. 0.7, B copies A w.p. 0.6, else draws w.p. 0.5
  const n = 200;
  const reps = 1000;
  const trueDiff = 0.7 - (0.6 * 0.7 + 0.4 * 0.5);
  let covered = 0;
  for (let r = 0; r < reps; r++) {
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = uniform(1, r, 3 * i) < 0.7 ? 1 : 0;
      const y = uniform(1, r, 3 * i + 1) < 0.6
        ? x
        : (uniform(1, r, 3 * i + 2) < 0.5 ? 1 : 0);
      a.push(x);
      b.push(y);
    }
    const d = pairedDifference(a, b);
    if (d.lower <= trueDiff && trueDiff <= d.upper) covered++;
  }
  assert.ok(covered / reps > 0.93 && covered / reps < 0.975, `${covered}`);
});

Deno.test("pairedCounts() rejects unequal arms and non-binary outcomes", () => {
  assert.throws(() => pairedCounts([1], [1, 0]), /same non-zero length/);
  assert.throws(() => pairedCounts([1, 2], [1, 0]), /unit 1 are 2 and 0/);
});
