/**
 * The evaluation wrapper, as upstream evaluates a task: Gaussian action
 * noise (std 0.1 by default) added to the executed action before the step,
 * and auto-reset on done; its log is `episode_log.ts` and its WGSL twin
 * `wrapper_wgsl.ts`. Every engine steps environments through it: the CPU
 * stepper here, the batched environments (`batch.ts`) and the GPU-fused
 * evaluators (`src/eval`).
 *
 * RNG conventions:
 * - reset of environment `e`, episode `k`: `task.reset(state, { seed, env: e, episode: k })`;
 * - action noise of environment `e` at global step `t`, component `j`:
 *   `normal(seed ^ ACTION_NOISE_SALT, e, t * 8 + j, 0)` (actionDim ≤ 8).
 *
 * @module
 */
import type { VecEnv } from "./batch.ts";
import type { TaskCpu } from "./types.ts";
import { normal } from "../rng/rng.ts";

/**
 * Seed salt of the action-noise stream: the noise seed is `seed ^ ACTION_NOISE_SALT`.
 *
 * @example
 * ```ts
 * import { ACTION_NOISE_SALT } from "./wrapper.ts";
 * import assert from "node:assert/strict";
 * assert.equal((7 ^ ACTION_NOISE_SALT) >>> 0, 0x9e3779be);
 * ```
 */
export const ACTION_NOISE_SALT = 0x9e3779b9;

/**
 * Default action-noise standard deviation of the evaluation wrapper.
 *
 * @example
 * ```ts
 * import { DEFAULT_NOISE_STD } from "./wrapper.ts";
 * import assert from "node:assert/strict";
 * assert.equal(DEFAULT_NOISE_STD, 0.1);
 * ```
 */
export const DEFAULT_NOISE_STD = 0.1;

/**
 * Adds the wrapper's action noise in place: `a[i] += noiseStd * normal(seed ^
 * ACTION_NOISE_SALT, env, t * 8 + i, 0)` in float32 (so `actionDim <= 8`).
 *
 * @param action The action of one environment (modified).
 * @param options Seed, environment, global step and noise std.
 * @returns `action`.
 *
 * @example
 * ```ts
 * import { addActionNoise } from "./wrapper.ts";
 * import assert from "node:assert/strict";
 * const a = addActionNoise(new Float32Array(2), { seed: 0, env: 0, t: 0, noiseStd: 0.1 });
 * assert.notEqual(a[0], 0);
 * assert.deepEqual(addActionNoise(new Float32Array([0.5]), { seed: 0, env: 0, t: 0, noiseStd: 0 }), new Float32Array([0.5]));
 * ```
 */
export function addActionNoise(
  action: Float32Array,
  options: { seed: number; env: number; t: number; noiseStd: number },
): Float32Array {
  if (options.noiseStd === 0) return action;
  const noiseSeed = (options.seed ^ ACTION_NOISE_SALT) >>> 0;
  const std = Math.fround(options.noiseStd);
  for (let i = 0; i < action.length; i++) {
    const z = normal(noiseSeed, options.env, (options.t * 8 + i) >>> 0, 0);
    action[i] = Math.fround(action[i]! + Math.fround(std * z));
  }
  return action;
}

/**
 * What one batched step reports (views valid until the next step).
 *
 * @example
 * ```ts
 * import type { StepOutcome } from "./wrapper.ts";
 * const solvedNow = (o: StepOutcome): number => o.solved.reduce((a, b) => a + b, 0);
 * ```
 */
export interface StepOutcome {
  /** Observations after the step (after auto-reset for finished envs), `[N, O]`. */
  obs: Float32Array;
  /** Rewards `[N]`. */
  reward: Float32Array;
  /** 1 where the episode ended at this step, `[N]`. */
  done: Uint8Array;
  /** 1 where the step that ended the episode reported solved, `[N]`. */
  solved: Uint8Array;
}

/**
 * N environments advanced together.
 *
 * @example
 * ```ts
 * import { createCpuStepper, type EnvStepper } from "./wrapper.ts";
 * import { REACH_AROUND } from "./reach_around/mod.ts";
 * import assert from "node:assert/strict";
 * const stepper: EnvStepper = createCpuStepper(REACH_AROUND.cpu, { numEnvs: 2, seed: 0 });
 * await stepper.reset();
 * const out = await stepper.step(new Float32Array(stepper.numEnvs * stepper.actionDim));
 * assert.equal(out.obs.length, 2 * stepper.obsDim);
 * ```
 */
export interface EnvStepper {
  /** Number of environments N. */
  readonly numEnvs: number;
  /** Observation length O. */
  readonly obsDim: number;
  /** Action length A. */
  readonly actionDim: number;
  /** Resets every environment to episode 0; returns observations `[N, O]`. */
  reset(): Promise<Float32Array>;
  /** Adds noise, steps, auto-resets; `actions` is `[N, A]` (before noise). */
  step(actions: Float32Array): Promise<StepOutcome>;
}

/**
 * Options for {@linkcode createCpuStepper}.
 *
 * @example
 * ```ts
 * import type { CpuStepperOptions } from "./wrapper.ts";
 * const options: CpuStepperOptions = { numEnvs: 256, seed: 0, actionNoise: 0.1 };
 * ```
 */
export interface CpuStepperOptions {
  /** Number of environments. */
  numEnvs: number;
  /** Run seed. */
  seed: number;
  /** Std of the Gaussian action noise. @default 0.1 */
  actionNoise?: number;
}

/**
 * The CPU stepper, with its states exposed for renderers and test fakes.
 *
 * @example
 * ```ts
 * import type { CpuStepper } from "./wrapper.ts";
 * const firstState = (s: CpuStepper): Float32Array => s.states[0]!;
 * ```
 */
