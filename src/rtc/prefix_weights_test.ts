import assert from "node:assert/strict";
import { prefixWeights } from "./prefix_weights.ts";

const f32 = (xs: number[]) => xs.map(Math.fround);

Deno.test("prefixWeights() equals the example of docs/SEMANTICS.md §3 exactly (linear)", () => {
  assert.deepEqual(
    [...prefixWeights(2, 6, 10, "linear")],
    f32([1, 1, 0.8, 0.6, 0.4, 0.2, 0, 0, 0, 0]),
  );
});

Deno.test("prefixWeights() applies w·expm1(w)/(e−1) for exp", () => {
  const lin = [1, 1, 0.8, 0.6, 0.4, 0.2, 0, 0, 0, 0];
  const exp = lin.map((w) => w * Math.expm1(w) / (Math.E - 1));
  assert.deepEqual([...prefixWeights(2, 6, 10, "exp")], f32(exp));
  assert.equal(prefixWeights(2, 6, 10, "exp")[0], 1);
});

Deno.test("prefixWeights() ones and zeros stop at end", () => {
  assert.deepEqual([...prefixWeights(2, 6, 10, "ones")], [
    1,
    1,
    1,
    1,
    1,
    1,
    0,
    0,
    0,
    0,
  ]);
  assert.deepEqual([...prefixWeights(2, 6, 10, "zeros")], [
    1,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
});

Deno.test("prefixWeights() clamps start to end when start > end", () => {
  for (const s of ["linear", "exp", "zeros", "ones"] as const) {
    assert.deepEqual([...prefixWeights(5, 3, 6, s)], [1, 1, 1, 0, 0, 0], s);
    assert.deepEqual([...prefixWeights(3, 0, 4, s)], [0, 0, 0, 0], s);
  }
});

Deno.test("prefixWeights() with start 0 decays over the whole window", () => {
  assert.deepEqual(
    [...prefixWeights(0, 4, 4, "linear")],
    f32([0.8, 0.6, 0.4, 0.2]),
  );
  assert.deepEqual([...prefixWeights(0, 4, 4, "zeros")], [0, 0, 0, 0]);
});

Deno.test("prefixWeights() rejects bad arguments naming the field", () => {
  assert.throws(() => prefixWeights(1, 2, 0, "exp"), /total/);
  assert.throws(() => prefixWeights(1.5, 2, 4, "exp"), /start/);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => prefixWeights(1, 2, 4, "cosine" as any),
    /schedule must be one of exp, linear, ones, zeros: current value is "cosine"/,
  );
});
