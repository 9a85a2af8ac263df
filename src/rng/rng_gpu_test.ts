import assert from "node:assert/strict";
import { gpuTest } from "../testing/gpu.ts";
import {
  compileMessages,
  createStorage,
  dispatch,
  getPipeline,
  readBuffer,
} from "../gpu/kernel.ts";
import { RNG_WGSL } from "./rng_wgsl.ts";
import { normal, uniform } from "./rng.ts";

const N = 4096;
const SHADER = /* wgsl */ `
${RNG_WGSL}
@group(0) @binding(0) var<storage, read_write> outU: array<f32>;
@group(0) @binding(1) var<storage, read_write> outN: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= ${N}u) { return; }
  outU[i] = rng_uniform(1234567u, i % 7u, i * 31u, i & 3u);
  outN[i] = rng_normal(99u, 5u, i, i & 1u);
}
`;

// Tolerance for normals: float32 log/sqrt/cos differ between the GPU and
// Math.*; 1e-4 absolute covers |z| < 6.
const NORMAL_ATOL = 1e-4;

gpuTest(
  "RNG_WGSL gives bit-identical uniforms and close normals to the TypeScript RNG",
  async (device) => {
    assert.deepEqual(await compileMessages(device, SHADER), []);
    const outU = createStorage(device, { size: 4 * N });
    const outN = createStorage(device, { size: 4 * N });
    dispatch(device, [{
      pipeline: getPipeline(device, { code: SHADER }),
      buffers: [outU, outN],
      workgroups: [N / 64],
    }]);
    const gpuU = new Float32Array(await readBuffer(device, outU, 4 * N));
    const gpuN = new Float32Array(await readBuffer(device, outN, 4 * N));
    for (let i = 0; i < N; i++) {
      const u = uniform(1234567, i % 7, i * 31, i & 3);
      if (gpuU[i] !== u) assert.fail(`uniform ${i}: gpu ${gpuU[i]} cpu ${u}`);
      const z = normal(99, 5, i, i & 1);
      if (Math.abs(gpuN[i]! - z) > NORMAL_ATOL) {
        assert.fail(`normal ${i}: gpu ${gpuN[i]} cpu ${z}`);
      }
    }
  },
);
