/**
 * A tiny 1-D reaching task and fake samplers for the evaluator tests
 * (private: not exported from mod.ts).
 *
 * State `[x, goal, t]`; action `[a]` clipped to [-1, 1]; `x += 0.1 a`;
 * solved and done when `|x − goal| < 0.05`; done at `t = maxTimesteps`.
 *
 * @module
 */
import type { Task, TaskCpu, TaskSpec } from "../envs/types.ts";
import { uniform } from "../rng/rng.ts";
import type { CpuStepper } from "../envs/wrapper.ts";
import type { ChunkSampler, DelaySource } from "../eval/types.ts";

const f = Math.fround;

/** Creates the toy task with a given episode cap (`unreachable`: the goal is at 100). */
export function toyTask(maxTimesteps = 40, unreachable = false): Task {
  const spec: TaskSpec = {
    name: "toy_reach",
    obsDim: 2,
    actionDim: 1,
    stateDim: 3,
    maxTimesteps,
  };
  const cpu: TaskCpu = {
    spec,
    reset(state, { seed, env, episode }) {
      const u = uniform(seed, env, episode * 1024);
      const side = uniform(seed, env, episode * 1024 + 1) < 0.5 ? -1 : 1;
      state[0] = 0;
      state[1] = unreachable ? 100 : f(side * f(0.5 + f(0.3 * u)));
      state[2] = 0;
    },
    step(state, action, out) {
      const a = Math.min(1, Math.max(-1, action[0]!));
      state[0] = f(state[0]! + f(0.1 * a));
      state[2] = state[2]! + 1;
      const reached = Math.abs(state[0]! - state[1]!) < 0.05;
      out[0] = reached ? 1 : 0;
      out[1] = reached || state[2]! >= maxTimesteps ? 1 : 0;
      out[2] = reached ? 1 : 0;
    },
    observe(state, obs) {
      obs[0] = state[0]!;
      obs[1] = state[1]!;
    },
    expert(state, action) {
      action[0] = Math.min(1, Math.max(-1, f(10 * (state[1]! - state[0]!))));
    },
    render(state, opts) {
      const width = opts?.width ?? 16;
      const height = opts?.height ?? 4;
      const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
      const px = Math.round(((state[0]! + 1) / 2) * (width - 1));
      for (let y = 0; y < height; y++) {
        const i = (y * width + Math.min(width - 1, Math.max(0, px))) * 4;
        rgba[i] = 0;
        rgba[i + 1] = 0;
      }
      return { width, height, rgba };
    },
  };
  return { spec, params: {}, cpu, wgsl: "" };
}

/**
 * A perfect-information sampler: for every environment, the expert's actions
 * over the next H steps from a noise-free copy of the stepper's state.
 */
export function expertSampler(
  stepper: CpuStepper,
  horizon: number,
): ChunkSampler {
  const { task } = stepper;
  const A = task.spec.actionDim;
  return (req) => {
    const chunk = new Float32Array(req.batch * horizon * A);
    const out = new Float32Array(3);
    const act = new Float32Array(A);
    for (let r = 0; r < req.batch; r++) {
      const e = req.streams?.[r] ?? r;
      const s = stepper.states[e]!.slice();
      const key = { seed: stepper.seed, env: e, episode: stepper.episodes[e]! };
      for (let i = 0; i < horizon; i++) {
        task.expert(s, act, key);
        chunk.set(act, (r * horizon + i) * A);
        task.step(s, act, out);
      }
    }
    return Promise.resolve({ chunk });
  };
}

/** A sampler whose chunk entry (e, i, j) is `counter * 10 + i`. */
export function taggingSampler(
  horizon: number,
  actionDim: number,
): ChunkSampler {
  return (req) => {
    const chunk = new Float32Array(req.batch * horizon * actionDim);
    for (let e = 0; e < req.batch; e++) {
      for (let i = 0; i < horizon; i++) {
        for (let j = 0; j < actionDim; j++) {
          chunk[(e * horizon + i) * actionDim + j] = Number(req.counter) * 10 +
            i;
        }
      }
    }
    return Promise.resolve({ chunk });
  };
}

/** A fixed delay. */
export function fixedDelay(d: number): DelaySource {
  return { sampleAt: () => d };
}

/** The seed's long_tail mixture (base [0,1] @ [0.8,0.2], spike 4 @ 0.05), optionally capped. */
export function seedMixture(cap = Infinity): DelaySource {
  return {
    sampleAt(seed, stream, counter) {
      const spike = uniform(seed, stream, counter, 0) < 0.05;
      const d = spike ? 4 : uniform(seed, stream, counter, 1) < 0.8 ? 0 : 1;
      return Math.min(d, cap);
    },
  };
}

/** A sampler with varied actions in (-0.8, 0.8): `0.8 sin(0.37 k + counter + stream)`. */
export function sineSampler(horizon: number, actionDim: number): ChunkSampler {
  return (req) => {
    const row = horizon * actionDim;
    const chunk = new Float32Array(req.batch * row);
    for (let r = 0; r < req.batch; r++) {
      const stream = req.streams?.[r] ?? r;
      for (let k = 0; k < row; k++) {
        chunk[r * row + k] = 0.8 *
          Math.sin(0.37 * k + Number(req.counter) + stream);
      }
    }
    return Promise.resolve({ chunk });
  };
}
