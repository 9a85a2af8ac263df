/**
 * Writes what an independent implementation of the upstream scan needs to
 * replay the toolkit's `evaluateScan` on the toy reaching task, and what the
 * toolkit executed: the network weights (flax names), every sampler call's
 * initial noise and returned chunk, the action noise of every step, the
 * reset states of every episode, and the executed (pre-noise) actions and
 * first-episode outcomes. `scan_check.py` replays it in JAX.
 *
 * Usage: `deno run -A scripts/upstream_check/dump_scan.ts <out.json>`
 *
 * @module
 */
import { toyTask } from "../../src/testing/toy_task.ts";
import { evaluateScan } from "../../src/eval/scan.ts";
import type { EnvStepper } from "../../src/envs/wrapper.ts";
import { createCpuStepper } from "../../src/envs/wrapper.ts";
import type { ChunkSampler } from "../../src/eval/types.ts";
import { getBackend } from "../../src/gpu/backend.ts";
import { resolveProfile } from "../../src/latency/mod.ts";
import { createNet } from "../../src/policy/net.ts";
import { paramLayout, randomParams } from "../../src/policy/params.ts";
import { normal } from "../../src/rng/rng.ts";
import {
  type MethodName,
  resolveMethodConfig,
} from "../../src/rtc/method_config.ts";
import { sampleChunk } from "../../src/rtc/sample.ts";

/** One evaluated configuration. */
interface Case {
  method: MethodName;
  delay: number;
  s: number;
}

const H = 8;
const N = 12;
const T = 30;
const SEED = 7;
const NOISE_STD = 0.1;
const CONFIG = {
  channelDim: 16,
  channelHiddenDim: 24,
  tokenHiddenDim: 8,
  numLayers: 2,
  actionChunkSize: H,
  simulatedDelay: null,
};
const CASES: Case[] = [];
for (
  const method of [
    "naive",
    "realtime",
    "hard_masking",
    "training_time",
    "bid",
  ] as const
) {
  for (const [delay, s] of [[0, 1], [1, 1], [2, 2], [3, 3], [2, 5], [4, 4]]) {
    CASES.push({ method, delay: delay!, s: s! });
  }
}

const out = Deno.args[0];
if (!out) {
  console.error("usage: dump_scan.ts <out.json>");
  Deno.exit(2);
}
const task = toyTask(T);
const dims = { obsDim: task.spec.obsDim, actionDim: task.spec.actionDim };
const layout = paramLayout(CONFIG, dims);
const params = randomParams(layout, { seed: 3, scale: 1 });
const net = await createNet(await getBackend({ backend: "cpu" }), {
  config: CONFIG,
  ...dims,
  params,
});
const A = dims.actionDim;

// RESET STATES OF EVERY (ENV, EPISODE) THE RUN CAN REACH
const resets: number[][][] = [];
for (let e = 0; e < N; e++) {
  const row: number[][] = [];
  for (let k = 0; k <= T; k++) {
    const st = new Float32Array(task.spec.stateDim);
    task.cpu.reset(st, { seed: SEED, env: e, episode: k });
    row.push([...st]);
  }
  resets.push(row);
}
// ACTION NOISE OF EVERY STEP (ADDED BY THE WRAPPER BELOW, REPLAYED BY JAX)
const actionNoise: number[][][] = [];
for (let t = 0; t < T + H; t++) {
  actionNoise.push(
    Array.from({ length: N }, (_, e) =>
      Array.from(
        { length: A },
        (_, j) => Math.fround(NOISE_STD * normal(99, e, t * 8 + j, 0)),
      )),
  );
}

const cases = [];
for (const c of CASES) {
  const method = resolveMethodConfig({ method: c.method, bidSamples: 4 });
  const naive = resolveMethodConfig({ method: "naive" });
  const calls: {
    noise: number[];
    chunk: number[];
    counter: number;
    obs: number[];
    prev: number[];
  }[] = [];
  const recording = (m: typeof method): ChunkSampler => async (req) => {
    const r = await sampleChunk(net, { ...req, trace: true }, m);
    calls.push({
      counter: Number(req.counter),
      obs: [...req.obs],
      prev: [...(req.prevChunk ?? [])],
      noise: [...r.trace!.steps[0]!.xt],
      chunk: [...r.chunk],
    });
    return { chunk: r.chunk };
  };
  const inner = createCpuStepper(task.cpu, {
    numEnvs: N,
    seed: SEED,
    actionNoise: 0,
  });
  const executed: number[][] = [];
  let t = 0;
  const stepper: EnvStepper = {
    numEnvs: N,
    obsDim: inner.obsDim,
    actionDim: A,
    reset: () => inner.reset(),
    step(actions) {
      executed.push([...actions]);
      const noisy = new Float32Array(actions.length);
      for (let e = 0; e < N; e++) {
        for (let j = 0; j < A; j++) {
          noisy[e * A + j] = Math.fround(
            actions[e * A + j]! + actionNoise[t]![e]![j]!,
          );
        }
      }
      t++;
      return inner.step(noisy);
    },
  };
  const result = await evaluateScan(task, {
    sampler: recording(method),
    initialSampler: recording(naive),
    profile: resolveProfile({ kind: "fixed", delay: c.delay }),
    seed: SEED,
    numEnvs: N,
    horizon: H,
    executeHorizon: c.s,
    stepper,
  });
  cases.push({
    ...c,
    schedule: method.schedule,
    max_guidance_weight: method.maxGuidanceWeight,
    num_flow_steps: method.numFlowSteps,
    bid_samples: method.bidSamples,
    calls,
    executed,
    solved: result.metrics.returned_episode_solved,
    first_solved: [...result.log.firstSolved],
  });
}

const weights: Record<string, { shape: readonly number[]; data: number[] }> =
  {};
for (const e of layout.entries) {
  weights[e.name] = {
    shape: e.shape,
    data: [...params.subarray(e.offset, e.offset + e.size)],
  };
}
await Deno.writeTextFile(
  out,
  JSON.stringify({
    config: { ...CONFIG, obs_dim: dims.obsDim, action_dim: A },
    num_envs: N,
    max_timesteps: T,
    weights,
    resets,
    action_noise: actionNoise,
    cases,
  }),
);
console.error(`dump_scan: ${cases.length} cases in ${out}`);
