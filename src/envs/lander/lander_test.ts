import assert from "node:assert/strict";
import { LANDER } from "./lander.ts";
import { landerCos, landerMode, landerSin } from "./lander_cpu.ts";
import { LANDER_PARAMS as P } from "./lander_params.ts";
import { chunkedExpert, delayedExpert } from "../../testing/expert_probe.ts";

const { cpu } = LANDER;
const ENVS = 256;

function rollout(
  actor: (s: Float32Array, a: Float32Array) => void,
  state: Float32Array,
): Float32Array {
  const a = new Float32Array(2), out = new Float32Array(3);
  while (!out[1]) {
    actor(state, a);
    cpu.step(state, a, out);
  }
  return out;
}

Deno.test("LANDER expert solves >= 0.95 of 256 episodes with 0.1 action noise", () => {
  const { solveRate } = delayedExpert(cpu, { envs: ENVS, delay: 0, seed: 3 });
  assert.ok(solveRate >= 0.95, `solve rate ${solveRate}`);
});

Deno.test("LANDER is latency-sensitive: delay 4 costs the expert >= 0.2 solve rate", () => {
  const k0 = delayedExpert(cpu, { envs: ENVS, delay: 0 }).solveRate;
  const k4 = delayedExpert(cpu, { envs: ENVS, delay: 4 }).solveRate;
  assert.ok(k4 <= k0 - 0.2, `delayed expert: k=0 ${k0}, k=4 ${k4}`);
  // Even an ideal planner with a perfect model, executing chunks of 4 open
  // loop, loses when its chunk is computed from a 4-step-old state.
  const opts = { envs: ENVS, executeHorizon: 4 };
  const d0 = chunkedExpert(cpu, { ...opts, delay: 0 }).solveRate;
  const d4 = chunkedExpert(cpu, { ...opts, delay: 4 }).solveRate;
  assert.ok(d0 >= 0.95 && d4 <= d0 - 0.2, `chunked: d=0 ${d0}, d=4 ${d4}`);
});

Deno.test("LANDER reset is deterministic per (seed, env, episode) and in range", () => {
  const a = new Float32Array(8), b = new Float32Array(8);
  cpu.reset(a, { seed: 5, env: 2, episode: 1 });
  cpu.reset(b, { seed: 5, env: 2, episode: 1 });
  assert.deepEqual(a, b);
  for (
    const key of [{ seed: 5, env: 3, episode: 1 }, {
      seed: 5,
      env: 2,
      episode: 2,
    }]
  ) {
    cpu.reset(b, key);
    assert.notDeepEqual(a, b);
  }
  for (let env = 0; env < 64; env++) {
    cpu.reset(a, { seed: 0, env, episode: 0 });
    assert.ok(Math.abs(a[0]!) <= 0.7 && a[1]! >= 1 && a[1]! <= 1.2, `${a}`);
    assert.ok(Math.abs(a[4]!) <= 0.15 && Math.abs(a[6]!) <= 0.7, `${a}`);
    assert.equal(a[7], 0);
  }
});

Deno.test("LANDER step clips actions, counts steps and fails crashes and tumbles", () => {
  const a = new Float32Array(8), b = new Float32Array(8);
  const out = new Float32Array(3), out2 = new Float32Array(3);
  cpu.reset(a, { seed: 1, env: 0, episode: 0 });
  b.set(a);
  cpu.step(a, new Float32Array([5, -7]), out);
  cpu.step(b, new Float32Array([1, -1]), out2);
  assert.deepEqual(a, b);
  assert.equal(a[7], 1);
  // Engine off: free fall to a hard touchdown.
  cpu.reset(a, { seed: 1, env: 0, episode: 0 });
  const crash = rollout((_, act) => act.set([-1, 0]), a);
  assert.deepEqual(Array.from(crash), [-1, 1, 0]);
  assert.ok(a[1]! <= 0 && a[3]! < -P.maxLandingSpeed);
  // Full side thrust: tumbles before landing.
  cpu.reset(a, { seed: 1, env: 0, episode: 0 });
  const tumble = rollout((_, act) => act.set([0, 1]), a);
  assert.deepEqual(Array.from(tumble), [-1, 1, 0]);
  assert.ok(Math.abs(a[4]!) > P.maxTilt);
});

Deno.test("LANDER expert lands softly on the pad without noise", () => {
  const s = new Float32Array(8);
  for (let env = 0; env < 16; env++) {
    const key = { seed: 9, env, episode: 0 };
    cpu.reset(s, key);
    const out = rollout((st, act) => cpu.expert(st, act, key), s);
    assert.deepEqual(Array.from(out), [1, 1, 1], `env ${env}`);
    assert.ok(Math.abs(s[0]! - s[6]!) <= P.padHalfWidth);
  }
});

Deno.test("LANDER expert is bimodal: it approaches from the side its mode picks", () => {
  const s = new Float32Array(8),
    a = new Float32Array(2),
    out = new Float32Array(3);
  let agree = 0, total = 0;
  const modes = new Set<number>();
  for (let env = 0; env < 64; env++) {
    const key = { seed: 4, env, episode: 0 };
    cpu.reset(s, key);
    const m = landerMode(key);
    modes.add(m);
    if (Math.abs(s[6]! + 0.3 * m) > 0.75) continue; // corridor flipped
    while (!out[1] && s[1]! > 0.45) {
      cpu.expert(s, a, key);
      cpu.step(s, a, out);
    }
    out.fill(0);
    total++;
    if (Math.sign(s[0]! - s[6]!) === m) agree++;
  }
  assert.deepEqual([...modes].sort(), [-1, 1]);
  assert.ok(total >= 32 && agree >= 0.9 * total, `${agree} of ${total}`);
});

Deno.test("LANDER observe writes sin/cos of the tilt and the pad offset", () => {
  const s = new Float32Array([0.2, 0.5, 0.1, -0.1, 0.3, 1, -0.4, 3]);
  const o = new Float32Array(8);
  cpu.observe(s, o);
  assert.ok(Math.abs(o[4]! - Math.sin(0.3)) < 1e-6);
  assert.ok(Math.abs(o[5]! - Math.cos(0.3)) < 1e-6);
  assert.ok(Math.abs(o[7]! + 0.6) < 1e-6 && o[6] === 0.25);
  for (let x = -1.6; x <= 1.6; x += 0.1) {
    assert.ok(Math.abs(landerSin(x) - Math.sin(x)) < 2e-5, `sin ${x}`);
    assert.ok(Math.abs(landerCos(x) - Math.cos(x)) < 2e-5, `cos ${x}`);
  }
});

Deno.test("LANDER render draws the lander and the pad at the requested size", () => {
  const s = new Float32Array([0.3, 0.5, 0, 0, 0.2, 0, -0.4, 0]);
  const img = cpu.render(s);
  assert.deepEqual([img.width, img.height, img.rgba.length], [
    160,
    128,
    4 * 160 * 128,
  ]);
  const colours = new Set<number>();
  for (let i = 0; i < img.rgba.length; i += 4) {
    assert.equal(img.rgba[i + 3], 255);
    colours.add(
      (img.rgba[i]! << 16) | (img.rgba[i + 1]! << 8) | img.rgba[i + 2]!,
    );
  }
  assert.ok(colours.has((230 << 16) | (230 << 8) | 240), "no body pixel");
  assert.ok(colours.has((60 << 16) | (200 << 8) | 90), "no pad pixel");
  assert.equal(
    cpu.render(s, { width: 40, height: 30 }).rgba.length,
    4 * 40 * 30,
  );
  assert.throws(() => cpu.render(s, { width: 0 }), RangeError);
});
