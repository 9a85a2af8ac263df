import assert from "node:assert/strict";
import { delaySummary, percentile, pViolate, wilsonInterval } from "./stats.ts";

// Expected values computed with numpy 2.4 `np.percentile(values, q)`.
const NUMPY: [number[], number, number][] = [
  [[1, 2, 3, 4], 50, 2.5],
  [[0, 0, 0, 0, 1, 4], 95, 3.25],
  [[0, 1, 4], 99, 3.94],
  [[3, 1, 2], 0, 1],
  [[3, 1, 2], 100, 3],
  [[5], 37, 5],
  [[0.1, 0.2, 0.7], 33.3, 0.1666],
  [[10, 0, 7, 3, 3, 1, 4, 4, 4, 0, 2], 99, 9.700000000000001],
  [[10, 0, 7, 3, 3, 1, 4, 4, 4, 0, 2], 95, 8.5],
  [[10, 0, 7, 3, 3, 1, 4, 4, 4, 0, 2], 50, 3],
  [[0.3, 0.1, 0.2], 30, 0.16],
  [[3, 0, 1, 1, 4, 0, 0, 1], 95, 3.6499999999999995],
];

Deno.test("percentile() interpolates linearly like numpy, bit for bit", () => {
  for (const [values, q, expected] of NUMPY) {
    assert.equal(
      percentile(values, q),
      expected,
      `percentile(${values}, ${q})`,
    );
    assert.equal(
      percentile(Int32Array.from(values.map(Math.round)), q),
      percentile(values.map(Math.round), q),
    );
  }
  const v = [3, 1, 2];
  percentile(v, 50);
  assert.deepEqual(v, [3, 1, 2], "input not modified");
});

Deno.test("percentile() rejects empty input, NaN values and q outside [0, 100]", () => {
  assert.throws(
    () => percentile([], 50),
    /values must be non-empty: current length is 0/,
  );
  assert.throws(() => percentile([1, NaN], 50), /values\[1\] must not be NaN/);
  assert.throws(
    () => percentile([1], 101),
    /q must be in \[0, 100\]: current value is 101/,
  );
  assert.throws(() => percentile([1], NaN), RangeError);
});

Deno.test("pViolate() counts d > H - s", () => {
  const d = [0, 1, 2, 3, 4, 5];
  assert.equal(pViolate(d, { horizon: 4, executeHorizon: 1 }), 2 / 6); // d > 3
  assert.equal(pViolate(d, { horizon: 4, executeHorizon: 4 }), 5 / 6); // d > 0
  assert.equal(pViolate(d, { horizon: 8, executeHorizon: 2 }), 0);
  assert.throws(
    () => pViolate(d, { horizon: 4, executeHorizon: 5 }),
    /executeHorizon must be an integer in \[1, 4\]: current value is 5/,
  );
  assert.throws(
    () => pViolate(d, { horizon: 0, executeHorizon: 1 }),
    /horizon must be an integer >= 1: current value is 0/,
  );
  assert.throws(
    () => pViolate([], { horizon: 4, executeHorizon: 1 }),
    RangeError,
  );
});

Deno.test("wilsonInterval() matches the closed form", () => {
  const close = (a: number, b: number) =>
    assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  let r = wilsonInterval(8, 10);
  close(r.lower, 0.49015684672072335);
  close(r.upper, 0.9433190520193067);
  r = wilsonInterval(0, 10);
  assert.equal(r.lower, 0);
  close(r.upper, 0.2775401687666166);
  r = wilsonInterval(10, 10);
  close(r.lower, 0.7224598312333834);
  assert.equal(r.upper, 1);
  r = wilsonInterval(50, 100, { z: 2.576 });
  close(r.lower, 0.37527187431174236);
  assert.throws(
    () => wilsonInterval(11, 10),
    /successes must be an integer in \[0, 10\]: current value is 11/,
  );
  assert.throws(
    () => wilsonInterval(0, 0),
    /n must be an integer >= 1: current value is 0/,
  );
  assert.throws(() => wilsonInterval(1, 2, { z: -1 }), RangeError);
});

Deno.test("delaySummary() agrees with percentile() and pViolate()", () => {
  const d = [3, 0, 1, 1, 4, 0, 0, 1];
  const s = delaySummary(d, { horizon: 4, executeHorizon: 1 });
  assert.equal(s.n, 8);
  assert.equal(s.d_mean, 10 / 8);
  assert.equal(s.d_p50, percentile(d, 50));
  assert.equal(s.d_p95, 3.6499999999999995);
  assert.equal(s.d_p99, percentile(d, 99));
  assert.equal(s.d_max, 4);
  assert.equal(s.p_violate, pViolate(d, { horizon: 4, executeHorizon: 1 }));
  assert.deepEqual(s.p_violate_ci, wilsonInterval(1, 8));
});
