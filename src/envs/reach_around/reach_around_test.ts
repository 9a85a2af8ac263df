import assert from "node:assert/strict";
import { addActionNoise } from "../wrapper.ts";
import { rolloutExpert } from "../rollout.ts";
import {
  REACH_AROUND,
  REACH_AROUND_CPU,
  REACH_AROUND_SPEC,
  reachAroundSide,
} from "./mod.ts";

const N = 256;

Deno.test("REACH_AROUND expert solves at least 95% of 256 episodes with 0.1 action noise", async () => {
  const r = await rolloutExpert(REACH_AROUND, { n: N, seed: 0 });
  assert.equal(r.finished, N);
  assert.ok(
    r.returned_episode_solved >= 0.95,
    `solve rate ${r.returned_episode_solved}`,
  );
});

Deno.test("REACH_AROUND expert is bimodal: it goes round both sides, about half each", () => {
  const { stateDim: S, actionDim: A, maxTimesteps: T } = REACH_AROUND_SPEC;
  const counts = { left: 0, right: 0 };
  const s = new Float32Array(S);
  const a = new Float32Array(A);
  const r = new Float32Array(3);
  for (let e = 0; e < N; e++) {
    const key = { seed: 7, env: e, episode: 0 };
    const side = reachAroundSide(key);
    REACH_AROUND_CPU.reset(s, key);
    let passedX = NaN;
    for (let t = 0; t < T; t++) {
      REACH_AROUND_CPU.expert(s, a, key);
      addActionNoise(a, { seed: 7, env: e, t, noiseStd: 0.1 });
      REACH_AROUND_CPU.step(s, a, r);
      if (Number.isNaN(passedX) && s[1]! >= s[7]!) passedX = s[0]! - s[6]!;
      if (r[1]) break;
    }
    // the mass passes the obstacle on the side the expert picked
    assert.equal(Math.sign(passedX), side, `env ${e}`);
    if (side < 0) counts.left++;
    else counts.right++;
  }
  assert.ok(
    counts.left >= 0.4 * N && counts.right >= 0.4 * N,
    JSON.stringify(counts),
  );
});

Deno.test("REACH_AROUND_CPU.reset() is deterministic per (seed, env, episode) and randomised across them", () => {
  const key = { seed: 3, env: 5, episode: 2 };
  const a = new Float32Array(9);
  const b = new Float32Array(9);
  REACH_AROUND_CPU.reset(a, key);
  REACH_AROUND_CPU.reset(b, key);
  assert.deepEqual(a, b);
  REACH_AROUND_CPU.reset(b, { ...key, episode: 3 });
  assert.notDeepEqual(a, b);
  REACH_AROUND_CPU.reset(b, { ...key, env: 6 });
  assert.notDeepEqual(a, b);
  assert.ok(Math.abs(a[0]!) <= 0.1 && a[1]! >= -0.85 && a[1]! <= -0.75);
  assert.ok(a[5]! >= 0.75 && a[5]! <= 0.85 && a[8] === 0);
});

Deno.test("REACH_AROUND_CPU.step() clips actions, times out, and terminates on contact", () => {
  const key = { seed: 1, env: 0, episode: 0 };
  const s1 = new Float32Array(9);
  const s2 = new Float32Array(9);
  const out = new Float32Array(3);
  REACH_AROUND_CPU.reset(s1, key);
  REACH_AROUND_CPU.reset(s2, key);
  REACH_AROUND_CPU.step(s1, new Float32Array([5, -7]), out);
  REACH_AROUND_CPU.step(s2, new Float32Array([1, -1]), out);
  assert.deepEqual(s1, s2);
  // zero action: the mass stays put and the episode times out unsolved
  REACH_AROUND_CPU.reset(s1, key);
  for (let t = 1; t <= REACH_AROUND_SPEC.maxTimesteps; t++) {
    REACH_AROUND_CPU.step(s1, new Float32Array(2), out);
    assert.equal(out[1], t === REACH_AROUND_SPEC.maxTimesteps ? 1 : 0);
  }
  assert.deepEqual(Array.from(out), [0, 1, 0]);
  // straight up: hits the obstacle
  REACH_AROUND_CPU.reset(s1, key);
  out.fill(0);
  for (let t = 0; t < 100 && !out[1]; t++) {
    REACH_AROUND_CPU.step(s1, new Float32Array([0, 1]), out);
  }
  assert.deepEqual(Array.from(out), [-1, 1, 0]);
  assert.ok(s1[1]! < 0);
});

Deno.test("REACH_AROUND_CPU.observe() gives relative goal and obstacle positions", () => {
  const s = new Float32Array([0.1, -0.8, 0.5, 0, 0, 0.8, 0, 0, 50]);
  const o = new Float32Array(9);
  REACH_AROUND_CPU.observe(s, o);
  assert.deepEqual(
    Array.from(o),
    Array.from(
      new Float32Array([0.1, -0.8, 0.5, 0, -0.1, 1.6, -0.1, 0.8, 0.5]),
    ),
  );
});

Deno.test("REACH_AROUND_CPU.render() draws a non-empty image of the requested size", () => {
  const s = new Float32Array(9);
  REACH_AROUND_CPU.reset(s, { seed: 0, env: 0, episode: 0 });
  const img = REACH_AROUND_CPU.render(s, { width: 64, height: 48 });
  assert.equal(img.width, 64);
  assert.equal(img.height, 48);
  assert.equal(img.rgba.length, 64 * 48 * 4);
  const colours = new Set<number>();
  for (let i = 0; i < img.rgba.length; i += 4) {
    colours.add(
      (img.rgba[i]! << 16) | (img.rgba[i + 1]! << 8) | img.rgba[i + 2]!,
    );
  }
  assert.ok(colours.size >= 4, `${colours.size} colours`);
  assert.equal(REACH_AROUND_CPU.render(s).width, 128);
});
