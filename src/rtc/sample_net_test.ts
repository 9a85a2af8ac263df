import assert from "node:assert/strict";
import { resolveModelConfig } from "../policy/config.ts";
import { createNet } from "../policy/net.ts";
import { paramLayout, randomParams } from "../policy/params.ts";
import { METHOD_NAMES, resolveMethodConfig } from "./method_config.ts";
import { sampleChunk } from "./sample.ts";

const CPU = {
  backend: "cpu",
  adapterName: "cpu reference",
  reason: "forced",
} as const;

Deno.test("sampleChunk() runs every method on the CPU PolicyNet", async () => {
  const H = 4, A = 2, O = 3, B = 2;
  const config = resolveModelConfig({
    channelDim: 8,
    channelHiddenDim: 8,
    tokenHiddenDim: 4,
    numLayers: 1,
    actionChunkSize: H,
    simulatedDelay: 2,
  });
  const layout = paramLayout(config, { obsDim: O, actionDim: A });
  const net = await createNet(CPU, {
    config,
    obsDim: O,
    actionDim: A,
    params: randomParams(layout, { seed: 1, scale: 0.5 }),
  });
  const req = {
    batch: B,
    obs: Float32Array.from({ length: B * O }, (_, i) => Math.sin(i)),
    prevChunk: Float32Array.from({ length: B * H * A }, (_, i) => Math.cos(i)),
    delay: Int32Array.of(1, 2),
    executeHorizon: Int32Array.of(2, 2),
    seed: 4,
    counter: 1,
    trace: true,
  };
  const naive = (await sampleChunk(net, req, resolveMethodConfig({}))).chunk;
  for (const method of METHOD_NAMES) {
    const m = resolveMethodConfig({ method, bidSamples: 3 });
    const { chunk, trace } = await sampleChunk(net, req, m);
    assert.equal(chunk.length, B * H * A);
    assert.ok(chunk.every(Number.isFinite), method);
    assert.equal(trace!.steps.length, 5, method);
    if (method === "temporal_ensembling") assert.deepEqual(chunk, naive);
    if (method === "realtime" || method === "hard_masking") {
      assert.notDeepEqual(chunk, naive, method);
      assert.equal(trace!.steps[0]!.guidanceWeight, 5);
    }
    if (method === "training_time") {
      assert.deepEqual(chunk.subarray(0, A), req.prevChunk.subarray(0, A));
      assert.deepEqual(
        chunk.subarray(H * A, H * A + 2 * A),
        req.prevChunk.subarray(H * A, H * A + 2 * A),
      );
    }
  }
});
