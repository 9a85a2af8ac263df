import assert from "node:assert/strict";
import { TemporalEnsemble } from "./temporal_ensemble.ts";

Deno.test("TemporalEnsemble uses ACT weights exp(−m·i) with i=0 the oldest", () => {
  const m = 0.5;
  const ens = new TemporalEnsemble({
    batch: 2,
    horizon: 3,
    actionDim: 2,
    decay: m,
  });
  // env 1: chunks at steps 0, 1, 2 (each predicts 3 steps)
  ens.add(1, Float32Array.of(0, 0, 1, 10, 2, 20), 0);
  ens.add(1, Float32Array.of(3, 30, 4, 40, 5, 50), 1);
  ens.add(1, Float32Array.of(6, 60, 7, 70, 8, 80), 2);
  const out = new Float32Array(2);
  assert.equal(ens.actionAt(1, 2, out), 3);
  const w = [1, Math.exp(-m), Math.exp(-2 * m)];
  const expect = (2 * w[0]! + 4 * w[1]! + 6 * w[2]!) / (w[0]! + w[1]! + w[2]!);
  assert.ok(Math.abs(out[0]! - expect) < 1e-6);
  assert.ok(Math.abs(out[1]! - 10 * expect) < 1e-5);
  // step 3: the chunk from step 0 no longer covers it
  assert.equal(ens.actionAt(1, 3, out), 2);
  // env 0 has nothing: out untouched, 0 returned
  out.fill(-1);
  assert.equal(ens.actionAt(0, 0, out), 0);
  assert.deepEqual([...out], [-1, -1]);
  ens.reset(1);
  assert.equal(ens.actionAt(1, 2, out), 0);
});

Deno.test("TemporalEnsemble addBatch stores one chunk per environment and replaces same-step chunks", () => {
  const ens = new TemporalEnsemble({ batch: 2, horizon: 2, actionDim: 1 });
  ens.addBatch(Float32Array.of(1, 2, 3, 4), 5);
  ens.addBatch(Float32Array.of(9, 9, 7, 8), Int32Array.of(4, 5));
  const out = new Float32Array(1);
  assert.equal(ens.actionAt(1, 6, out), 1);
  assert.equal(out[0], 8);
  assert.equal(ens.actionAt(0, 5, out), 2);
  assert.throws(
    () => new TemporalEnsemble({ batch: 0, horizon: 2, actionDim: 1 }),
    /batch must be a positive integer: current value is 0/,
  );
});
