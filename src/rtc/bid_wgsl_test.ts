import assert from "node:assert/strict";
import { gpuTest } from "../testing/gpu.ts";
import {
  compileMessages,
  createStorage,
  createUniform,
  dispatch,
  getPipeline,
  readBuffers,
} from "../gpu/kernel.ts";
import { RNG_WGSL } from "../rng/rng_wgsl.ts";
import { initialNoise } from "./_flow.ts";
import { bidBindings, bidWeightTable, bidWgsl } from "./bid_wgsl.ts";
import { prefixWeights } from "./prefix_weights.ts";

// BID's WGSL kernels against a float64 CPU computation of `docs/SEMANTICS.md` §3's BID
// (the formula of `_bid.ts`) on random strong and weak candidates, previous
// chunks, delays d and execution horizons s (both 0..H). Some candidates
// are exact copies of an earlier one, so ties (broken towards the lower
// index, in the top-k sets and the argmin) are exercised. The chosen index
// must be identical; the chosen candidate's loss agrees to TOL relative
// (float32 sums against float64 ones).
const TOL = 1e-5;

interface Case {
  samples: number;
  k: number | null;
  horizon: number;
  actionDim: number;
  numEnvs: number;
  seed: number;
}

/** The kernels plus a test entry point writing `bid_choose`'s index and loss. */
function shader(c: Case, obsDim: number): string {
  const names = ["obs", "calls", "prev", "next", ...bidBindings(c), "out"];
  const types: Record<string, string> = { calls: "array<vec4<u32>>" };
  const bindings = names.map((n, i) =>
    `@group(0) @binding(${i + 1}) var<storage, read_write> ${n}: ${
      types[n] ?? "array<f32>"
    };`
  );
  const HA = c.horizon * c.actionDim;
  return `${RNG_WGSL}
struct P { n: u32, seed: u32, pad0: u32, pad1: u32 }
const H: u32 = ${c.horizon}u;
const A: u32 = ${c.actionDim}u;
const HA: u32 = ${HA}u;
@group(0) @binding(0) var<uniform> params: P;
${bindings.join("\n")}
fn fused_bind_all() {
${names.map((n) => `  _ = &${n};`).join("\n")}
}
${bidWgsl({ samples: c.samples, obsDim, k: c.k })}
@compute @workgroup_size(64)
fn bid_test(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let b = gid.x;
  if (b >= params.n) { return; }
  let choice = bid_choose(b);
  out[2u * b] = f32(choice.index);
  out[2u * b + 1u] = choice.loss;
}
`;
}

/** Reproducible uniforms in [0, 1). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** Random candidates `[S·N, H, A]` (row n·N + b), some exact copies of earlier ones. */
function candidates(c: Case, rand: () => number): Float32Array {
  const { samples: S, numEnvs: N } = c;
  const HA = c.horizon * c.actionDim;
  const x = new Float32Array(S * N * HA);
  for (let n = 0; n < S; n++) {
    for (let b = 0; b < N; b++) {
      const row = (n * N + b) * HA;
      if (n > 0 && rand() < 0.15) {
        const m = Math.floor(rand() * n);
        x.copyWithin(row, (m * N + b) * HA, (m * N + b + 1) * HA);
      } else {
        for (let i = 0; i < HA; i++) x[row + i] = rand() * 3 - 1.5;
      }
    }
  }
  return x;
}

/** Float64 BID of environment b: the total loss of every candidate. */
function cpuLosses(
  c: Case,
  b: number,
  data: {
    strong: Float32Array;
    weak: Float32Array;
    prev: Float32Array;
    d: number;
    s: number;
  },
): number[] {
  const { samples: S, numEnvs: N, horizon: H, actionDim: A } = c;
  const HA = H * A;
  const w = prefixWeights(data.d, H - data.s, H, "exp");
  const row = (x: Float32Array, n: number) =>
    x.subarray((n * N + b) * HA, (n * N + b + 1) * HA);
  const dist = (p: Float32Array, q: Float32Array, weights?: Float32Array) => {
    let total = 0;
    for (let h = 0; h < H; h++) {
      let sq = 0;
      for (let j = 0; j < A; j++) sq += (p[h * A + j]! - q[h * A + j]!) ** 2;
      total += (weights ? weights[h]! : 1) * Math.sqrt(sq);
    }
    return total;
  };
  const y = data.prev.subarray(b * HA, (b + 1) * HA);
  const indices = Array.from({ length: S }, (_, n) => n);
  const back = (x: Float32Array) => indices.map((n) => dist(row(x, n), y, w));
  const loss = back(data.strong);
  if (c.k === null) return loss;
  const topK = (l: number[]) =>
    [...indices].sort((p, q) => l[p]! - l[q]! || p - q).slice(0, c.k!);
  const plus = topK(loss);
  const minus = topK(back(data.weak));
  return indices.map((n) => {
    const a = row(data.strong, n);
    let f = 0;
    for (const p of plus) f += dist(a, row(data.strong, p));
    for (const q of minus) f -= dist(a, row(data.weak, q));
    return loss[n]! + f / S;
  });
}

