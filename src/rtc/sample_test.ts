import assert from "node:assert/strict";
import { fakeLinearNet } from "../testing/fake_net.ts";
import { resolveMethodConfig } from "./method_config.ts";
import { type ChunkRequest, sampleChunk } from "./sample.ts";
import { prefixWeights } from "./prefix_weights.ts";

const H = 4;
const A = 2;
const O = 3;

function request(batch: number, extra: Partial<ChunkRequest> = {}) {
  const obs = Float32Array.from({ length: batch * O }, (_, i) => 0.1 * i - 0.3);
  const prevChunk = Float32Array.from(
    { length: batch * H * A },
    (_, i) => Math.sin(i),
  );
  return {
    batch,
    obs,
    prevChunk,
    delay: new Int32Array(batch).fill(2),
    executeHorizon: new Int32Array(batch).fill(1),
    seed: 11,
    counter: 3,
    ...extra,
  };
}

const net = () =>
  fakeLinearNet({
    horizon: H,
    actionDim: A,
    obsDim: O,
    alpha: -0.7,
    gamma: 0.4,
    kappa: 0.2,
  });

Deno.test("sampleChunk() realtime guidance matches a hand computation", async () => {
  // B=1, n=2 steps (dt=0.5), d=1, s=2 -> end=2, linear weights [1, 0.5, 0, 0]
  const alpha = -0.7, gamma = 0.4, kappa = 0.2;
  const req = request(1, {
    delay: Int32Array.of(1),
    executeHorizon: Int32Array.of(2),
    trace: true,
  });
  const method = resolveMethodConfig({
    method: "realtime",
    numFlowSteps: 2,
    schedule: "linear",
    maxGuidanceWeight: 5,
  });
  const { chunk, trace } = await sampleChunk(net(), req, method);
  const w = [1, 0.5, 0, 0];
  const gws = [5, 2]; // t=0: β; t=0.5: c=1, inv_r2=2
  const so = req.obs[0]! + req.obs[1]! + req.obs[2]!;
  const x = Array.from(trace!.steps[0]!.xt);
  for (let k = 0; k < 2; k++) {
    const t = k * 0.5;
    assert.equal(trace!.steps[k]!.guidanceWeight, gws[k]);
    for (let idx = 0; idx < H * A; idx++) {
      const i = Math.floor(idx / A);
      const v = alpha * x[idx]! + gamma * t + kappa * so;
      const denoised = x[idx]! + v * (1 - t);
      const e = (req.prevChunk[idx]! - denoised) * w[i]!;
      const g = e + (1 - t) * alpha * e; // J_denoiseᵀ e with J_f = alpha·I
      x[idx] = x[idx]! + 0.5 * (v + gws[k]! * g);
    }
  }
  for (let idx = 0; idx < H * A; idx++) {
    assert.ok(
      Math.abs(chunk[idx]! - x[idx]!) < 1e-5,
      `index ${idx}: ${chunk[idx]} vs ${x[idx]}`,
    );
  }
});

Deno.test("sampleChunk() hard_masking pulls the frozen prefix to y and leaves unguided tokens alone", async () => {
  const req = request(3, { delay: Int32Array.of(1, 2, 3) });
  const fn = net();
  const naive = (await sampleChunk(fn, req, resolveMethodConfig({}))).chunk;
  const hard = (await sampleChunk(
    fn,
    req,
    resolveMethodConfig({ method: "hard_masking" }),
  )).chunk;
  let errNaive = 0, errHard = 0;
  for (let b = 0; b < 3; b++) {
    const d = req.delay[b]!;
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < A; j++) {
        const idx = (b * H + i) * A + j;
        if (i < d) {
          errNaive += Math.abs(naive[idx]! - req.prevChunk[idx]!);
          errHard += Math.abs(hard[idx]! - req.prevChunk[idx]!);
        } else {
          // weight 0 and a per-token net: exactly the naive trajectory
          assert.equal(hard[idx], naive[idx]);
        }
      }
    }
  }
  assert.ok(errHard < 0.2 * errNaive, `hard ${errHard} vs naive ${errNaive}`);
});

