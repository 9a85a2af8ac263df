import assert from "node:assert/strict";
import { resolveModelConfig } from "./config.ts";
import { paramLayout, randomParams } from "./params.ts";
import { forwardCpu, netShape, type Real } from "./forward_cpu.ts";
import { backwardCpu } from "./backward_cpu.ts";
import { prepareLoss } from "./net_inputs.ts";
import { normal, uniform } from "../rng/rng.ts";

// Central differences in float64 with step 1e-5 have truncation error
// O(h²·f''') ~ 1e-10 and rounding error ~1e-16/h ~ 1e-11, so 1e-6 relative
// (to the largest gradient entry) leaves a wide margin while any wrong term
// (typically O(1e-2) relative or more) fails.
const FD_STEP = 1e-5;
const FD_RTOL = 1e-6;

const config = resolveModelConfig({
  channelDim: 8,
  channelHiddenDim: 6,
  tokenHiddenDim: 5,
  numLayers: 2,
  actionChunkSize: 3,
});
const dims = { obsDim: 3, actionDim: 2 };
const layout = paramLayout(config, dims);
const shape = netShape(config, dims);
const B = 2;
const { H, A, O } = shape;

function rand(n: number, stream: number, scale = 1): Float32Array {
  return Float32Array.from(
    { length: n },
    (_, i) => scale * normal(7, stream, i),
  );
}

const batch = {
  batch: B,
  obs: rand(B * O, 1),
  actions: rand(B * H * A, 2, 0.7),
  t: Float32Array.from({ length: B }, (_, i) => uniform(7, 3, i)),
  eps: rand(B * H * A, 4),
  delay: new Int32Array([1, 0]),
};
const params64 = Float64Array.from(randomParams(layout, { seed: 3 }));

function fwd(params: Real, xt: ArrayLike<number>, time: ArrayLike<number>) {
  return forwardCpu(params, {
    layout,
    shape,
    precision: "f64",
    inputs: { batch: B, obs: batch.obs, xt, time },
  });
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  what: string,
) {
  const scale = maxAbs(expected);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    assert.ok(
      err <= rtol * scale,
      `${what}[${i}]: ${actual[i]} vs ${
        expected[i]
      } (err ${err}, scale ${scale})`,
    );
  }
}

Deno.test("backwardCpu() VJP w.r.t. x_t matches float64 central differences", () => {
  const xt = Float64Array.from(rand(B * H * A, 5));
  const time = Float64Array.from({ length: B * H }, (_, i) => uniform(7, 6, i));
  const cot = Float64Array.from(rand(B * H * A, 8));
  const { gradXt } = backwardCpu(fwd(params64, xt, time), {
    gv: cot,
    paramGrad: false,
  });
  const dot = (v: Real) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * cot[i]!;
    return s;
  };
  const fd = new Float64Array(xt.length);
  for (let i = 0; i < xt.length; i++) {
    const x0 = xt[i]!;
    xt[i] = x0 + FD_STEP;
    const plus = dot(fwd(params64, xt, time).v);
    xt[i] = x0 - FD_STEP;
    const minus = dot(fwd(params64, xt, time).v);
    xt[i] = x0;
    fd[i] = (plus - minus) / (2 * FD_STEP);
  }
  assert.ok(maxAbs(fd) > 1e-3);
  assertClose(gradXt, fd, FD_RTOL, "gradXt");
});

Deno.test("backwardCpu() parameter gradient of the masked flow loss matches float64 central differences", () => {
  const prep = prepareLoss(batch, { H, A, O });
  const loss = (p: Real) => {
    const v = fwd(p, prep.inputs.xt, prep.inputs.time).v;
    let s = 0;
    for (let i = 0; i < v.length; i++) {
      const d = v[i]! - prep.target[i]!;
      s += prep.weight[Math.floor(i / A)]! * d * d;
    }
    return s;
  };
  const tape = fwd(params64, prep.inputs.xt, prep.inputs.time);
  const gv = new Float64Array(tape.v.length);
  for (let i = 0; i < gv.length; i++) {
    gv[i] = 2 * prep.weight[Math.floor(i / A)]! *
      (tape.v[i]! - prep.target[i]!);
  }
  const { grad } = backwardCpu(tape, { gv, paramGrad: true });
  const p = Float64Array.from(params64);
  const fd = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const p0 = p[i]!;
    p[i] = p0 + FD_STEP;
    const plus = loss(p);
    p[i] = p0 - FD_STEP;
    const minus = loss(p);
    p[i] = p0;
    fd[i] = (plus - minus) / (2 * FD_STEP);
  }
  // every tensor receives a non-trivial gradient
  for (const e of layout.entries) {
    assert.ok(maxAbs(fd.subarray(e.offset, e.offset + e.size)) > 1e-6, e.name);
  }
  assertClose(grad!, fd, FD_RTOL, "grad");
});

Deno.test("forwardCpu() float32 and float64 agree to float32 accuracy", () => {
  const prep = prepareLoss(batch, { H, A, O });
  const p32 = Float32Array.from(params64);
  const v32 =
    forwardCpu(p32, { layout, shape, precision: "f32", inputs: prep.inputs }).v;
  const v64 = fwd(params64, prep.inputs.xt, prep.inputs.time).v;
  assertClose(v32, v64, 1e-5, "v");
});

Deno.test("forwardCpu() ignores masked positions' noise under the simulated delay", () => {
  const prep = prepareLoss(batch, { H, A, O });
  const other = prepareLoss({ ...batch, eps: rand(B * H * A, 99) }, {
    H,
    A,
    O,
  });
  // sample 0 has delay 1: token 0 has x_t = a and time 1 regardless of eps
  for (let a = 0; a < A; a++) {
    assert.equal(prep.inputs.xt[a], other.inputs.xt[a]);
    assert.equal(prep.inputs.xt[a], batch.actions[a]);
  }
  assert.equal(prep.inputs.time[0], 1);
  assert.equal(prep.count, (B * H - 1) * A);
});
