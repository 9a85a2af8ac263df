import assert from "node:assert/strict";
import { addActionNoise } from "../wrapper.ts";
import { rolloutExpert } from "../rollout.ts";
import {
  CARTPOLE_SWINGUP,
  CARTPOLE_SWINGUP_CPU,
  CARTPOLE_SWINGUP_PARAMS,
  CARTPOLE_SWINGUP_SPEC,
  cartpoleDirection,
  wrapAngle,
} from "./mod.ts";

const N = 256;

Deno.test("CARTPOLE_SWINGUP expert solves at least 95% of 256 episodes with 0.1 action noise", async () => {
  const r = await rolloutExpert(CARTPOLE_SWINGUP, { n: N, seed: 0 });
  assert.equal(r.finished, N);
  assert.ok(
    r.returned_episode_solved >= 0.95,
    `solve rate ${r.returned_episode_solved}`,
  );
});

Deno.test("CARTPOLE_SWINGUP expert is bimodal: the swing starts either way, about half each", () => {
  const { stateDim: S, actionDim: A } = CARTPOLE_SWINGUP_SPEC;
  const counts = { minus: 0, plus: 0 };
  const s = new Float32Array(S);
  const a = new Float32Array(A);
  const r = new Float32Array(3);
  for (let e = 0; e < N; e++) {
    const key = { seed: 7, env: e, episode: 0 };
    const dir = cartpoleDirection(key);
    CARTPOLE_SWINGUP_CPU.reset(s, key);
    for (let t = 0; t < CARTPOLE_SWINGUP_PARAMS.kickSteps; t++) {
      CARTPOLE_SWINGUP_CPU.expert(s, a, key);
      addActionNoise(a, { seed: 7, env: e, t, noiseStd: 0.1 });
      CARTPOLE_SWINGUP_CPU.step(s, a, r);
    }
    // pushing the cart +x swings the hanging pole towards +theta
    assert.equal(Math.sign(s[3]!), dir, `env ${e}`);
    if (dir < 0) counts.minus++;
    else counts.plus++;
  }
  assert.ok(
    counts.minus >= 0.4 * N && counts.plus >= 0.4 * N,
    JSON.stringify(counts),
  );
});

Deno.test("CARTPOLE_SWINGUP_CPU.reset() is deterministic per (seed, env, episode) and starts hanging", () => {
  const key = { seed: 3, env: 5, episode: 2 };
  const a = new Float32Array(6);
  const b = new Float32Array(6);
  CARTPOLE_SWINGUP_CPU.reset(a, key);
  CARTPOLE_SWINGUP_CPU.reset(b, key);
  assert.deepEqual(a, b);
  CARTPOLE_SWINGUP_CPU.reset(b, { ...key, episode: 3 });
  assert.notDeepEqual(a, b);
  CARTPOLE_SWINGUP_CPU.reset(b, { ...key, seed: 4 });
  assert.notDeepEqual(a, b);
  assert.ok(Math.abs(a[0]!) <= 0.2 && Math.abs(a[2]! - Math.PI) <= 0.05 + 1e-6);
  assert.equal(a[4], 0);
  assert.equal(a[5], 0);
});

Deno.test("CARTPOLE_SWINGUP_CPU.step() clips actions, times out hanging, and terminates off the track", () => {
  const key = { seed: 1, env: 0, episode: 0 };
  const s1 = new Float32Array(6);
  const s2 = new Float32Array(6);
  const out = new Float32Array(3);
  CARTPOLE_SWINGUP_CPU.reset(s1, key);
  CARTPOLE_SWINGUP_CPU.reset(s2, key);
  CARTPOLE_SWINGUP_CPU.step(s1, new Float32Array([-3]), out);
  CARTPOLE_SWINGUP_CPU.step(s2, new Float32Array([-1]), out);
  assert.deepEqual(s1, s2);
  CARTPOLE_SWINGUP_CPU.reset(s1, key);
  for (let t = 1; t <= CARTPOLE_SWINGUP_SPEC.maxTimesteps; t++) {
    CARTPOLE_SWINGUP_CPU.step(s1, new Float32Array(1), out);
    assert.equal(out[1], t === CARTPOLE_SWINGUP_SPEC.maxTimesteps ? 1 : 0);
  }
  assert.deepEqual(Array.from(out), [0, 1, 0]);
  assert.ok(Math.abs(wrapAngle(s1[2]!)) > 2.5);
  CARTPOLE_SWINGUP_CPU.reset(s1, key);
  out.fill(0);
  for (let t = 0; t < 100 && !out[1]; t++) {
    CARTPOLE_SWINGUP_CPU.step(s1, new Float32Array([1]), out);
  }
  assert.deepEqual(Array.from(out), [-1, 1, 0]);
  assert.ok(s1[0]! > CARTPOLE_SWINGUP_PARAMS.track);
});

Deno.test("CARTPOLE_SWINGUP_CPU.step() solves after holding the pole upright", () => {
  // upright and at rest: LQR holds it, hold counts up to 40
  const s = new Float32Array([0, 0, 0.01, 0, 0, 0]);
  const a = new Float32Array(1);
  const out = new Float32Array(3);
  const key = { seed: 0, env: 0, episode: 0 };
  s[4] = 10; // past the initial push
  let steps = 0;
  do {
    CARTPOLE_SWINGUP_CPU.expert(s, a, key);
    CARTPOLE_SWINGUP_CPU.step(s, a, out);
    steps++;
  } while (!out[1] && steps < 100);
  assert.equal(steps, 40);
  assert.deepEqual(Array.from(out), [1, 1, 1]);
});

Deno.test("wrapAngle() maps angles to [-pi, pi)", () => {
  for (const th of [-10, -Math.PI, -1, 0, 1, 3.1, 3.2, 7, 20]) {
    const w = wrapAngle(th);
    assert.ok(w >= -Math.PI - 1e-6 && w < Math.PI + 1e-6, `${th} -> ${w}`);
    assert.ok(Math.abs(Math.sin(w) - Math.sin(th)) < 1e-5);
  }
});

Deno.test("CARTPOLE_SWINGUP_CPU.observe() and render() agree with the state", () => {
  const s = new Float32Array([0.5, -1, Math.PI / 2, 2, 100, 0]);
  const o = new Float32Array(6);
  CARTPOLE_SWINGUP_CPU.observe(s, o);
  assert.equal(o[0], 0.5);
  assert.ok(Math.abs(o[2]! - 1) < 1e-6 && Math.abs(o[3]!) < 1e-6);
  assert.equal(o[5], 0.5);
  const img = CARTPOLE_SWINGUP_CPU.render(s, { width: 80, height: 60 });
  assert.equal(img.rgba.length, 80 * 60 * 4);
  const colours = new Set<number>();
  for (let i = 0; i < img.rgba.length; i += 4) {
    colours.add(
      (img.rgba[i]! << 16) | (img.rgba[i + 1]! << 8) | img.rgba[i + 2]!,
    );
  }
  assert.ok(colours.size >= 4, `${colours.size} colours`);
});