Deno.test("sampleChunk() training_time keeps i<d equal to y and feeds time 1 there", async () => {
  const fn = net();
  const req = request(2, { delay: Int32Array.of(1, 3) });
  const { chunk } = await sampleChunk(
    fn,
    req,
    resolveMethodConfig({ method: "training_time" }),
  );
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < A; j++) {
        const idx = (b * H + i) * A + j;
        if (i < req.delay[b]!) assert.equal(chunk[idx], req.prevChunk[idx]);
        else assert.notEqual(chunk[idx], req.prevChunk[idx]);
      }
    }
  }
  assert.equal(fn.calls.length, 5);
  for (const [k, call] of fn.calls.entries()) {
    const t = Math.fround(k / 5);
    assert.deepEqual([...call.inputs.time], [1, t, t, t, 1, 1, 1, t]);
    assert.deepEqual([...call.inputs.xt.subarray(0, A)], [
      ...req.prevChunk.subarray(0, A),
    ]);
  }
});

Deno.test("sampleChunk() is deterministic and independent of batch composition", async () => {
  const fn = net();
  for (const method of ["naive", "realtime", "bid", "training_time"] as const) {
    const m = resolveMethodConfig({ method, bidSamples: 3 });
    const full = request(4);
    const a = (await sampleChunk(fn, full, m)).chunk;
    const b = (await sampleChunk(fn, full, m)).chunk;
    assert.deepEqual(a, b, method);
    const c = (await sampleChunk(fn, { ...full, counter: 4 }, m)).chunk;
    assert.notDeepEqual(a, c, method);
    // row 2 alone, with its stream given explicitly
    const one = {
      ...request(1),
      obs: full.obs.slice(2 * O, 3 * O),
      prevChunk: full.prevChunk.slice(2 * H * A, 3 * H * A),
      streams: Uint32Array.of(2),
    };
    const d = (await sampleChunk(fn, one, m)).chunk;
    assert.deepEqual(d, a.slice(2 * H * A, 3 * H * A), method);
  }
});

Deno.test("sampleChunk() per-environment counters select each row's noise", async () => {
  const fn = net();
  const m = resolveMethodConfig({});
  const a = (await sampleChunk(fn, request(2, { counter: 5 }), m)).chunk;
  const b = (await sampleChunk(fn, request(2, { counter: 9 }), m)).chunk;
  const mixed = (await sampleChunk(
    fn,
    request(2, { counter: Uint32Array.of(5, 9) }),
    m,
  )).chunk;
  assert.deepEqual(mixed.slice(0, H * A), a.slice(0, H * A));
  assert.deepEqual(mixed.slice(H * A), b.slice(H * A));
});

Deno.test("sampleChunk() bid picks the candidate closest to the previous chunk", async () => {
  const fn = net();
  const base = request(2);
  // candidate 0 uses the naive noise, so y = naive chunk gives it loss 0
  const naive = (await sampleChunk(fn, base, resolveMethodConfig({}))).chunk;
  const req = { ...base, prevChunk: naive, trace: true };
  const m = resolveMethodConfig({ method: "bid", bidSamples: 5 });
  const { chunk, trace } = await sampleChunk(fn, req, m);
  assert.deepEqual(chunk, naive);
  assert.deepEqual([...trace!.bidChoice!], [0, 0]);
  assert.equal(trace!.bidLoss![0], 0);
  for (let n = 1; n < 5; n++) assert.ok(trace!.bidLoss![n * 2]! > 0);
  // with a weak policy the forward contrast changes the scores
  const weak = fakeLinearNet({
    horizon: H,
    actionDim: A,
    obsDim: O,
    alpha: 0.3,
    gamma: -0.4,
    kappa: 0,
  });
  const mw = resolveMethodConfig({
    method: "bid",
    bidSamples: 5,
    bidK: 2,
    bidWeakPolicy: weak,
  });
  const r = await sampleChunk(fn, { ...req, prevChunk: base.prevChunk }, mw);
  const loss = r.trace!.bidLoss!;
  for (let e = 0; e < 2; e++) {
    const col = [0, 1, 2, 3, 4].map((n) => loss[n * 2 + e]!);
    assert.equal(r.trace!.bidChoice![e], col.indexOf(Math.min(...col)));
  }
});

Deno.test("sampleChunk() validates the request", async () => {
  const fn = net();
  const m = resolveMethodConfig({ method: "realtime" });
  await assert.rejects(
    () => sampleChunk(fn, { ...request(1), delay: Int32Array.of(5) }, m),
    /delay\[0\] must be in \[0, H=4\]: current value is 5/,
  );
  await assert.rejects(
    () => sampleChunk(fn, { ...request(1), prevChunk: undefined }, m),
    /prevChunk must have/,
  );
  await assert.rejects(
    () => sampleChunk(fn, { ...request(1), obs: new Float32Array(2) }, m),
    TypeError,
  );
});

