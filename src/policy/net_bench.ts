/**
 * Benchmarks of the FlowPolicy network (seed's small model, A=6, O=32):
 * forward and flow-matching loss+gradient at batch 256 and 2048, WebGPU vs the
 * CPU reference in the same run. Run: `deno bench -A src/policy/net_bench.ts`.
 * Each bench name carries its matmul GFLOP per call, so GFLOP/s = GFLOP / time.
 * Forward and VJP use one flow time per call (as in sampling); the WebGPU net
 * then runs the time conditioning (≈60% of the FLOPs) once per distinct time,
 * so its nominal GFLOP/s there counts skipped work; `forward distinct-t`
 * gives every token its own time (no reuse).
 *
 * @module
 */

import { getBackend } from "../gpu/backend.ts";
import { SMALL_MODEL_CONFIG } from "./config.ts";
import { initParams, paramLayout } from "./params.ts";
import { createNet, type PolicyNet } from "./net.ts";
import { forwardFlops } from "./flops.ts";
import { normal, uniform } from "../rng/rng.ts";

const config = SMALL_MODEL_CONFIG;
const dims = { obsDim: 32, actionDim: 6 };
const layout = paramLayout(config, dims);
const params = initParams(layout, { seed: 0 });
// non-zero adaLN so every branch does work
for (let i = 0; i < params.length; i++) if (params[i] === 0) params[i] = 0.01;
const H = config.actionChunkSize, A = dims.actionDim, O = dims.obsDim;
const perSample = forwardFlops(config, dims);

const gpuBackend = await getBackend();
console.log(
  `net_bench: adapter ${gpuBackend.adapterName}; forward ${perSample} FLOP/sample (vjp ≈2×, lossAndGrad ≈3×)`,
);
const cpuBackend = await getBackend({ backend: "cpu" });
const nets: [string, PolicyNet][] = [[
  "cpu",
  await createNet(cpuBackend, { config, ...dims, params }),
]];
if (gpuBackend.backend === "webgpu") {
  nets.push([
    `webgpu (${gpuBackend.adapterName})`,
    await createNet(gpuBackend, { config, ...dims, params }),
  ]);
} else {
  console.error(
    "net_bench: no WebGPU adapter, benchmarking the CPU reference only",
  );
}

function rand(n: number, stream: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => normal(1, stream, i));
}

for (const B of [256, 2048]) {
  // sampling: one flow time per call (the WebGPU net then runs the time
  // conditioning once per distinct time); training-like: every token differs
  const inputs = {
    batch: B,
    obs: rand(B * O, 1),
    xt: rand(B * H * A, 2),
    time: new Float32Array(B * H).fill(0.4),
  };
  const distinct = {
    ...inputs,
    time: Float32Array.from({ length: B * H }, (_, i) => uniform(1, 3, i)),
  };
  const batch = {
    batch: B,
    obs: inputs.obs,
    actions: rand(B * H * A, 4),
    t: Float32Array.from({ length: B }, (_, i) => uniform(1, 5, i)),
    eps: rand(B * H * A, 6),
  };
  const cot = rand(B * H * A, 7);
  const fwdGflop = (perSample * B) / 1e9;
  for (const [name, net] of nets) {
    const slow = name === "cpu" && B > 256;
    const opts = slow ? { n: 3, warmup: 1 } : { warmup: 2 };
    Deno.bench({
      name: `forward B=${B} ${name} [${fwdGflop.toFixed(3)} GFLOP]`,
      group: `forward B=${B}`,
      baseline: name === "cpu",
      ...opts,
      async fn() {
        await net.forward(inputs);
      },
    });
    Deno.bench({
      name: `forward distinct-t B=${B} ${name} [${fwdGflop.toFixed(3)} GFLOP]`,
      group: `forward distinct-t B=${B}`,
      baseline: name === "cpu",
      ...opts,
      async fn() {
        await net.forward(distinct);
      },
    });
    Deno.bench({
      name: `vjp B=${B} ${name} [${(2 * fwdGflop).toFixed(3)} GFLOP]`,
      group: `vjp B=${B}`,
      baseline: name === "cpu",
      ...opts,
      async fn() {
        await net.vjp(inputs, cot);
      },
    });
    Deno.bench({
      name: `lossAndGrad B=${B} ${name} [${(3 * fwdGflop).toFixed(3)} GFLOP]`,
      group: `lossAndGrad B=${B}`,
      baseline: name === "cpu",
      ...opts,
      async fn() {
        await net.lossAndGrad(batch);
      },
    });
  }
}
