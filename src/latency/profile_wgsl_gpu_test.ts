import assert from "node:assert/strict";
import { gpuTest } from "../testing/gpu.ts";
import {
  compileMessages,
  createStorage,
  dispatch,
  getPipeline,
  readBuffer,
} from "../gpu/kernel.ts";
import { RNG_WGSL } from "../rng/rng_wgsl.ts";
import { profileWgsl } from "./profile_wgsl.ts";
import { resolveProfile } from "./resolve.ts";
import type { ProfileConfig } from "./types.ts";

// Exact kinds: 8192 draws (4 streams, counters from 0 and near 2^32) must be
// identical. Float kinds (lognormal, pareto, bursty): 65536 draws; float32
// log/exp/cos on the GPU may differ from Math.* by a few ulp, so at least
// FLOAT_MIN_SAME of the draws must be identical and the rest off by one step.
const N_EXACT = 8192;
const N_FLOAT = 65536;
const FLOAT_MIN_SAME = 0.999;
const SEED = 20240611;

function shader(profile: string, N: number): string {
  return `${RNG_WGSL}
${profile}
@group(0) @binding(0) var<storage, read_write> out: array<i32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= ${N}u) { return; }
  // Streams 0..3, counters 0..N/4-1, plus a few counters near 2^32.
  let stream = i & 3u;
  var counter = i >> 2u;
  if (i >= ${N - 64}u) { counter = 0xffffff00u + (i & 63u); }
  out[i] = sample_delay(${SEED}u, stream, counter);
}
`;
}

function cpuRef(config: ProfileConfig, N: number): Int32Array {
  const p = resolveProfile(config);
  const out = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const counter = i >= N - 64 ? 0xffffff00 + (i & 63) : i >> 2;
    out[i] = p.sampleAt(SEED, i & 3, counter);
  }
  return out;
}

async function gpuRun(
  device: GPUDevice,
  config: ProfileConfig,
  N: number,
): Promise<Int32Array> {
  const code = shader(profileWgsl(config), N);
  assert.deepEqual(await compileMessages(device, code), []);
  const out = createStorage(device, { size: 4 * N });
  dispatch(device, [{
    pipeline: getPipeline(device, { code }),
    buffers: [out],
    workgroups: [N / 64],
  }]);
  return new Int32Array(await readBuffer(device, out, 4 * N));
}

const MIX = {
  kind: "mixture",
  base_delays: [0, 1, 2],
  base_probs: [0.7, 0.2, 0.1],
  p_spike: 0.1,
  d_spike: 6,
} as const;

const EXACT: Record<string, ProfileConfig> = {
  fixed: { kind: "fixed", delay: 3 },
  mixture: {
    ...MIX,
    base_delays: [...MIX.base_delays],
    base_probs: [...MIX.base_probs],
  },
  categorical: {
    kind: "categorical",
    delays: [1, 2, 5, 9],
    probs: [0.4, 0.3, 0.2, 0.1],
  },
  categorical_large: {
    kind: "categorical",
    delays: Array.from({ length: 40 }, (_, k) => k),
    probs: Array.from({ length: 40 }, () => 1 / 40),
  },
  empirical_iid: {
    kind: "empirical",
    dt_ms: 20,
    samples_ms: [12, 55, 31, 80, 8, 200, 41],
  },
  empirical_replay: {
    kind: "empirical",
    dt_ms: 20,
    samples_ms: [12, 55, 31, 80, 8, 200, 41],
    mode: "replay",
  },
  transforms: {
    kind: "mixture",
    base_delays: [0, 1, 2],
    base_probs: [0.7, 0.2, 0.1],
    p_spike: 0.1,
    d_spike: 6,
    transforms: [{ kind: "cold_start", extra: 5 }, { kind: "hedge", k: 3 }, {
      kind: "drop_spike",
      p: 0.5,
    }, { kind: "tail_cap", cap: 4 }],
  },
  // Latency scale: step values ceil(d * scale) and trace entries ms * scale
  // are tabulated on the host, so the GPU gives the same integers.
  mixture_scaled: {
    ...MIX,
    base_delays: [...MIX.base_delays],
    base_probs: [...MIX.base_probs],
    scale: 1.37,
    transforms: [{ kind: "drop_spike", p: 0.5 }, { kind: "tail_cap", cap: 7 }],
  },
  empirical_iid_scaled: {
    kind: "empirical",
    dt_ms: 20,
    samples_ms: [12, 55, 31, 80, 8, 200, 41],
    scale: 2.6,
  },
  // Hedge copies and drop-spike re-draws replay from their own phases.
  empirical_replay_scaled_controls: {
    kind: "empirical",
    dt_ms: 20,
    samples_ms: [12, 55, 31, 80, 8, 200, 41],
    mode: "replay",
    scale: 1.5,
    transforms: [{ kind: "hedge", k: 3 }, {
      kind: "drop_spike",
      p: 0.8,
      threshold: 3,
    }],
  },
  empirical_replay_zero_hedge: {
    kind: "empirical",
    dt_ms: 20,
    samples_ms: [12, 55, 31, 80, 8, 200, 41],
    mode: "replay",
    phase: "zero",
    transforms: [{ kind: "hedge", k: 2 }],
  },
  drop_tries: {
    kind: "categorical",
    delays: [1, 2, 5, 9],
    probs: [0.4, 0.3, 0.2, 0.1],
    transforms: [{ kind: "drop_spike", p: 0.7, threshold: 2 }, {
      kind: "hedge",
      k: 2,
    }],
  },
};