Deno.test("sampleChunk() bid forward contrast matches a hand computation", async () => {
  // Fake nets with alpha = kappa = 0: v = gamma·t, so every candidate ends at
  // its noise plus the same shift c = gamma·Σ_k dt·t_k (strong and weak nets
  // start from the same noise). Losses by the documented formula:
  // backward(n) = Σ_h w_h‖a_nh − y_h‖ (exp weights, d, H − s), then
  // + (Σ_{p ∈ top-k strong} D(n, p) − Σ_{q ∈ top-k weak} D(n, weak q)) / N,
  // D = Σ_h ‖·‖ between chunks, top-k by backward loss.
  const N = 4, k = 2, B = 2, steps = 3;
  const mk = (gamma: number) =>
    fakeLinearNet({
      horizon: H,
      actionDim: A,
      obsDim: O,
      alpha: 0,
      gamma,
      kappa: 0,
    });
  const gammaS = 0.9, gammaW = -1.3;
  const method = resolveMethodConfig({
    method: "bid",
    bidSamples: N,
    bidK: k,
    bidWeakPolicy: mk(gammaW),
    numFlowSteps: steps,
  });
  const req = request(B, {
    delay: Int32Array.of(1, 2),
    executeHorizon: Int32Array.of(1, 2),
    trace: true,
  });
  const { chunk, trace } = await sampleChunk(mk(gammaS), req, method);
  const x0 = trace!.steps[0]!.xt; // [N·B, H, A], row n·B + b
  const shift = (g: number) => {
    let c = 0;
    for (let s = 0; s < steps; s++) c += (1 / steps) * g * (s / steps);
    return c;
  };
  const HA = H * A;
  const cand = (row: number, g: number) =>
    Array.from(x0.subarray(row * HA, (row + 1) * HA), (v) => v + shift(g));
  const dist = (p: number[], q: number[]) => {
    let total = 0;
    for (let h = 0; h < H; h++) {
      let sq = 0;
      for (let j = 0; j < A; j++) sq += (p[h * A + j]! - q[h * A + j]!) ** 2;
      total += Math.sqrt(sq);
    }
    return total;
  };
  for (let b = 0; b < B; b++) {
    const w = prefixWeights(
      req.delay[b]!,
      H - req.executeHorizon[b]!,
      H,
      "exp",
    );
    const y = Array.from(req.prevChunk.subarray(b * HA, (b + 1) * HA));
    const back = (a: number[]) => {
      let total = 0;
      for (let h = 0; h < H; h++) {
        let sq = 0;
        for (let j = 0; j < A; j++) sq += (a[h * A + j]! - y[h * A + j]!) ** 2;
        total += w[h]! * Math.sqrt(sq);
      }
      return total;
    };
    const strong = Array.from({ length: N }, (_, n) => cand(n * B + b, gammaS));
    const weak = Array.from({ length: N }, (_, n) => cand(n * B + b, gammaW));
    const topK = (losses: number[]) =>
      losses.map((l, n) => [l, n] as const).sort((p, q) =>
        p[0] - q[0] || p[1] - q[1]
      )
        .slice(0, k).map(([, n]) => n);
    const backS = strong.map(back);
    const plus = topK(backS);
    const minus = topK(weak.map(back));
    const expected = strong.map((a, n) =>
      backS[n]! +
      (plus.reduce((t, p) => t + dist(a, strong[p]!), 0) -
          minus.reduce((t, q) => t + dist(a, weak[q]!), 0)) / N
    );
    for (let n = 0; n < N; n++) {
      const got = trace!.bidLoss![n * B + b]!;
      assert.ok(
        Math.abs(got - expected[n]!) <= 1e-4 * (1 + Math.abs(expected[n]!)),
        `env ${b} candidate ${n}: ${got} vs ${expected[n]}`,
      );
    }
    const best = expected.indexOf(Math.min(...expected));
    assert.equal(trace!.bidChoice![b], best);
    const picked = Array.from(chunk.subarray(b * HA, (b + 1) * HA));
    assert.ok(dist(picked, strong[best]!) < 1e-4);
  }
});
