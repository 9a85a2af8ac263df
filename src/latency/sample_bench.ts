// Throughput of batched delay sampling: `deno bench -A src/latency/sample_bench.ts`.
// Draws per second = DRAWS / (time per iteration). Target for the mixture
// fast path: >= 50 million draws/s per core.
import { resolveProfile } from "./resolve.ts";
import { SEED_PROFILES } from "./presets.ts";
import { hedge, withTransforms } from "./transforms.ts";

const DRAWS = 1 << 20;
const out = new Int32Array(DRAWS);
let stream = 0;

const longTail = resolveProfile(SEED_PROFILES.long_tail);
const capped = resolveProfile(SEED_PROFILES.tail_controlled);
const categorical = resolveProfile({
  kind: "categorical",
  delays: [0, 1, 2, 3, 4, 5, 6, 7],
  probs: [0.3, 0.2, 0.15, 0.1, 0.1, 0.05, 0.05, 0.05],
});
const hedged = resolveProfile(
  withTransforms(SEED_PROFILES.long_tail, [hedge(2)]),
);
const lognormal = resolveProfile({
  kind: "lognormal",
  dt_ms: 20,
  median_ms: 45,
  sigma: 0.6,
});

Deno.bench({
  name: "mixture long_tail, 2^20 draws (fast path)",
  group: "sample",
  baseline: true,
  fn() {
    longTail.sampleInto(out, 1, stream++);
  },
});
Deno.bench({
  name: "mixture tail_controlled (tail_cap 2), 2^20 draws",
  group: "sample",
  fn() {
    capped.sampleInto(out, 1, stream++);
  },
});
Deno.bench({
  name: "categorical 8 values, 2^20 draws",
  group: "sample",
  fn() {
    categorical.sampleInto(out, 1, stream++);
  },
});
Deno.bench({
  name: "mixture + hedge(2), 2^20 draws (generic path)",
  group: "sample",
  fn() {
    hedged.sampleInto(out, 1, stream++);
  },
});
Deno.bench({
  name: "lognormal, 2^20 draws (generic path, float32)",
  group: "sample",
  fn() {
    lognormal.sampleInto(out, 1, stream++);
  },
});