async function check(device: GPUDevice, c: Case): Promise<void> {
  const { samples: S, numEnvs: N, horizon: H, actionDim: A } = c;
  const O = 3;
  const HA = H * A;
  const rand = lcg(c.seed);
  const code = shader(c, O);
  assert.deepEqual(await compileMessages(device, code), []);
  const strong = candidates(c, rand);
  const weak = candidates(c, rand);
  const prev = Float32Array.from({ length: N * HA }, () => rand() * 2 - 1);
  const calls = new Uint32Array(4 * N);
  for (let b = 0; b < N; b++) {
    calls.set([
      1 + Math.floor(rand() * 1000),
      b,
      Math.floor(rand() * (H + 1)),
      Math.floor(rand() * (H + 1)),
    ], 4 * b);
  }
  const obs = Float32Array.from({ length: S * N * O }, () => rand());
  const buffers = {
    obs: createStorage(device, { data: obs }),
    calls: createStorage(device, { data: calls }),
    prev: createStorage(device, { data: prev }),
    next: createStorage(device, { data: strong }),
    bidw: createStorage(device, { data: bidWeightTable(H) }),
    bidweak: createStorage(device, { data: weak }),
    out: createStorage(device, { size: 8 * N }),
  };
  const params = createUniform(device, Uint32Array.of(N, c.seed, 0, 0));
  const list = [
    params,
    ...["obs", "calls", "prev", "next", ...bidBindings(c), "out"].map(
      (n) => buffers[n as keyof typeof buffers],
    ),
  ];
  const run = (entryPoint: string) =>
    dispatch(device, [{
      pipeline: getPipeline(device, { code, entryPoint }),
      buffers: list,
      workgroups: [Math.ceil(N / 64)],
    }]);
  try {
    // SCORE, THEN SELECT (COPY THE CHOICE INTO ROW b), THEN PREPARE
    run("bid_test");
    run("bid_select");
    const [out, selected] = await readBuffers(device, [
      { buffer: buffers.out, byteLength: 8 * N },
      { buffer: buffers.next, byteLength: 4 * N * HA },
    ]);
    run("bid_prepare");
    const [noise, obsOut] = await readBuffers(device, [
      { buffer: buffers.next, byteLength: 4 * S * N * HA },
      { buffer: buffers.obs, byteLength: 4 * S * N * O },
    ]);
    const got = new Float32Array(out!);
    const chunks = new Float32Array(selected!);
    let contrastMatters = false;
    for (let b = 0; b < N; b++) {
      const what = `S=${S} k=${c.k} H=${H} env ${b}`;
      const losses = cpuLosses(c, b, {
        strong,
        weak,
        prev,
        d: calls[4 * b + 2]!,
        s: calls[4 * b + 3]!,
      });
      const best = losses.indexOf(Math.min(...losses));
      assert.equal(got[2 * b], best, `${what}: chosen index`);
      const l = losses[best]!;
      assert.ok(
        Math.abs(got[2 * b + 1]! - l) <= TOL * (1 + Math.abs(l)),
        `${what}: loss ${got[2 * b + 1]} vs ${l}`,
      );
      assert.deepEqual(
        chunks.subarray(b * HA, (b + 1) * HA),
        strong.subarray((best * N + b) * HA, (best * N + b + 1) * HA),
        `${what}: selected chunk`,
      );
      if (c.k !== null) {
        const plain = cpuLosses({ ...c, k: null }, b, {
          strong,
          weak,
          prev,
          d: calls[4 * b + 2]!,
          s: calls[4 * b + 3]!,
        });
        contrastMatters ||= plain.indexOf(Math.min(...plain)) !== best;
      }
    }
    if (c.k !== null && S > 1) {
      assert.ok(contrastMatters, "the forward contrast changes some choice");
    }
    // PREPARE: sampleChunk's BID noise and the observation in every row
    const expected = initialNoise(
      {
        batch: N,
        obs: new Float32Array(N * O),
        seed: c.seed,
        counter: Uint32Array.from({ length: N }, (_, b) => calls[4 * b]!),
      },
      HA,
      S,
    );
    const x = new Float32Array(noise!);
    for (let i = 0; i < x.length; i++) {
      assert.ok(Math.abs(x[i]! - expected[i]!) <= 1e-5, `noise ${i}`);
    }
    const o = new Float32Array(obsOut!);
    for (let n = 0; n < S; n++) {
      for (let i = 0; i < N * O; i++) {
        assert.equal(o[n * N * O + i], obs[i], `obs of candidate ${n}`);
      }
    }
  } finally {
    params.destroy();
    for (const buf of Object.values(buffers)) buf.destroy();
  }
}

gpuTest(
  "bidWgsl() bid_select matches a CPU BID with forward contrast (S=16, k=3, H=4, A=2)",
  (device) =>
    check(device, {
      samples: 16,
      k: 3,
      horizon: 4,
      actionDim: 2,
      numEnvs: 70,
      seed: 5,
    }),
);

gpuTest(
  "bidWgsl() bid_select matches a CPU BID with forward contrast (S=5, k=5, H=8, A=1)",
  (device) =>
    check(device, {
      samples: 5,
      k: 5,
      horizon: 8,
      actionDim: 1,
      numEnvs: 40,
      seed: 9,
    }),
);

gpuTest(
  "bidWgsl() bid_select matches a CPU BID without forward contrast (S=16, H=4, A=2)",
  (device) =>
    check(device, {
      samples: 16,
      k: null,
      horizon: 4,
      actionDim: 2,
      numEnvs: 70,
      seed: 13,
    }),
);

gpuTest(
  "bidWgsl() bid_select with one candidate and k=1 keeps it",
  (device) =>
    check(device, {
      samples: 1,
      k: 1,
      horizon: 4,
      actionDim: 2,
      numEnvs: 8,
      seed: 2,
    }),
);

Deno.test("bidWgsl() rejects samples < 1 and k outside [1, samples]", () => {
  assert.throws(
    () => bidWgsl({ samples: 0, obsDim: 3 }),
    /samples must be a positive integer: current value is 0/,
  );
  assert.throws(
    () => bidWgsl({ samples: 4, obsDim: 3, k: 5 }),
    /k must be null or an integer in \[1, samples=4\]: current value is 5/,
  );
});
