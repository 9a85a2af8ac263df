import assert from "node:assert/strict";
import { gpuTest } from "../testing/gpu.ts";
import {
  compileMessages,
  createStorage,
  dispatch,
  getPipeline,
  readBuffer,
} from "../gpu/kernel.ts";
import { quantile } from "./forecast.ts";
import {
  quantileFromTable,
  quantileTable,
  quantileWgsl,
} from "./quantile_wgsl.ts";

// The forecast must equal the CPU forecaster's exactly (an integer). Ring
// histories come from random delay streams (uniform, and clustered so that
// duplicates and exact interpolation points occur) observed one by one;
// after every observation the ring is a test case. q values include ones
// whose 100q/100 and (n−1)·q are inexact in float64 (0.14 and 0.58 with
// window 51: t within 4e-15 of an integer).
const QS = [
  0,
  0.07,
  0.1,
  0.14,
  0.25,
  0.5,
  0.58,
  0.9,
  0.95,
  0.99,
  1,
  1 / 3,
  0.123456789,
];
const CONFIGS = [
  { window: 1, maxDelay: 9 },
  { window: 3, maxDelay: 9 },
  { window: 10, maxDelay: 99 },
  { window: 20, maxDelay: 1000 },
  { window: 64, maxDelay: 300 },
  { window: 7, maxDelay: 5000 },
  { window: 51, maxDelay: 40 },
];

/** Ring snapshots of one random stream (values in [0, D]) and the CPU forecasts. */
function cases(q: number, window: number, maxDelay: number, seed: number) {
  let x = seed >>> 0;
  const rand =
    () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const f = quantile(q, window);
  const ring: number[] = [];
  const rings: number[][] = [];
  const want: number[] = [];
  for (let i = 0; i < 400; i++) {
    const d = rand() < 0.5
      ? Math.floor(rand() * (maxDelay + 1))
      : Math.min(maxDelay, Math.floor(rand() * 4) * Math.floor(rand() * 3));
    f.observe(d);
    ring.push(d);
    if (ring.length > window) ring.shift();
    rings.push([...ring]);
    want.push(f.predict());
  }
  // window 51: rings whose order statistics 7 and 8 are a and a + 1, where
  // q = 0.14 rounds up or not depending on the size of a
  for (let a = 0; window === 51 && a < maxDelay; a++) {
    const g = quantile(q, window);
    const r = [...Array(8).fill(a), ...Array(43).fill(a + 1)];
    r.forEach((d) => g.observe(d));
    rings.push(r);
    want.push(g.predict());
  }
  return { rings, want };
}

Deno.test("quantileFromTable() equals the quantile forecaster's float64 forecast", () => {
  let n = 0;
  for (const q of QS) {
    for (const c of CONFIGS) {
      const dims = { q, ...c };
      const table = quantileTable(dims);
      const { rings, want } = cases(q, c.window, c.maxDelay, 7 + n);
      rings.forEach((r, i) => {
        assert.equal(
          quantileFromTable(table, dims, r),
          want[i],
          `q=${q} W=${c.window} ring ${r}`,
        );
      });
      n += rings.length;
    }
  }
  assert.ok(n > 20000);
});

Deno.test("quantileFromTable() reproduces float64 rounding that exact arithmetic would not", () => {
  // q = 0.14, n = 51: (n − 1)·q is 7.000000000000001 in float64, so t > 0
  // and a + diff·t exceeds a unless a is large enough to absorb 8.9e-16
  // (a ≥ 8: half an ulp or less, ties to even). Exactly: always a.
  const dims = { q: 0.14, window: 51, maxDelay: 200 };
  const table = quantileTable(dims);
  const pairs: [number, number][] = [[0, 1], [1, 2], [7, 8], [8, 8], [
    100,
    100,
  ]];
  for (const [a, want] of pairs) {
    const ring = [...Array(8).fill(a), ...Array(43).fill(a + 1)];
    const f = quantile(0.14, 51);
    ring.forEach((d) => f.observe(d));
    assert.equal(f.predict(), want, `CPU, a = ${a}`);
    assert.equal(quantileFromTable(table, dims, ring), want, `a = ${a}`);
  }
  assert.throws(
    () => quantileTable({ q: 1.5, window: 2, maxDelay: 3 }),
    /q must be in \[0, 1\]: current value is 1.5/,
  );
});

gpuTest(
  "quantileWgsl() forecasts equal the CPU forecaster's",
  async (device) => {
    for (const q of [0.07, 0.14, 0.5, 0.58, 1 / 3]) {
      for (const c of CONFIGS) {
        const { rings, want } = cases(q, c.window, c.maxDelay, 99);
        const W = c.window;
        const K = rings.length;
        const flat = new Uint32Array(K * W);
        const counts = new Uint32Array(K);
        rings.forEach((r, k) => {
          flat.set(r, k * W);
          counts[k] = r.length;
        });
        const code = `${quantileWgsl({ ...c, table: "qtab", ring: "ring_at" })}
@group(0) @binding(0) var<storage, read_write> qtab: array<f32>;
@group(0) @binding(1) var<storage, read_write> rings: array<u32>;
@group(0) @binding(2) var<storage, read_write> counts: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<u32>;
fn ring_at(c: u32, i: u32) -> u32 { return rings[c + i]; }
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let k = gid.x;
  if (k >= ${K}u) { return; }
  out[k] = quantile_forecast(k * ${W}u, counts[k]);
}
`;
        assert.deepEqual(await compileMessages(device, code), []);
        const bufs = [
          createStorage(device, { data: quantileTable({ q, ...c }) }),
          createStorage(device, { data: flat }),
          createStorage(device, { data: counts }),
          createStorage(device, { size: 4 * K }),
        ];
        try {
          dispatch(device, [{
            pipeline: getPipeline(device, { code }),
            buffers: bufs,
            workgroups: [Math.ceil(K / 64)],
          }]);
          const got = new Uint32Array(
            await readBuffer(device, bufs[3]!, 4 * K),
          );
          assert.deepEqual([...got], want, `q=${q} W=${W}`);
        } finally {
          for (const b of bufs) b.destroy();
        }
      }
    }
  },
);