export interface CpuStepper extends EnvStepper {
  /** Per-environment state vectors (live views). */
  readonly states: Float32Array[];
  /** Per-environment episode index. */
  readonly episodes: Int32Array;
  /** Per-environment global step count (drives the noise counter). */
  readonly steps: Int32Array;
  /** The seed. */
  readonly seed: number;
  /** The task's CPU twin. */
  readonly task: TaskCpu;
}

/**
 * Creates a CPU stepper over a task's CPU twin.
 *
 * @param task The task's CPU twin.
 * @param options Number of environments, seed, noise std.
 * @returns The stepper.
 * @throws {RangeError} If numEnvs is not a positive integer or actionDim exceeds 8.
 *
 * @example
 * ```ts
 * import { createCpuStepper } from "./wrapper.ts";
 * import { getTask } from "./registry.ts";
 * import assert from "node:assert/strict";
 * const stepper = createCpuStepper(getTask("reach_around").cpu, { numEnvs: 4, seed: 0 });
 * const obs = await stepper.reset();
 * assert.equal(obs.length, 4 * 9);
 * assert.deepEqual([...stepper.episodes], [0, 0, 0, 0]);
 * ```
 */
export function createCpuStepper(
  task: TaskCpu,
  options: CpuStepperOptions,
): CpuStepper {
  const { numEnvs, seed } = options;
  if (!Number.isInteger(numEnvs) || numEnvs < 1) {
    throw new RangeError(
      `Cannot create stepper as numEnvs must be a positive integer: current value is ${numEnvs}`,
    );
  }
  const { obsDim, actionDim, stateDim } = task.spec;
  if (actionDim > 8) {
    throw new RangeError(
      `Cannot create stepper as actionDim must be at most 8: current value is ${actionDim}`,
    );
  }
  const noiseStd = options.actionNoise ?? DEFAULT_NOISE_STD;
  const states = Array.from(
    { length: numEnvs },
    () => new Float32Array(stateDim),
  );
  const episodes = new Int32Array(numEnvs);
  const steps = new Int32Array(numEnvs);
  const obs = new Float32Array(numEnvs * obsDim);
  const reward = new Float32Array(numEnvs);
  const done = new Uint8Array(numEnvs);
  const solved = new Uint8Array(numEnvs);
  const act = new Float32Array(actionDim);
  const out = new Float32Array(3);

  const observeAll = () => {
    for (let e = 0; e < numEnvs; e++) {
      task.observe(states[e]!, obs.subarray(e * obsDim, (e + 1) * obsDim));
    }
  };

  return {
    numEnvs,
    obsDim,
    actionDim,
    states,
    episodes,
    steps,
    seed,
    task,
    reset() {
      for (let e = 0; e < numEnvs; e++) {
        episodes[e] = 0;
        steps[e] = 0;
        task.reset(states[e]!, { seed, env: e, episode: 0 });
      }
      observeAll();
      return Promise.resolve(obs);
    },
    step(actions: Float32Array) {
      if (actions.length !== numEnvs * actionDim) {
        throw new RangeError(
          `Cannot step as actions must have length ${
            numEnvs * actionDim
          }: current length is ${actions.length}`,
        );
      }
      for (let e = 0; e < numEnvs; e++) {
        const t = steps[e]!;
        act.set(actions.subarray(e * actionDim, (e + 1) * actionDim));
        addActionNoise(act, { seed, env: e, t, noiseStd });
        task.step(states[e]!, act, out);
        steps[e] = t + 1;
        reward[e] = out[0]!;
        done[e] = out[1]! > 0.5 ? 1 : 0;
        solved[e] = out[2]! > 0.5 ? 1 : 0;
        if (done[e]) {
          episodes[e] = episodes[e]! + 1;
          task.reset(states[e]!, { seed, env: e, episode: episodes[e]! });
        }
      }
      observeAll();
      return Promise.resolve({ obs, reward, done, solved });
    },
  };
}

/**
 * Wraps a `VecEnv` from `src/envs/batch.ts` (CPU twin or WebGPU kernel) as an
 * {@linkcode EnvStepper}: one `step` call per control step, reading back the
 * observations and `(reward, done, solved)`.
 *
 * @param env The batched environments (not yet reset).
 * @returns The stepper.
 *
 * @example
 * ```ts
 * import { vecEnvStepper } from "./wrapper.ts";
 * import { CpuVecEnv } from "./batch.ts";
 * import { REACH_AROUND } from "./reach_around/mod.ts";
 * import assert from "node:assert/strict";
 * const stepper = vecEnvStepper(new CpuVecEnv(REACH_AROUND, { n: 2, seed: 0, noiseStd: 0.1 }));
 * const obs = await stepper.reset();
 * assert.equal(obs.length, 2 * REACH_AROUND.spec.obsDim);
 * const out = await stepper.step(new Float32Array(2 * REACH_AROUND.spec.actionDim));
 * assert.equal(out.done.length, 2);
 * ```
 */
export function vecEnvStepper(env: VecEnv): EnvStepper {
  const N = env.n;
  const reward = new Float32Array(N);
  const done = new Uint8Array(N);
  const solved = new Uint8Array(N);
  return {
    numEnvs: N,
    obsDim: env.task.spec.obsDim,
    actionDim: env.task.spec.actionDim,
    reset: () => env.reset(),
    async step(actions: Float32Array) {
      const out = await env.step(actions, { steps: 1 });
      for (let e = 0; e < N; e++) {
        reward[e] = out.results[e * 3]!;
        done[e] = out.results[e * 3 + 1]! > 0.5 ? 1 : 0;
        solved[e] = out.results[e * 3 + 2]! > 0.5 ? 1 : 0;
      }
      return { obs: out.obs, reward, done, solved };
    },
  };
}
