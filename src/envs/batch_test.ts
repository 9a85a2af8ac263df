import assert from "node:assert/strict";
import type { CpuContext } from "../gpu/backend.ts";
import { CpuVecEnv, createVecEnv, resolveVecEnvOptions } from "./batch.ts";
import { summarizeLog } from "./episode_log.ts";
import { addActionNoise } from "./wrapper.ts";
import { REACH_AROUND } from "./reach_around/mod.ts";
import { CARTPOLE_SWINGUP } from "./cartpole_swingup/mod.ts";

const CPU: CpuContext = {
  backend: "cpu",
  adapterName: "cpu reference",
  reason: "forced",
};

Deno.test("CpuVecEnv.step() adds the wrapper noise and applies the task step", async () => {
  const env = await createVecEnv(REACH_AROUND, { backend: CPU, n: 3, seed: 5 });
  await env.reset();
  const actions = new Float32Array([0.2, 0.3, -1, 1, 0, 0]);
  const out = await env.step(actions);
  const states = await env.states();
  for (let e = 0; e < 3; e++) {
    const s = new Float32Array(9);
    REACH_AROUND.cpu.reset(s, { seed: 5, env: e, episode: 0 });
    const a = addActionNoise(actions.slice(2 * e, 2 * e + 2), {
      seed: 5,
      env: e,
      t: 0,
      noiseStd: 0.1,
    });
    const r = new Float32Array(3);
    REACH_AROUND.cpu.step(s, a, r);
    assert.deepEqual(states.subarray(9 * e, 9 * e + 9), s);
    assert.deepEqual(out.results.subarray(3 * e, 3 * e + 3), r);
    const o = new Float32Array(9);
    REACH_AROUND.cpu.observe(s, o);
    assert.deepEqual(out.obs.subarray(9 * e, 9 * e + 9), o);
  }
  assert.equal(env.tGlobal, 1);
});

Deno.test("CpuVecEnv.step() with steps > 1 equals repeated single steps", async () => {
  const a = new CpuVecEnv(CARTPOLE_SWINGUP, { n: 4, seed: 2, noiseStd: 0.1 });
  const b = new CpuVecEnv(CARTPOLE_SWINGUP, { n: 4, seed: 2, noiseStd: 0.1 });
  await a.reset();
  await b.reset();
  const actions = new Float32Array(5 * 4).map((_, i) => Math.sin(i));
  const multi = await a.step(actions, { steps: 5 });
  for (let j = 0; j < 5; j++) {
    const single = await b.step(actions.subarray(4 * j, 4 * j + 4));
    assert.deepEqual(
      multi.results.subarray(12 * j, 12 * j + 12),
      single.results,
    );
  }
  assert.deepEqual(await a.states(), await b.states());
  assert.equal(a.tGlobal, 5);
});

Deno.test("CpuVecEnv auto-resets on done and logs the first episode only", async () => {
  const n = 4;
  const env = new CpuVecEnv(REACH_AROUND, { n, seed: 9, noiseStd: 0.1 });
  await env.reset();
  // full thrust upwards crashes into the obstacle, again and again
  const up = new Float32Array(2 * n).map((_, i) => (i % 2 === 1 ? 1 : 0));
  const firstDone = new Array<number>(n).fill(-1);
  const doneCount = new Array<number>(n).fill(0);
  for (let t = 0; t < 80; t++) {
    const out = await env.step(up);
    for (let e = 0; e < n; e++) {
      if (out.results[3 * e + 1] === 1) {
        doneCount[e]!++;
        if (firstDone[e] === -1) firstDone[e] = t + 1;
      }
    }
  }
  const episodes = await env.episodes();
  const log = await env.log();
  for (let e = 0; e < n; e++) {
    assert.ok(doneCount[e]! >= 2, `env ${e} finished ${doneCount[e]} episodes`);
    assert.equal(episodes[e], doneCount[e]);
    assert.equal(log.firstDone[e], 1);
    assert.equal(log.firstLength[e], firstDone[e]);
    assert.equal(log.firstReturn[e], -1);
    assert.equal(log.firstSolved[e], 0);
  }
  // after an auto-reset the state is the next episode's reset state plus the steps since
  const s = new Float32Array(9);
  REACH_AROUND.cpu.reset(s, { seed: 9, env: 0, episode: episodes[0]! });
  const states = await env.states();
  assert.equal(states[4], s[4]); // the goal does not move within an episode
  assert.equal(states[6], s[6]);
  // reset() clears everything
  await env.reset();
  assert.deepEqual(await env.episodes(), new Uint32Array(n));
  assert.equal(summarizeLog(await env.log()).finished, 0);
});

Deno.test("resolveVecEnvOptions() and step() reject bad values, naming the field", async () => {
  assert.throws(
    () => resolveVecEnvOptions(REACH_AROUND, { n: 1.5, seed: 0 }),
    /n must be/,
  );
  assert.throws(
    () => resolveVecEnvOptions(REACH_AROUND, { n: 1, seed: -1 }),
    /seed must be/,
  );
  assert.throws(
    () => resolveVecEnvOptions(REACH_AROUND, { n: 1, seed: 0, noiseStd: NaN }),
    /noiseStd must be/,
  );
  const env = new CpuVecEnv(REACH_AROUND, { n: 2, seed: 0, noiseStd: 0 });
  await env.reset();
  assert.throws(
    () => env.step(new Float32Array(3)),
    /actions must hold steps \* n \* actionDim = 4 values: current length is 3/,
  );
  assert.throws(() => env.stepExpert(0), /steps must be a positive integer/);
});
