import assert from "node:assert/strict";
import { CATCH } from "./catch.ts";
import { catchMode, predictCatchLanding } from "./catch_cpu.ts";
import {
  CATCH_BALL_STRIDE,
  CATCH_PARAMS as P,
  CATCH_T,
} from "./catch_params.ts";
import { chunkedExpert, delayedExpert } from "../../testing/expert_probe.ts";

const { cpu } = CATCH;
const ENVS = 256;
const S = cpu.spec.stateDim;

Deno.test("CATCH expert solves >= 0.95 of 256 episodes with 0.1 action noise", () => {
  const { solveRate } = delayedExpert(cpu, { envs: ENVS, delay: 0, seed: 3 });
  assert.ok(solveRate >= 0.95, `solve rate ${solveRate}`);
});

Deno.test("CATCH is latency-sensitive: delay 4 costs the expert >= 0.2 solve rate", () => {
  const k0 = delayedExpert(cpu, { envs: ENVS, delay: 0 }).solveRate;
  const k4 = delayedExpert(cpu, { envs: ENVS, delay: 4 }).solveRate;
  assert.ok(k4 <= k0 - 0.2, `delayed expert: k=0 ${k0}, k=4 ${k4}`);
  const opts = { envs: ENVS, executeHorizon: 4 };
  const d0 = chunkedExpert(cpu, { ...opts, delay: 0 }).solveRate;
  const d4 = chunkedExpert(cpu, { ...opts, delay: 4 }).solveRate;
  assert.ok(d0 >= 0.95 && d4 <= d0 - 0.2, `chunked: d=0 ${d0}, d=4 ${d4}`);
});

Deno.test("CATCH reset is deterministic and staggers the releases", () => {
  const a = new Float32Array(S), b = new Float32Array(S);
  cpu.reset(a, { seed: 5, env: 2, episode: 1 });
  cpu.reset(b, { seed: 5, env: 2, episode: 1 });
  assert.deepEqual(a, b);
  for (
    const key of [{ seed: 5, env: 3, episode: 1 }, {
      seed: 6,
      env: 2,
      episode: 1,
    }]
  ) {
    cpu.reset(b, key);
    assert.notDeepEqual(a, b);
  }
  for (let env = 0; env < 64; env++) {
    cpu.reset(a, { seed: 0, env, episode: 0 });
    assert.deepEqual([a[0], a[1], a[CATCH_T]], [0, 0, 0]);
    let last = -Infinity;
    for (let i = 0; i < P.balls; i++) {
      const ball = a.subarray(
        2 + i * CATCH_BALL_STRIDE,
        2 + (i + 1) * CATCH_BALL_STRIDE,
      );
      assert.ok(Math.abs(ball[0]!) <= 0.9 && ball[1] === 1 && ball[4] === 0);
      assert.ok(Math.abs(ball[2]!) <= P.maxReleaseVx);
      assert.ok(
        ball[5]! >= last + P.minGap,
        `release ${ball[5]} after ${last}`,
      );
      last = ball[5]!;
    }
  }
});

Deno.test("CATCH observe hides balls until they are released", () => {
  const s = new Float32Array(S), o = new Float32Array(cpu.spec.obsDim);
  cpu.reset(s, { seed: 1, env: 0, episode: 0 });
  cpu.observe(s, o);
  assert.ok(o.every((v) => v === 0));
  const out = new Float32Array(3);
  while (s[2 + 4] !== 1) cpu.step(s, new Float32Array([0]), out);
  cpu.observe(s, o);
  const [landX, landN] = predictCatchLanding(s.subarray(2, 6));
  assert.deepEqual(Array.from(o.subarray(2, 9)), [
    ...s.subarray(2, 6),
    1,
    landX,
    Math.fround(landN * Math.fround(0.05)),
  ]);
  assert.ok(o.subarray(9).every((v) => v === 0));
  // landT counts down one dt per step while the ball falls.
  const before = o[8]!;
  cpu.step(s, new Float32Array([0]), out);
  cpu.observe(s, o);
  assert.ok(
    Math.abs(before - o[8]! - 0.05) < 1e-4,
    `landT ${before} -> ${o[8]}`,
  );
});

