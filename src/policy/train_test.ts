import assert from "node:assert/strict";
import type { DemoDataset } from "../data/dataset.ts";
import { resolveMethodConfig } from "../rtc/method_config.ts";
import { sampleChunk } from "../rtc/sample.ts";
import { loadCheckpoint } from "./checkpoint.ts";
import { type ModelConfig, resolveModelConfig } from "./config.ts";
import { createNet, type PolicyNet } from "./net.ts";
import { initParams, paramLayout } from "./params.ts";
import { sampleSimulatedDelays, trainPolicy } from "./train.ts";

const CPU = {
  backend: "cpu",
  adapterName: "cpu reference",
  reason: "forced",
} as const;
const H = 4;
const A = 2;
const O = 2;
const C = 2; // the two modes are chunks of all +C or all −C

/** 32 episodes of 8 steps, same observation; a hidden coin picks +C or −C per episode. */
function twoModeDataset(): DemoDataset {
  const episodes = 32, len = 8, n = episodes * len;
  const actions = new Float32Array(n * A);
  const done = new Uint8Array(n);
  for (let e = 0; e < episodes; e++) {
    const sign = e % 2 === 0 ? C : -C;
    actions.fill(sign, e * len * A, (e + 1) * len * A);
    done[(e + 1) * len - 1] = 1;
  }
  return {
    task: "two_mode",
    obsDim: O,
    actionDim: A,
    obs: new Float32Array(n * O).fill(0.5),
    actions,
    done,
    solved: new Uint8Array(n),
  };
}

function tinyNet(partial: Partial<ModelConfig> = {}): Promise<PolicyNet> {
  const config = resolveModelConfig({
    channelDim: 16,
    channelHiddenDim: 32,
    tokenHiddenDim: 8,
    numLayers: 1,
    actionChunkSize: H,
    ...partial,
  });
  const layout = paramLayout(config, { obsDim: O, actionDim: A });
  return createNet(CPU, {
    config,
    obsDim: O,
    actionDim: A,
    params: initParams(layout, { seed: 0 }),
  });
}

const mean = (xs: ArrayLike<number>) =>
  Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

Deno.test("trainPolicy() learns a two-mode dataset: loss drops 5x and samples cover both modes", async () => {
  const net = await tinyNet();
  const result = await trainPolicy(net, twoModeDataset(), {
    epochs: 40,
    batchSize: 32,
    seed: 0,
    adamw: { learningRate: 1e-2, warmupSteps: 20 },
  });
  assert.equal(result.totalSteps, 320);
  const losses = result.steps.map((s) => s.loss);
  const first = mean(losses.slice(0, 10));
  const last = mean(losses.slice(-20));
  assert.ok(last * 5 <= first, `loss ${first} -> ${last}`);
  const B = 64;
  const { chunk } = await sampleChunk(net, {
    batch: B,
    obs: new Float32Array(B * O).fill(0.5),
    seed: 1,
    counter: 0,
  }, resolveMethodConfig({}));
  let plus = 0, minus = 0;
  for (let b = 0; b < B; b++) {
    const m = mean(chunk.subarray(b * H * A, (b + 1) * H * A));
    if (m > C / 2) plus++;
    if (m < -C / 2) minus++;
  }
  assert.ok(plus >= B / 5 && minus >= B / 5, `plus ${plus} minus ${minus}`);
});

Deno.test("trainPolicy() resumes bit for bit and writes checkpoints, loss.csv and state", async () => {
  const dir = await Deno.makeTempDir();
  const data = twoModeDataset();
  const opts = {
    batchSize: 64,
    seed: 3,
    adamw: { learningRate: 1e-2, warmupSteps: 2 },
  };
  const straight = await tinyNet({
    channelDim: 8,
    channelHiddenDim: 8,
    simulatedDelay: 2,
  });
  await trainPolicy(straight, data, { ...opts, epochs: 2, outDir: `${dir}/a` });
  const resumed = await tinyNet({
    channelDim: 8,
    channelHiddenDim: 8,
    simulatedDelay: 2,
  });
  await trainPolicy(resumed, data, { ...opts, epochs: 1, outDir: `${dir}/b` });
  const rest = await trainPolicy(resumed, data, {
    ...opts,
    epochs: 2,
    outDir: `${dir}/b`,
    resume: true,
  });
  assert.equal(rest.steps[0]!.step, 4);
  assert.equal(rest.totalSteps, 8);
  assert.deepEqual(resumed.params(), straight.params());
  const csvA = await Deno.readTextFile(`${dir}/a/loss.csv`);
  assert.equal(csvA, await Deno.readTextFile(`${dir}/b/loss.csv`));
  assert.equal(csvA.trim().split(/\r?\n/).length, 9);
  assert.match(csvA, /^epoch,step,loss,grad_norm,learning_rate/);
  const ck = await loadCheckpoint(
    `${dir}/a/checkpoints/epoch_0002.safetensors`,
  );
  assert.deepEqual(ck.params, straight.params());
  assert.equal(ck.task, "two_mode");
  assert.equal(ck.config.simulatedDelay, 2);
  assert.equal(ck.provenance!.step, 8);
  const latest = await loadCheckpoint(`${dir}/a/policy.safetensors`);
  assert.deepEqual(latest.params, ck.params);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainPolicy() rejects a dataset of the wrong size", async () => {
  const net = await tinyNet();
  const data = { ...twoModeDataset(), obsDim: 3 };
  await assert.rejects(
    () => trainPolicy(net, data, { epochs: 1 }),
    /obsDim\/actionDim \(3\/2\) must match the net's \(2\/2\)/,
  );
});

Deno.test("sampleSimulatedDelays() follows exp(D−1−k) weights deterministically", () => {
  const d = sampleSimulatedDelays(2, { batch: 4000, seed: 5, step: 9 });
  assert.deepEqual(
    d,
    sampleSimulatedDelays(2, { batch: 4000, seed: 5, step: 9 }),
  );
  const p0 = d.filter((x) => x === 0).length / d.length;
  const expected = Math.E / (Math.E + 1); // 0.731
  assert.ok(Math.abs(p0 - expected) < 0.03, `p0 ${p0}`);
  assert.ok(d.every((x) => x === 0 || x === 1));
});
