import assert from "node:assert/strict";
import { REACH_AROUND } from "../envs/reach_around/mod.ts";
import { saveCheckpoint } from "../policy/checkpoint.ts";
import { resolveModelConfig } from "../policy/config.ts";
import { paramLayout, randomParams } from "../policy/params.ts";
import { stepAMain } from "./stepa.ts";
import { stepDMain } from "./stepd.ts";

const quiet = { stdout: () => {}, stderr: () => {} };
// A tiny architecture keeps these end-to-end tests fast on 2 cores.
const TINY = resolveModelConfig({
  channelDim: 8,
  channelHiddenDim: 16,
  tokenHiddenDim: 8,
  numLayers: 1,
  actionChunkSize: 4,
});

async function toyCheckpoint(dir: string): Promise<string> {
  const dims = {
    obsDim: REACH_AROUND.spec.obsDim,
    actionDim: REACH_AROUND.spec.actionDim,
  };
  const params = randomParams(paramLayout(TINY, dims), {
    seed: 1,
    scale: 0.1,
  });
  const path = `${dir}/plain.safetensors`;
  await saveCheckpoint(path, {
    config: TINY,
    ...dims,
    params,
    task: "reach_around",
  });
  return path;
}

Deno.test("stepDMain() runs real sampleChunk methods from a checkpoint (scan and async, CPU)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const checkpoint = await toyCheckpoint(dir);
    for (const evaluator of ["scan", "async"]) {
      const out = `${dir}/${evaluator}`;
      const code = await stepDMain([
        "--checkpoint",
        checkpoint,
        "--backend",
        "cpu",
        "--out",
        out,
        "--rollouts",
        "2",
        "--seeds",
        "0",
        "--profiles",
        "long_tail",
        "--methods",
        "naive,realtime,training_time,temporal_ensembling",
        "--evaluator",
        evaluator,
      ], quiet);
      assert.equal(code, 0);
      const all = await Deno.readTextFile(`${out}/results_all.csv`);
      assert.equal(all.trimEnd().split("\r\n").length, 5);
      const config = JSON.parse(
        await Deno.readTextFile(`${out}/long_tail/realtime/seed_0/config.json`),
      );
      assert.equal(config.config.method.method, "realtime");
      assert.equal(config.config.checkpoint, checkpoint);
      assert.equal(config.adapter, "cpu reference");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stepAMain() writes results.csv and a preview GIF from a checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const checkpoint = await toyCheckpoint(dir);
    const lines: string[] = [];
    const code = await stepAMain([
      "--checkpoint",
      checkpoint,
      "--backend",
      "cpu",
      "--out",
      `${dir}/a`,
      "--rollouts",
      "2",
      "--preview-size",
      "32",
    ], { stdout: (l) => lines.push(l), stderr: () => {} });
    assert.equal(code, 0, lines.join("\n"));
    const csv = await Deno.readTextFile(`${dir}/a/results.csv`);
    assert.match(csv, /\r\nfixed_0,naive,0,reach_around,0,1,/);
    const gif = await Deno.readFile(`${dir}/a/preview.gif`);
    assert.equal(new TextDecoder().decode(gif.subarray(0, 6)), "GIF89a");
    assert.equal(gif[6]! | (gif[7]! << 8), 32); // logical screen width
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
