import assert from "node:assert/strict";
import {
  datasetFromRollouts,
  readDataset,
  writeDataset,
} from "../data/dataset.ts";
import { CARTPOLE_SWINGUP } from "../envs/cartpole_swingup/mod.ts";
import { generateDemonstrations } from "../data/demonstrations.ts";
import { saveCheckpoint } from "../policy/checkpoint.ts";
import { resolveModelConfig, SMALL_MODEL_CONFIG } from "../policy/config.ts";
import { initParams, paramLayout } from "../policy/params.ts";
import { daggerDataMain } from "./dagger_data.ts";

Deno.test("scripts/dagger_data.ts appends expert segments that start at policy-visited states", async () => {
  const dir = await Deno.makeTempDir();
  const task = CARTPOLE_SWINGUP;
  const base = datasetFromRollouts(
    await generateDemonstrations(task, { envs: 2, steps: 10, seed: 0 }),
  );
  await writeDataset(`${dir}/base.safetensors`, base);
  const config = resolveModelConfig({
    ...SMALL_MODEL_CONFIG,
    actionChunkSize: 4,
  });
  const dims = { obsDim: 6, actionDim: 1 };
  await saveCheckpoint(`${dir}/p.safetensors`, {
    config,
    ...dims,
    params: initParams(paramLayout(config, dims), { seed: 0 }),
  });
  assert.equal(
    await daggerDataMain([
      "--task=cartpole_swingup",
      `--checkpoint=${dir}/p.safetensors`,
      `--base=${dir}/base.safetensors`,
      `--out=${dir}/out.safetensors`,
      "--rollouts=2",
      "--stride=50",
      "--segment=3",
      "--backend=cpu",
    ]),
    0,
  );
  const out = await readDataset(`${dir}/out.safetensors`);
  const n0 = base.done.length;
  const extra = out.done.length - n0;
  assert.ok(extra > 0 && extra % 3 === 0, `${extra} appended transitions`);
  assert.deepEqual(out.obs.subarray(0, n0 * 6), base.obs);
  // every segment ends done, and its first label is the expert's action at
  // the state recovered from its first observation
  const state = new Float32Array(6);
  const act = new Float32Array(1);
  for (let i = n0; i < out.done.length; i += 3) {
    assert.equal(out.done[i + 2], 1);
    const o = out.obs.subarray(i * 6, i * 6 + 6);
    state.set([
      o[0]!,
      o[1]!,
      Math.atan2(o[2]!, o[3]!),
      o[4]!,
      Math.round(o[5]! * 200),
      0,
    ]);
    if (state[4]! < 4) continue; // the push depends on the episode key
    task.cpu.expert(state, act, { seed: 2, env: 0, episode: 0 });
    assert.ok(Math.abs(act[0]! - out.actions[i]!) < 1e-6, `row ${i}`);
  }
  const errors: string[] = [];
  assert.equal(
    await daggerDataMain(["--task=catch"], { stderr: (l) => errors.push(l) }),
    2,
  );
  assert.match(errors[0]!, /--checkpoint is missing/);
  await Deno.remove(dir, { recursive: true });
});
