import assert from "node:assert/strict";
import {
  checkSeed,
  fillUniform,
  normal,
  pcg4d,
  uniform,
  UNIFORM_SCALE,
} from "./rng.ts";

Deno.test("pcg4d() matches hand-computed 32-bit arithmetic", () => {
  // Reference computed with BigInt arithmetic mod 2^32, independently of Math.imul.
  const M = 1n << 32n;
  const ref = (input: bigint[]): number[] => {
    let v = input.map((x) => (x * 1664525n + 1013904223n) % M);
    const mix = () => {
      v[0] = (v[0]! + v[1]! * v[3]!) % M;
      v[1] = (v[1]! + v[2]! * v[0]!) % M;
      v[2] = (v[2]! + v[0]! * v[1]!) % M;
      v[3] = (v[3]! + v[1]! * v[2]!) % M;
    };
    mix();
    v = v.map((x) => x ^ (x >> 16n));
    mix();
    return v.map(Number);
  };
  for (
    const input of [[0, 0, 0, 0], [1, 2, 3, 0], [0xffffffff, 7, 123456789, 0]]
  ) {
    const got = Array.from(
      pcg4d(input[0]!, input[1]!, input[2]!, input[3]!, new Uint32Array(4)),
    );
    assert.deepEqual(got, ref(input.map(BigInt)));
  }
});

Deno.test("uniform() is deterministic, in [0, 1) and on the 2^-24 grid", () => {
  for (let i = 0; i < 1000; i++) {
    const u = uniform(42, 3, i, i & 3);
    assert.ok(u >= 0 && u < 1);
    assert.equal(u, uniform(42, 3, i, i & 3));
    assert.ok(Number.isInteger(u / UNIFORM_SCALE));
  }
  assert.notEqual(uniform(42, 3, 0), uniform(43, 3, 0));
  assert.notEqual(uniform(42, 3, 0), uniform(42, 4, 0));
});

Deno.test("uniform() has mean 1/2 and variance 1/12 within 5 standard errors", () => {
  const n = 200_000;
  const u = fillUniform(new Float64Array(n), { seed: 1, stream: 0 });
  const mean = u.reduce((a, b) => a + b, 0) / n;
  const variance = u.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  assert.ok(Math.abs(mean - 0.5) < 5 * Math.sqrt(1 / 12 / n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`);
  // Lanes are not copies of each other.
  const u1 = fillUniform(new Float64Array(1000), {
    seed: 1,
    stream: 0,
    lane: 1,
  });
  assert.notDeepEqual(Array.from(u1), Array.from(u.slice(0, 1000)));
});

Deno.test("normal() has mean 0 and variance 1 within tolerance 0.02", () => {
  const n = 100_000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const z = normal(9, 1, i, i & 1);
    s += z;
    s2 += z * z;
  }
  assert.ok(Math.abs(s / n) < 0.02, `mean ${s / n}`);
  assert.ok(Math.abs(s2 / n - 1) < 0.02, `variance ${s2 / n}`);
});

Deno.test("checkSeed() rejects non-integers and out-of-range values", () => {
  assert.throws(
    () => checkSeed(1.5, "seed"),
    /seed as it must be an integer.*1.5/,
  );
  assert.throws(() => checkSeed(2 ** 32, "seed"), RangeError);
  assert.throws(() => checkSeed(NaN, "stream"), /stream/);
});