Deno.test("CATCH step: caught ball +1, missed ball -1 and done, wall bounce, paddle stop", () => {
  const s = new Float32Array(S), out = new Float32Array(3);
  // One falling ball just above the paddle, others far in the future.
  const place = (x: number, px: number) => {
    s.fill(0);
    s[0] = px;
    s.set([x, 0.01, 0, -1, 1, 0], 2);
    for (let i = 1; i < P.balls; i++) {
      s.set([0, 1, 0, 0, 0, 90], 2 + i * CATCH_BALL_STRIDE);
    }
  };
  place(0.1, 0.0);
  cpu.step(s, new Float32Array([0]), out);
  assert.deepEqual([out[0], out[1], s[2 + 4]], [1, 0, 2]);
  place(0.5, 0.0);
  cpu.step(s, new Float32Array([0]), out);
  assert.deepEqual(Array.from(out), [-1, 1, 0]);
  // A ball flying into the right wall comes back with its speed reversed.
  s.fill(0);
  s.set([0.96, 0.9, 1, 0, 1, 0], 2);
  cpu.step(s, new Float32Array([0]), out);
  assert.ok(s[2]! < 1 - P.ballRadius && s[2 + 2] === -1);
  // The paddle stops at the wall; actions beyond 1 are clipped.
  s.fill(0);
  s[0] = 0.85;
  s[1] = 3;
  cpu.step(s, new Float32Array([9]), out);
  assert.deepEqual([s[0], s[1]], [Math.fround(1 - P.paddleHalfWidth), 0]);
});

Deno.test("predictCatchLanding() matches the simulated crossing, walls included", () => {
  const s = new Float32Array(S), out = new Float32Array(3);
  for (let env = 0; env < 32; env++) {
    cpu.reset(s, { seed: 2, env, episode: 0 });
    s[0] = 5; // paddle far away: the ball is missed where it lands
    s[2 + 4] = 1;
    const [x, n] = predictCatchLanding(s.subarray(2, 6));
    const vx = Math.abs(s[2 + 2]!);
    let steps = 0;
    while (s[2 + 1]! > 0) {
      cpu.step(s, new Float32Array([0]), out);
      s[0] = 5;
      steps++;
    }
    assert.equal(steps, Math.ceil(n), `env ${env}`);
    assert.ok(Math.abs(s[2]! - x) <= 0.5 * vx * P.dt + 1e-5, `env ${env}`);
  }
});

Deno.test("CATCH expert is bimodal: it catches with the paddle side its mode picks", () => {
  const s = new Float32Array(S),
    a = new Float32Array(1),
    out = new Float32Array(3);
  const offsets: Record<string, number[]> = { "-1": [], "1": [] };
  for (let env = 0; env < 32; env++) {
    const key = { seed: 4, env, episode: 0 };
    cpu.reset(s, key);
    const m = catchMode(key);
    out.fill(0);
    while (!out[1]) {
      cpu.expert(s, a, key);
      const before = s.slice();
      cpu.step(s, a, out);
      for (let i = 0; i < P.balls; i++) {
        const b = 2 + i * CATCH_BALL_STRIDE;
        if (before[b + 4] === 1 && s[b + 4] === 2) {
          offsets[m]!.push(s[b]! - s[0]!);
        }
      }
    }
  }
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  assert.ok(offsets["1"]!.length > 10 && offsets["-1"]!.length > 10);
  assert.ok(mean(offsets["1"]!) < -0.03 && mean(offsets["-1"]!) > 0.03);
});

Deno.test("CATCH render draws the paddle and falling balls at the requested size", () => {
  const s = new Float32Array(S);
  s[0] = 0.2;
  s.set([-0.5, 0.6, 0, 0, 1, 0], 2);
  const img = cpu.render(s);
  assert.deepEqual([img.width, img.height], [128, 128]);
  const count = (c: number[]) => {
    let n = 0;
    for (let i = 0; i < img.rgba.length; i += 4) {
      if (
        img.rgba[i] === c[0] && img.rgba[i + 1] === c[1] &&
        img.rgba[i + 2] === c[2]
      ) n++;
    }
    return n;
  };
  assert.ok(count([80, 180, 255]) > 10, "no paddle");
  assert.ok(count([255, 210, 70]) > 4, "no ball");
  assert.equal(cpu.render(s, { width: 20, height: 10 }).rgba.length, 4 * 200);
  assert.throws(() => cpu.render(s, { height: 1.5 }), RangeError);
});
