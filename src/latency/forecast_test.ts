import assert from "node:assert/strict";
import {
  bufferMax,
  type ForecasterConfig,
  oracle,
  quantile,
  resolveForecaster,
} from "./forecast.ts";

Deno.test("oracle() predicts the true delay and requires it", () => {
  const f = oracle();
  f.observe(7);
  assert.equal(f.predict(2), 2);
  assert.throws(() => f.predict(), /trueDelay must be given/);
  assert.throws(
    () => f.predict(-1),
    /trueDelay must be an integer >= 0: current value is -1/,
  );
});

Deno.test("bufferMax(b) is the max of the last b delays and forgets a cold start", () => {
  const f = bufferMax(3);
  assert.equal(f.predict(), 0, "queue starts as [initial = 0]");
  const seq = [9, 1, 0, 2, 1, 1, 0, 3];
  // After each observation: max over the queue [0, ...seq] restricted to its last 3 entries.
  const expected = [9, 9, 9, 2, 2, 2, 1, 3];
  seq.forEach((d, i) => {
    f.observe(d);
    assert.equal(f.predict(99), expected[i], `after ${seq.slice(0, i + 1)}`);
  });
  f.reset();
  assert.equal(f.predict(), 0);
  const g = bufferMax(2, { initial: 4 });
  assert.equal(g.predict(), 4);
  g.observe(1);
  assert.equal(g.predict(), 4);
  g.observe(1);
  assert.equal(g.predict(), 1, "initial value forgotten after b observations");
});

Deno.test("quantile(q, window) is the rounded-up numpy quantile of the window", () => {
  const f = quantile(0.9, 4);
  assert.equal(f.predict(), 0);
  for (const d of [0, 0, 1, 5]) f.observe(d);
  assert.equal(f.predict(), 4); // percentile([0,0,1,5], 90) = 3.8
  f.observe(0); // window [0, 1, 5, 0]
  assert.equal(f.predict(), 4);
  f.observe(0); // window [1, 5, 0, 0]
  f.observe(0); // window [5, 0, 0, 0] -> 3.5
  assert.equal(f.predict(), 4);
  f.observe(0); // window [0, 0, 0, 0]
  assert.equal(f.predict(), 0);
  const med = quantile(0.5, 3);
  for (const d of [2, 2, 3]) med.observe(d);
  assert.equal(med.predict(), 2);
});

Deno.test("forecasters reject bad parameters and observations", () => {
  assert.throws(
    () => bufferMax(0),
    /size must be an integer >= 1: current value is 0/,
  );
  assert.throws(
    () => bufferMax(2, { initial: -1 }),
    /initial must be an integer >= 0: current value is -1/,
  );
  assert.throws(
    () => quantile(1.5, 3),
    /q must be a finite number in \[0, 1\]: current value is 1.5/,
  );
  assert.throws(
    () => quantile(0.5, 2.5),
    /window must be an integer >= 1: current value is 2.5/,
  );
  assert.throws(
    () => bufferMax(2).observe(NaN),
    /delay must be an integer >= 0: current value is NaN/,
  );
  assert.throws(() => quantile(0.5, 2).observe(-2), RangeError);
});

Deno.test("resolveForecaster() builds each kind and names bad fields", () => {
  assert.equal(resolveForecaster({ kind: "oracle" }).predict(3), 3);
  const b = resolveForecaster({ kind: "buffer_max", size: 2, initial: 3 });
  assert.equal(b.kind, "buffer_max");
  assert.equal(b.predict(), 3);
  const q = resolveForecaster({
    kind: "quantile",
    q: 0.5,
    window: 5,
    initial: 2,
  });
  assert.equal(q.predict(), 2);
  q.observe(1);
  assert.equal(q.predict(), 1);
  assert.throws(
    () => resolveForecaster({ kind: "ewma" } as unknown as ForecasterConfig),
    (e: Error) =>
      e instanceof RangeError &&
      /kind must be one of oracle, buffer_max, quantile: current value is "ewma"/
        .test(e.message),
  );
  assert.throws(
    () =>
      resolveForecaster({ kind: "buffer_max" } as unknown as ForecasterConfig),
    /size must be an integer >= 1: current value is undefined/,
  );
  assert.throws(
    () => resolveForecaster(null as unknown as ForecasterConfig),
    TypeError,
  );
});
