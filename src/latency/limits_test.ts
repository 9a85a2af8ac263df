import assert from "node:assert/strict";
import { resolveProfile } from "./resolve.ts";
import { profileWgsl } from "./profile_wgsl.ts";
import type { ProfileConfig } from "./types.ts";

function mixture(n: number): ProfileConfig {
  return {
    kind: "mixture",
    base_delays: Array.from({ length: n }, (_, i) => i % 8),
    base_probs: new Array(n).fill(1 / n),
    p_spike: 0.05,
    d_spike: 4,
  };
}

function rejects(config: ProfileConfig, text: string): void {
  assert.throws(() => resolveProfile(config), (err: Error) => {
    assert.equal(err.constructor, RangeError, err.message);
    assert.ok(err.message.includes(text), err.message);
    assert.ok(err.message.startsWith("Cannot create "), err.message);
    return true;
  });
}

Deno.test("resolveProfile() refuses a mixture of 10^6 or 10^5 base delays with the table limit in the message", () => {
  rejects(
    mixture(1_000_000),
    "base_delays must have at most 65536 entries: current length is 1000000",
  );
  rejects(
    mixture(100_000),
    "base_delays must have at most 65536 entries: current length is 100000",
  );
});

Deno.test("resolveProfile() accepts a table of exactly 65536 entries and its WGSL generates", () => {
  const n = 65536;
  const config: ProfileConfig = {
    kind: "categorical",
    delays: Array.from({ length: n }, (_, i) => i),
    probs: new Array(n).fill(1 / n),
  };
  const p = resolveProfile(config);
  assert.ok(p.sampleAt(0, 0, 0) < n);
  assert.match(profileWgsl(p), /fn sample_delay/);
});

Deno.test("resolveProfile() refuses empirical traces over the limits of their mode", () => {
  const ramp = Array.from({ length: 100_000 }, (_, i) => i);
  rejects(
    { kind: "empirical", dt_ms: 1, samples_ms: ramp, mode: "replay" },
    "samples_ms must have at most 65536 entries in replay mode: current length is 100000",
  );
  rejects(
    { kind: "empirical", dt_ms: 1, samples_ms: ramp },
    "samples_ms must have at most 65536 distinct delays (ceil(ms / dt_ms)) in iid mode: current count is 100000",
  );
  // A long trace with few distinct step delays is fine in iid mode.
  const p = resolveProfile({
    kind: "empirical",
    dt_ms: 25_000,
    samples_ms: ramp,
  });
  assert.ok(p.sampleAt(0, 0, 0) <= 4);
});

Deno.test("resolveProfile() refuses more than 64 transforms", () => {
  rejects(
    {
      kind: "fixed",
      delay: 1,
      transforms: new Array(65).fill({ kind: "tail_cap", cap: 3 }),
    },
    "transforms must have at most 64 entries: current length is 65",
  );
});
