import assert from "node:assert/strict";
import { rolloutExpert } from "./rollout.ts";
import { REACH_AROUND } from "./reach_around/mod.ts";
import { CARTPOLE_SWINGUP } from "./cartpole_swingup/mod.ts";

const N = 128;
const CHUNK = { horizon: 8, executeHorizon: 4 };

for (const task of [REACH_AROUND, CARTPOLE_SWINGUP]) {
  Deno.test(`rolloutExpert() shows ${task.spec.name} is latency-sensitive`, async () => {
    const solve = async (delay: number, chunk?: typeof CHUNK) =>
      (await rolloutExpert(task, { n: N, seed: 0, delay, chunk }))
        .returned_episode_solved;
    // the expert acting on a state k steps old
    const k0 = await solve(0);
    const k4 = await solve(4);
    assert.ok(k0 >= 0.95, `delay 0: ${k0}`);
    assert.ok(k4 <= 0.2, `delay 4: ${k4}`);
    // the expert as an ideal chunking policy (H = 8, s = 4) with fixed delay d
    const d0 = await solve(0, CHUNK);
    const d4 = await solve(4, CHUNK);
    assert.ok(d0 >= 0.95, `chunked, delay 0: ${d0}`);
    assert.ok(d4 <= d0 - 0.2, `chunked, delay 4: ${d4} vs ${d0}`);
  });
}

Deno.test("rolloutExpert() with delay 1 runs the latency path and stays close to delay 0 on reach_around", async () => {
  const r = await rolloutExpert(REACH_AROUND, { n: 32, seed: 3, delay: 1 });
  assert.equal(r.backend, "cpu");
  assert.equal(r.delay, 1);
  assert.equal(r.finished, 32);
  assert.ok(r.returned_episode_solved >= 0.9);
});

Deno.test("rolloutExpert() rejects bad delay and chunk values, naming the field", async () => {
  await assert.rejects(
    () => rolloutExpert(REACH_AROUND, { n: 2, seed: 0, delay: -1 }),
    /delay must be/,
  );
  await assert.rejects(
    () =>
      rolloutExpert(REACH_AROUND, {
        n: 2,
        seed: 0,
        chunk: { horizon: 0, executeHorizon: 1 },
      }),
    /chunk.horizon must be/,
  );
  await assert.rejects(
    () =>
      rolloutExpert(REACH_AROUND, {
        n: 2,
        seed: 0,
        chunk: { horizon: 4, executeHorizon: 5 },
      }),
    /chunk.executeHorizon must be/,
  );
});
