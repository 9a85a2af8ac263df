import assert from "node:assert/strict";
import { resolveProfile } from "./resolve.ts";
import { SEED_PROFILES } from "./presets.ts";
import {
  coldStart,
  dropSpike,
  hedge,
  tailCap,
  withTransforms,
} from "./transforms.ts";
import { pViolate } from "./stats.ts";
import type { ProfileConfig } from "./types.ts";

// Distribution tests: 10^5 draws with fixed seeds. Unless stated, a
// frequency must be within TOL of its exact value (>= 6 standard errors for
// p <= 0.5 at this n, so a correct sampler passes and a wrong law fails).
const N = 100_000;
const TOL = 0.005;

function freq(d: Int32Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const x of d) m.set(x, (m.get(x) ?? 0) + 1 / d.length);
  return m;
}

function near(
  actual: number | undefined,
  expected: number,
  tol: number,
  what: string,
): void {
  const a = actual ?? 0;
  assert.ok(
    Math.abs(a - expected) <= tol,
    `${what}: ${a} vs ${expected} ± ${tol}`,
  );
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 -
    t *
      (0.254829592 +
        t *
          (-0.284496736 +
            t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
      Math.exp(-z * z);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

Deno.test("long_tail gives P(d=4) = 0.05 ± 0.005 and the base law over 10^5 draws", () => {
  const d = resolveProfile(SEED_PROFILES.long_tail).sample(N, 0, 0);
  const f = freq(d);
  assert.deepEqual([...f.keys()].sort(), [0, 1, 4]);
  near(f.get(4), 0.05, TOL, "P(d=4)");
  near(f.get(0), 0.95 * 0.8, TOL, "P(d=0)");
  near(f.get(1), 0.95 * 0.2, TOL, "P(d=1)");
  near(pViolate(d, { horizon: 4, executeHorizon: 1 }), 0.05, TOL, "p_violate");
});

Deno.test("tail_controlled (tail_cap 2) gives max 2 and p_violate 0 for H=4, s=1", () => {
  const d = resolveProfile(SEED_PROFILES.tail_controlled).sample(N, 3, 1);
  assert.equal(Math.max(...d), 2);
  assert.equal(pViolate(d, { horizon: 4, executeHorizon: 1 }), 0);
  near(freq(d).get(2), 0.05, TOL, "P(d=2)");
});

Deno.test("hedge(k) takes the min of k independent draws", () => {
  const d = resolveProfile(withTransforms(SEED_PROFILES.long_tail, [hedge(2)]))
    .sample(N, 1, 0);
  const f = freq(d);
  near(f.get(4), 0.05 ** 2, 0.001, "P(min = 4)");
  near(f.get(0), 1 - (1 - 0.76) ** 2, TOL, "P(min = 0)");
  const one = resolveProfile(
    withTransforms(SEED_PROFILES.long_tail, [hedge(1)]),
  );
  assert.deepEqual(
    one.sample(1000, 1, 0),
    resolveProfile(SEED_PROFILES.long_tail).sample(1000, 1, 0),
  );
});

Deno.test("dropSpike(p) re-draws a mixture spike from the base law with probability p", () => {
  const all = freq(
    resolveProfile(withTransforms(SEED_PROFILES.long_tail, [dropSpike(1)]))
      .sample(N, 2, 0),
  );
  assert.equal(all.get(4), undefined);
  near(all.get(0), 0.8, TOL, "P(d=0) after dropping every spike");
  const half = freq(
    resolveProfile(withTransforms(SEED_PROFILES.long_tail, [dropSpike(0.5)]))
      .sample(N, 2, 0),
  );
  near(half.get(4), 0.025, 0.003, "P(d=4) after dropping half");
  // Draws that are not spikes are untouched.
  const base = resolveProfile(SEED_PROFILES.long_tail).sample(N, 2, 0);
  const dropped = resolveProfile(
    withTransforms(SEED_PROFILES.long_tail, [dropSpike(0.5)]),
  ).sample(N, 2, 0);
  for (let i = 0; i < N; i++) {
    if (base[i] !== 4) assert.equal(dropped[i], base[i]);
  }
});

Deno.test("dropSpike(p, {threshold}) on a categorical conditions on d <= threshold (8 tries)", () => {
  const cfg: ProfileConfig = {
    kind: "categorical",
    delays: [1, 2, 5, 9],
    probs: [0.4, 0.3, 0.2, 0.1],
    transforms: [dropSpike(1, { threshold: 2 })],
  };
  const f = freq(resolveProfile(cfg).sample(N, 4, 0));
  assert.ok((f.get(5) ?? 0) + (f.get(9) ?? 0) === 0);
  near(f.get(1), 0.4 / 0.7, TOL, "P(d=1 | d<=2)");
  // Nothing below the threshold: all 8 tries fail and the threshold is returned.
  const fixed = resolveProfile({
    kind: "fixed",
    delay: 3,
    transforms: [dropSpike(1, { threshold: 2 })],
  });
  assert.deepEqual([...fixed.sample(10, 0, 0)], Array(10).fill(2));
});

Deno.test("coldStart(extra) adds extra steps to counter 0 of each (seed, stream) only", () => {
  const base = resolveProfile(SEED_PROFILES.long_tail);
  const cold = resolveProfile(
    withTransforms(SEED_PROFILES.long_tail, [coldStart(10)]),
  );
  for (let stream = 0; stream < 8; stream++) {
    const a = base.sample(64, 5, stream), b = cold.sample(64, 5, stream);
    assert.equal(b[0], a[0]! + 10);
    assert.deepEqual(b.subarray(1), a.subarray(1));
    assert.equal(cold.sampleAt(5, stream, 0), b[0]);
  }
  // Order matters: a later cap also caps the cold start.
  const capped = resolveProfile(
    withTransforms(SEED_PROFILES.long_tail, [coldStart(10), tailCap(2)]),
  );
  assert.equal(capped.sampleAt(5, 0, 0), 2);
});

Deno.test("fixed and categorical profiles draw their law", () => {
  assert.deepEqual([
    ...resolveProfile({ kind: "fixed", delay: 3 }).sample(9, 1, 1),
  ], Array(9).fill(3));
  const f = freq(
    resolveProfile({
      kind: "categorical",
      delays: [2, 0, 7],
      probs: [0.5, 0.3, 0.2],
    }).sample(N, 8, 2),
  );
  near(f.get(2), 0.5, TOL, "P(2)");
  near(f.get(0), 0.3, TOL, "P(0)");
  near(f.get(7), 0.2, TOL, "P(7)");
});

Deno.test("lognormal steps follow P(d <= k) = Phi((ln(k dt - offset) - ln median) / sigma)", () => {
  const [dt, med, sigma, off] = [20, 45, 0.6, 5];
  const d = resolveProfile({
    kind: "lognormal",
    dt_ms: dt,
    median_ms: med,
    sigma,
    offset_ms: off,
  }).sample(N, 6, 0);
  for (let k = 1; k <= 8; k++) {
    const emp = d.filter((x) => x <= k).length / N;
    near(
      emp,
      phi((Math.log(k * dt - off) - Math.log(med)) / sigma),
      TOL,
      `P(d <= ${k})`,
    );
  }
  assert.equal(Math.min(...d) >= 1, true);
});

Deno.test("pareto steps follow P(d <= k) = 1 - (scale / (k dt))^alpha", () => {
  const [dt, scale, alpha] = [20, 30, 1.5];
  const d = resolveProfile({
    kind: "pareto",
    dt_ms: dt,
    scale_ms: scale,
    alpha,
  }).sample(N, 7, 0);
  for (let k = 1; k <= 12; k++) {
    const emp = d.filter((x) => x <= k).length / N;
    const exact = k * dt < scale ? 0 : 1 - (scale / (k * dt)) ** alpha;
    near(emp, exact, TOL, `P(d <= ${k})`);
  }
});

Deno.test("empirical converts ms with ceil(ms / dt_ms), resamples iid or replays in order", () => {
  const ms = [0, 19.9, 20, 20.1, 40, 100];
  const replay = resolveProfile({
    kind: "empirical",
    dt_ms: 20,
    samples_ms: ms,
    mode: "replay",
    phase: "zero",
  });
  assert.deepEqual([...replay.sample(8, 3, 9)], [0, 1, 1, 2, 2, 5, 0, 1]);
  const random = resolveProfile({
    kind: "empirical",
    dt_ms: 20,
    samples_ms: ms,
    mode: "replay",
  });
  const steps = [0, 1, 1, 2, 2, 5];
  const phases = new Set<number>();
  for (let stream = 0; stream < 16; stream++) {
    const d = [...random.sample(12, 3, stream)];
    const phase = [0, 1, 2, 3, 4, 5].find((p) =>
      d.every((x, i) => x === steps[(i + p) % 6])
    );
    assert.notEqual(
      phase,
      undefined,
      `stream ${stream} is a rotation of the trace`,
    );
    phases.add(phase!);
  }
  assert.ok(phases.size >= 3, "streams start at different phases");
  const f = freq(
    resolveProfile({ kind: "empirical", dt_ms: 20, samples_ms: ms }).sample(
      N,
      3,
      0,
    ),
  );
  near(f.get(1), 2 / 6, TOL, "P(1)");
  near(f.get(5), 1 / 6, TOL, "P(5)");
});

Deno.test("bursty profile is a Markov chain with P(enter) = p_enter, P(exit) = p_exit, stationary start", () => {
  const [pEnter, pExit] = [0.05, 0.2];
  // sigma 0: calm gives ceil(10/20) = 1 step, burst ceil(100/20) = 5 steps, so the state is visible.
  const cfg: ProfileConfig = {
    kind: "bursty",
    dt_ms: 20,
    p_enter: pEnter,
    p_exit: pExit,
    calm: { median_ms: 10, sigma: 0 },
    burst: { median_ms: 100, sigma: 0 },
  };
  const d = resolveProfile(cfg).sample(N, 9, 0);
  let burst = 0, calm2burst = 0, calm = 0, burst2calm = 0, burstPrev = 0;
  for (let i = 0; i < N; i++) {
    if (d[i] === 5) burst++;
    if (i === 0) continue;
    if (d[i - 1] === 1) {
      calm++;
      if (d[i] === 5) calm2burst++;
    } else {
      burstPrev++;
      if (d[i] === 1) burst2calm++;
    }
  }
  // Correlated draws: the stationary fraction has ~7x the iid variance, hence 0.015.
  near(burst / N, pEnter / (pEnter + pExit), 0.015, "stationary P(burst)");
  near(calm2burst / calm, pEnter, TOL, "P(calm -> burst)");
  near(burst2calm / burstPrev, pExit, 0.015, "P(burst -> calm)");
  // Counter 0 starts from the stationary law: across streams ~20% start in a burst.
  const p = resolveProfile(cfg);
  let first = 0;
  for (let s = 0; s < 20000; s++) if (p.sampleAt(9, s, 0) === 5) first++;
  near(first / 20000, 0.2, 0.015, "P(burst at counter 0)");
});

Deno.test("bursty replicas: hedge copies share a burst (shared) or draw their own state (independent)", () => {
  // iid states (p_enter + p_exit = 1): spikes of 100 ms = 5 steps with probability 0.1.
  const cfg: ProfileConfig = {
    kind: "bursty",
    dt_ms: 20,
    p_enter: 0.1,
    p_exit: 0.9,
    calm: { median_ms: 10, sigma: 0 },
    burst: { median_ms: 100, sigma: 0 },
  };
  const spikes = (c: ProfileConfig) =>
    freq(resolveProfile(c).sample(N, 4, 0)).get(5) ?? 0;
  near(spikes(cfg), 0.1, TOL, "P(spike)");
  near(spikes(withTransforms(cfg, [hedge(2)])), 0.1, TOL, "shared: P(spike)");
  const independent = { ...cfg, replicas: "independent" as const };
  near(spikes(independent), 0.1, TOL, "independent, no hedge: P(spike)");
  near(
    spikes(withTransforms(independent, [hedge(2)])),
    0.01,
    0.002,
    "independent: P(both replicas spike)",
  );
  // Copy 0 is the same draw in both modes.
  assert.deepEqual(
    resolveProfile(independent).sample(1000, 4, 0),
    resolveProfile(cfg).sample(1000, 4, 0),
  );
  assert.throws(
    () => resolveProfile({ ...cfg, replicas: "some" } as never),
    /replicas must be one of shared, independent/,
  );
});
