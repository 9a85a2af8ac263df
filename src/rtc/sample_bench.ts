import { getBackend } from "../gpu/backend.ts";
import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
import { createNet } from "../policy/net.ts";
import { initParams, paramLayout } from "../policy/params.ts";
import { METHOD_NAMES, resolveMethodConfig } from "./method_config.ts";
import { sampleChunk } from "./sample.ts";

// SMALL model (C=64, L=2, H=4), obs 8, action 2, 64 environments, CPU reference.
const B = 64, O = 8, A = 2, H = SMALL_MODEL_CONFIG.actionChunkSize;
const dims = { obsDim: O, actionDim: A };
const net = await createNet(await getBackend({ backend: "cpu" }), {
  config: SMALL_MODEL_CONFIG,
  ...dims,
  params: initParams(paramLayout(SMALL_MODEL_CONFIG, dims), { seed: 0 }),
});
const request = {
  batch: B,
  obs: Float32Array.from({ length: B * O }, (_, i) => Math.sin(i)),
  prevChunk: Float32Array.from({ length: B * H * A }, (_, i) => Math.cos(i)),
  delay: new Int32Array(B).fill(1),
  executeHorizon: new Int32Array(B).fill(2),
  seed: 0,
  counter: 0,
};
for (const method of METHOD_NAMES) {
  const m = resolveMethodConfig({ method, bidSamples: 4 });
  Deno.bench(`sampleChunk ${method} (cpu, B=64, small model)`, async () => {
    await sampleChunk(net, request, m);
  });
}
