import assert from "node:assert/strict";
import {
  datasetFromRollouts,
  type DemoDataset,
  readDataset,
  writeDataset,
} from "./dataset.ts";

const demo: DemoDataset = {
  task: "reach_around",
  obsDim: 2,
  actionDim: 1,
  obs: Float32Array.of(0, 1, 2, 3, 4, 5),
  actions: Float32Array.of(0.5, -0.5, 0.25),
  done: Uint8Array.of(0, 1, 1),
  solved: Uint8Array.of(0, 1, 0),
  metadata: { expert: "scripted" },
};

Deno.test("writeDataset()/readDataset() round-trip every array and the metadata", async () => {
  const dir = await Deno.makeTempDir();
  await writeDataset(`${dir}/d.safetensors`, demo);
  const back = await readDataset(`${dir}/d.safetensors`);
  assert.equal(back.task, "reach_around");
  assert.equal(back.obsDim, 2);
  assert.equal(back.actionDim, 1);
  assert.deepEqual(back.obs, demo.obs);
  assert.deepEqual(back.actions, demo.actions);
  assert.deepEqual(back.done, demo.done);
  assert.deepEqual(back.solved, demo.solved);
  assert.equal(back.metadata!.expert, "scripted");
  assert.equal(back.metadata!.format, "exp-delta-demos");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readDataset() names the file when a tensor is missing or lengths disagree", async () => {
  const dir = await Deno.makeTempDir();
  const bad = { ...demo, solved: new Uint8Array(2) };
  await assert.rejects(
    () => writeDataset(`${dir}/x.safetensors`, bad),
    /solved must have length 3 \(N=3\): current length is 2/,
  );
  await Deno.writeFile(`${dir}/y.safetensors`, new Uint8Array(16));
  await assert.rejects(
    () => readDataset(`${dir}/y.safetensors`),
    /y\.safetensors/,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("datasetFromRollouts() orders env-major and ends each rollout with done", () => {
  // T=3 steps, E=2 envs; env 1 finishes an episode at t=0
  const d = datasetFromRollouts({
    task: "t",
    steps: 3,
    envs: 2,
    obsDim: 1,
    actionDim: 2,
    obs: Float32Array.of(0, 100, 1, 101, 2, 102),
    actions: Float32Array.of(0, 0, 100, 100, 1, 1, 101, 101, 2, 2, 102, 102),
    done: Uint8Array.of(0, 1, 0, 0, 0, 0),
    solved: Uint8Array.of(0, 1, 0, 0, 0, 0),
  });
  assert.deepEqual([...d.obs], [0, 1, 2, 100, 101, 102]);
  assert.deepEqual([...d.actions], [
    0,
    0,
    1,
    1,
    2,
    2,
    100,
    100,
    101,
    101,
    102,
    102,
  ]);
  assert.deepEqual([...d.done], [0, 0, 1, 1, 0, 1]);
  assert.deepEqual([...d.solved], [0, 0, 0, 1, 0, 0]);
});