const FLOAT: Record<string, ProfileConfig> = {
  lognormal: {
    kind: "lognormal",
    dt_ms: 20,
    median_ms: 45,
    sigma: 0.6,
    offset_ms: 5,
  },
  pareto: { kind: "pareto", dt_ms: 20, scale_ms: 30, alpha: 1.5 },
  bursty: {
    kind: "bursty",
    dt_ms: 20,
    p_enter: 0.05,
    p_exit: 0.25,
    calm: { median_ms: 25, sigma: 0.3 },
    burst: { median_ms: 120, sigma: 0.5 },
    transforms: [{ kind: "hedge", k: 2 }, { kind: "tail_cap", cap: 12 }],
  },
  // The drawn ms times a float32 scale: one correctly rounded product on
  // both sides, so the scale adds no disagreement of its own (llvmpipe:
  // every one of the 65536 draws identical, scaled or not).
  lognormal_scaled: {
    kind: "lognormal",
    dt_ms: 20,
    median_ms: 45,
    sigma: 0.6,
    offset_ms: 5,
    scale: 1.384,
  },
  pareto_scaled: {
    kind: "pareto",
    dt_ms: 20,
    scale_ms: 30,
    alpha: 1.5,
    scale: 2.5,
  },
  bursty_scaled: {
    kind: "bursty",
    dt_ms: 20,
    p_enter: 0.05,
    p_exit: 0.95,
    calm: { median_ms: 25, sigma: 0.3 },
    burst: { median_ms: 120, sigma: 0.5 },
    scale: 1.7,
    transforms: [{ kind: "cold_start", extra: 6 }, { kind: "hedge", k: 2 }],
  },
  bursty_independent_replicas: {
    kind: "bursty",
    dt_ms: 20,
    p_enter: 0.1,
    p_exit: 0.3,
    calm: { median_ms: 25, sigma: 0.3 },
    burst: { median_ms: 120, sigma: 0.5 },
    replicas: "independent",
    transforms: [{ kind: "hedge", k: 3 }, {
      kind: "drop_spike",
      p: 0.5,
      threshold: 3,
    }],
  },
};

for (const [name, config] of Object.entries(EXACT)) {
  gpuTest(
    `profileWgsl() gives the CPU's exact integers for ${name}`,
    async (device) => {
      const gpu = await gpuRun(device, config, N_EXACT);
      const cpu = cpuRef(config, N_EXACT);
      for (let i = 0; i < N_EXACT; i++) {
        if (gpu[i] !== cpu[i]) {
          assert.fail(`${name} draw ${i}: gpu ${gpu[i]} cpu ${cpu[i]}`);
        }
      }
    },
  );
}
for (const [name, config] of Object.entries(FLOAT)) {
  gpuTest(
    `profileWgsl() matches the CPU within one step for ${name}`,
    async (device) => {
      const gpu = await gpuRun(device, config, N_FLOAT);
      const cpu = cpuRef(config, N_FLOAT);
      let same = 0;
      for (let i = 0; i < N_FLOAT; i++) {
        if (gpu[i] === cpu[i]) same++;
        else if (Math.abs(gpu[i]! - cpu[i]!) > 1) {
          assert.fail(`${name} draw ${i}: gpu ${gpu[i]} cpu ${cpu[i]}`);
        }
      }
      assert.ok(
        same >= FLOAT_MIN_SAME * N_FLOAT,
        `${name}: only ${same} of ${N_FLOAT} draws identical`,
      );
    },
  );
}
