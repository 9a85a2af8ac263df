import assert from "node:assert/strict";
import { gpuTest } from "../testing/gpu.ts";
import {
  compileMessages,
  createStorage,
  dispatch,
  getPipeline,
  readBuffer,
} from "../gpu/kernel.ts";
import { TemporalEnsemble } from "./temporal_ensemble.ts";
import {
  temporalEnsembleStride,
  temporalEnsembleWeights,
  temporalEnsembleWgsl,
} from "./temporal_ensemble_wgsl.ts";

// The WGSL ensemble against TemporalEnsemble on one random sequence of
// resets, adds (start steps up to H − 1 steps in the past, as the async
// evaluator lands chunks, and duplicates) and queries per environment. The
// number of averaged chunks must be identical; the averages agree to
// TOL relative (float32 weights and sums against float64 ones), and
// exactly when a single chunk covers the step.
const TOL = 1e-6;
const OP = { reset: 0, add: 1, query: 2 } as const;

function shader(dims: { horizon: number; actionDim: number; decay: number }) {
  const A = dims.actionDim;
  return `${temporalEnsembleWgsl(dims)}
@group(0) @binding(0) var<storage, read_write> ens: array<f32>;
@group(0) @binding(1) var<storage, read_write> ops: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> chunks: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> sizes: array<u32>;

@compute @workgroup_size(1)
fn main() {
  for (var e = 0u; e < sizes[0]; e++) { te_reset(e); }
  for (var i = 0u; i < sizes[1]; i++) {
    let op = ops[i];
    if (op.x == ${OP.reset}u) { te_reset(op.y); }
    if (op.x == ${OP.add}u) {
      let dst = te_claim(op.y, op.z);
      for (var k = 0u; k < TE_HA; k++) { ens[dst + k] = chunks[i * TE_HA + k]; }
    }
    if (op.x == ${OP.query}u) {
      var a: array<f32, TE_A>;
      for (var j = 0u; j < TE_A; j++) { a[j] = -7.0; }
      out[i * ${A + 1}u] = f32(te_action(op.y, op.z, &a));
      for (var j = 0u; j < TE_A; j++) { out[i * ${A + 1}u + 1u + j] = a[j]; }
    }
  }
}
`;
}

/** A reproducible op sequence: [kind, env, step, 0] per op and its chunks. */
function randomOps(b: number, h: number, a: number, count: number) {
  let x = 12345;
  const rand = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const ops = new Uint32Array(4 * count);
  const chunks = new Float32Array(count * h * a);
  const now = new Int32Array(b);
  for (let i = 0; i < count; i++) {
    const e = Math.floor(rand() * b);
    const u = rand();
    let kind: number = OP.query;
    let step = now[e]!;
    if (u < 0.03) kind = OP.reset;
    else if (u < 0.5) {
      kind = OP.add;
      step = Math.max(0, now[e]! - Math.floor(rand() * h));
      for (let k = 0; k < h * a; k++) {
        chunks[i * h * a + k] = Math.fround(rand() * 4 - 2);
      }
    } else if (rand() < 0.5) now[e] = now[e]! + 1;
    ops.set([kind, e, kind === OP.query ? now[e]! : step, 0], 4 * i);
  }
  return { ops, chunks };
}

async function compare(
  device: GPUDevice,
  c: { batch: number; horizon: number; actionDim: number; decay: number },
) {
  const { batch: B, horizon: H, actionDim: A, decay } = c;
  const count = 600;
  const { ops, chunks } = randomOps(B, H, A, count);
  const code = shader({ horizon: H, actionDim: A, decay });
  assert.deepEqual(await compileMessages(device, code), []);
  const outBytes = 4 * count * (A + 1);
  const bufs = [
    createStorage(device, { size: 4 * B * temporalEnsembleStride(H, A) }),
    createStorage(device, { data: ops }),
    createStorage(device, { data: chunks }),
    createStorage(device, { size: outBytes }),
    createStorage(device, { data: Uint32Array.of(B, count) }),
  ];
  try {
    dispatch(device, [{
      pipeline: getPipeline(device, { code }),
      buffers: bufs,
      workgroups: [1],
    }]);
    const gpu = new Float32Array(await readBuffer(device, bufs[3]!, outBytes));
    const ens = new TemporalEnsemble({
      batch: B,
      horizon: H,
      actionDim: A,
      decay,
    });
    const a = new Float32Array(A);
    const seen = [0, 0, 0];
    for (let i = 0; i < count; i++) {
      const [kind, e, step] = ops.subarray(4 * i, 4 * i + 3);
      if (kind === OP.reset) ens.reset(e!);
      if (kind === OP.add) {
        ens.add(e!, chunks.subarray(i * H * A, (i + 1) * H * A), step!);
      }
      if (kind !== OP.query) continue;
      a.fill(-7);
      const n = ens.actionAt(e!, step!, a);
      const row = gpu.subarray(i * (A + 1), (i + 1) * (A + 1));
      assert.equal(row[0], n, `op ${i}: count`);
      seen[Math.min(n, 2)]!++;
      for (let j = 0; j < A; j++) {
        const g = row[1 + j]!, want = a[j]!;
        if (n <= 1) assert.equal(g, want, `op ${i}: action ${j}`);
        else {
          assert.ok(
            Math.abs(g - want) <= TOL * (1 + Math.abs(want)),
            `op ${i}: action ${j}: ${g} vs ${want}`,
          );
        }
      }
    }
    // not vacuous: starved, single and averaged queries all occur
    assert.ok(seen.every((k) => k > 10), `queries by count: ${seen}`);
  } finally {
    for (const b of bufs) b.destroy();
  }
}

gpuTest(
  "temporalEnsembleWgsl() matches TemporalEnsemble (H=4, A=2, decay 0.3)",
  (device) =>
    compare(device, { batch: 3, horizon: 4, actionDim: 2, decay: 0.3 }),
);

gpuTest(
  "temporalEnsembleWgsl() matches TemporalEnsemble (H=8, A=1, decay 0)",
  (device) => compare(device, { batch: 2, horizon: 8, actionDim: 1, decay: 0 }),
);

Deno.test("temporalEnsembleWeights() normalises exp(−m·i) per count", () => {
  const w = temporalEnsembleWeights(3, Math.log(2));
  const row = (n: number) => [...w.subarray((n - 1) * 3, n * 3)];
  assert.deepEqual(row(1), [1, 0, 0]);
  const close = (xs: number[], ys: number[]) =>
    xs.forEach((x, i) => assert.ok(Math.abs(x - ys[i]!) < 1e-12, `${xs}`));
  close(row(2), [2 / 3, 1 / 3, 0]);
  close(row(3), [4 / 7, 2 / 7, 1 / 7]);
  assert.throws(
    () => temporalEnsembleWgsl({ horizon: 4, actionDim: 1, decay: -1 }),
    /decay must be a finite number >= 0: current value is -1/,
  );
});
