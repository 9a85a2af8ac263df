import { getBackend } from "../gpu/backend.ts";
import type { DemoDataset } from "../data/dataset.ts";
import { SMALL_MODEL_CONFIG } from "./config.ts";
import { createNet } from "./net.ts";
import { initParams, paramLayout } from "./params.ts";
import { trainPolicy } from "./train.ts";

// One epoch = 4 optimizer steps of batch 128 on the SMALL model (C=64, L=2, H=4), CPU reference.
const O = 8, A = 2, n = 512;
const dims = { obsDim: O, actionDim: A };
const dataset: DemoDataset = {
  task: "bench",
  ...dims,
  obs: Float32Array.from({ length: n * O }, (_, i) => Math.sin(i)),
  actions: Float32Array.from({ length: n * A }, (_, i) => Math.cos(i)),
  done: Uint8Array.from({ length: n }, (_, i) => (i % 50 === 49 ? 1 : 0)),
  solved: new Uint8Array(n),
};
const net = await createNet(await getBackend({ backend: "cpu" }), {
  config: SMALL_MODEL_CONFIG,
  ...dims,
  params: initParams(paramLayout(SMALL_MODEL_CONFIG, dims), { seed: 0 }),
});
Deno.bench("trainPolicy 4 steps x batch 128 (cpu, small model)", async () => {
  await trainPolicy(net, dataset, { epochs: 1, batchSize: 128 });
});
