import assert from "node:assert/strict";
import {
  adamwStep,
  createAdamWState,
  learningRateAt,
  resolveAdamWOptions,
} from "./adamw.ts";

const TOL = 1e-6;

function close(actual: ArrayLike<number>, expected: number[], what: string) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i]! - expected[i]!) <=
        TOL * Math.max(1, Math.abs(expected[i]!)),
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

Deno.test("adamwStep() matches a hand computation of two steps with clipping and weight decay", () => {
  // lr 0.1, no warm-up, wd 0.01, clip 0.4: step 1 |g| = 0.3742 (not clipped),
  // step 2 |g| = 0.4031 (scaled by 0.4/0.4031 = 0.99228).
  const options = resolveAdamWOptions({
    learningRate: 0.1,
    warmupSteps: 0,
    weightDecay: 0.01,
    clipNorm: 0.4,
  });
  const p = Float32Array.of(0.5, -1.0, 2.0);
  const state = createAdamWState(3);
  const i1 = adamwStep(p, {
    grad: Float32Array.of(0.1, -0.2, 0.3),
    state,
    options,
  });
  assert.equal(i1.clipScale, 1);
  assert.ok(Math.abs(i1.gradNorm - 0.37416573867739417) < 1e-7);
  // m̂/(√v̂+ε) = sign(g) on the first step: p − 0.1·(±1 + 0.01·p)
  close(p, [0.3995, -0.899, 1.898], "params after step 1");
  close(state.m, [0.01, -0.02, 0.03], "m after step 1");
  close(state.v, [1e-5, 4e-5, 9e-5], "v after step 1");
  const i2 = adamwStep(p, {
    grad: Float32Array.of(-0.05, 0.4, 0.0),
    state,
    options,
  });
  assert.ok(Math.abs(i2.clipScale - 0.9922778767136676) < 1e-7);
  close(
    p,
    [0.3721682240663314, -0.9344215872481215, 1.8290961810758213],
    "params after step 2",
  );
  close(
    state.m,
    [0.004038610616431662, 0.021691115068546696, 0.027],
    "m after step 2",
  );
  close(
    state.v,
    [1.2451538461538475e-05, 0.00019749846153846172, 8.991e-05],
    "v after step 2",
  );
  assert.equal(state.step, 2);
});

Deno.test("adamwStep() warm-up starts at learning rate 0 like optax", () => {
  const options = resolveAdamWOptions({ learningRate: 0.1, warmupSteps: 2 });
  const p = Float32Array.of(0.5);
  const state = createAdamWState(1);
  const i0 = adamwStep(p, { grad: Float32Array.of(1), state, options });
  assert.equal(i0.learningRate, 0);
  assert.equal(p[0], 0.5);
  const i1 = adamwStep(p, { grad: Float32Array.of(1), state, options });
  assert.equal(i1.learningRate, 0.05);
  assert.ok(p[0]! < 0.5);
  assert.equal(learningRateAt(1000, resolveAdamWOptions()), 3e-4);
  assert.equal(learningRateAt(500, resolveAdamWOptions()), 1.5e-4);
});

Deno.test("learningRateAt() decays like optax's warmup_cosine_decay_schedule", () => {
  const o = resolveAdamWOptions({
    learningRate: 1e-3,
    warmupSteps: 100,
    schedule: "cosine",
    decaySteps: 1100,
    endLearningRate: 1e-5,
  });
  // optax: end + (peak − end)·0.5·(1 + cos(π·(step − warmup)/(decay − warmup)))
  const optax = (s: number) =>
    1e-5 + (1e-3 - 1e-5) * 0.5 * (1 + Math.cos(Math.PI * (s - 100) / 1000));
  assert.equal(learningRateAt(50, o), 5e-4);
  for (const s of [100, 101, 350, 600, 850, 1099]) {
    assert.ok(Math.abs(learningRateAt(s, o) - optax(s)) < 1e-15, `step ${s}`);
  }
  assert.equal(learningRateAt(1100, o), 1e-5);
  assert.equal(learningRateAt(5000, o), 1e-5);
  const lin = resolveAdamWOptions({
    learningRate: 1,
    warmupSteps: 0,
    schedule: "linear",
    decaySteps: 4,
  });
  assert.deepEqual([0, 1, 2, 3, 4, 8].map((s) => learningRateAt(s, lin)), [
    1,
    0.75,
    0.5,
    0.25,
    0,
    0,
  ]);
  // the schedule reaches adamwStep: its reported rate falls monotonically
  const p = Float32Array.of(0.5);
  const state = createAdamWState(1);
  const rates = [0, 1, 2, 3, 4].map(() =>
    adamwStep(p, { grad: Float32Array.of(1), state, options: lin })
      .learningRate
  );
  assert.deepEqual(rates, [1, 0.75, 0.5, 0.25, 0]);
});

Deno.test("adamwStep() rejects mismatched lengths and resolveAdamWOptions() bad fields", () => {
  const options = resolveAdamWOptions();
  assert.throws(
    () =>
      adamwStep(new Float32Array(2), {
        grad: new Float32Array(3),
        state: createAdamWState(2),
        options,
      }),
    /grad must have length 2: current length is 3/,
  );
  assert.throws(
    () => resolveAdamWOptions({ learningRate: -1 }),
    /learningRate/,
  );
  assert.throws(() => resolveAdamWOptions({ warmupSteps: 1.5 }), /warmupSteps/);
  assert.throws(() => resolveAdamWOptions({ clipNorm: 0 }), /clipNorm/);
  assert.throws(
    () => resolveAdamWOptions({ schedule: "step" as "cosine" }),
    /schedule must be one of constant, cosine, linear/,
  );
  assert.throws(
    () => resolveAdamWOptions({ warmupSteps: 10, schedule: "cosine" }),
    /decaySteps must be > warmupSteps \(10\) for a cosine schedule: current value is 0/,
  );
  assert.throws(
    () => resolveAdamWOptions({ learningRate: 1e-3, endLearningRate: 1e-2 }),
    /endLearningRate/,
  );
});
