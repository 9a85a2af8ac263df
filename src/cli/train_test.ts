import assert from "node:assert/strict";
import { writeDataset } from "../data/dataset.ts";
import { loadCheckpoint } from "../policy/checkpoint.ts";
import { trainMain } from "./train.ts";

Deno.test("scripts/train.ts trains a toy dataset and writes checkpoints and loss.csv", async () => {
  const dir = await Deno.makeTempDir();
  const n = 16;
  await writeDataset(`${dir}/toy.safetensors`, {
    task: "toy",
    obsDim: 3,
    actionDim: 2,
    obs: Float32Array.from({ length: n * 3 }, (_, i) => Math.sin(i)),
    actions: Float32Array.from({ length: n * 2 }, (_, i) => Math.cos(i)),
    done: Uint8Array.from({ length: n }, (_, i) => (i % 8 === 7 ? 1 : 0)),
    solved: new Uint8Array(n),
  });
  assert.equal(
    await trainMain([
      "--task=toy",
      `--data=${dir}/toy.safetensors`,
      `--out=${dir}/out`,
      `--policy=${dir}/sd2.safetensors`,
      "--model=small",
      "--epochs=1",
      "--batch=8",
      "--simulated-delay=2",
      "--backend=cpu",
    ]),
    0,
  );
  const ck = await loadCheckpoint(`${dir}/sd2.safetensors`);
  assert.equal(ck.task, "toy");
  assert.equal(ck.config.simulatedDelay, 2);
  assert.equal(ck.config.channelDim, 64);
  const csv = await Deno.readTextFile(`${dir}/out/loss.csv`);
  assert.equal(csv.trim().split(/\r?\n/).length, 3); // header + 2 steps
  const config = JSON.parse(await Deno.readTextFile(`${dir}/out/config.json`));
  assert.equal(config.config.task, "toy");
  const errors: string[] = [];
  const stderr = (l: string) => errors.push(l);
  assert.equal(
    await trainMain(
      ["--task=toy", "--epochs=x", `--data=${dir}/toy.safetensors`],
      { stderr },
    ),
    2,
  );
  assert.match(errors[0]!, /^train\.ts: error: .*--epochs/);
  // --lr-schedule cosine decays over epochs × steps per epoch by default
  assert.equal(
    await trainMain([
      "--task=toy",
      `--data=${dir}/toy.safetensors`,
      `--out=${dir}/cos`,
      `--policy=${dir}/cos.safetensors`,
      "--model=small",
      "--epochs=2",
      "--batch=8",
      "--lr=1e-3",
      "--warmup=0",
      "--lr-schedule=cosine",
      "--backend=cpu",
    ]),
    0,
  );
  const rates = (await Deno.readTextFile(`${dir}/cos/loss.csv`)).trim()
    .split(/\r?\n/).slice(1).map((line) => Number(line.split(",")[4]));
  const want = [0, 1, 2, 3].map((s) =>
    1e-3 * 0.5 * (1 + Math.cos(Math.PI * s / 4))
  );
  assert.equal(rates.length, 4);
  rates.forEach((r, i) => assert.ok(Math.abs(r - want[i]!) < 1e-9, `${r}`));
  assert.equal(
    await trainMain([
      "--task=toy",
      "--lr-schedule=step",
      `--data=${dir}/toy.safetensors`,
      `--out=${dir}/bad`,
    ], { stderr }),
    2,
  );
  assert.match(
    errors[1]!,
    /--lr-schedule as it must be one of constant, cosine, linear/,
  );
  await Deno.remove(dir, { recursive: true });
});
