/**
 * Batched environments: a {@linkcode VecEnv} holds N independent
 * environments of one task and advances them together, on the CPU twin
 * (`cpu`) or in one WebGPU dispatch per call (`webgpu`, see
 * `batch_gpu.ts`). Both run the one evaluation wrapper: action noise and
 * auto-reset of `wrapper.ts` (WGSL twin `wrapper_wgsl.ts`) and the
 * first-episode log of `episode_log.ts`.
 *
 * Buffer layouts (row-major): states `[N, stateDim]`, observations
 * `[N, obsDim]`, actions `[steps, N, actionDim]`, step results
 * `[steps, N, 3]` with `(reward, done, solved)` (before the auto-reset).
 *
 * @module
 */

import type { Backend } from "../gpu/backend.ts";
import {
  createRolloutLog,
  recordStep,
  type RolloutLog,
} from "./episode_log.ts";
import type { Task } from "./types.ts";
import {
  type CpuStepper,
  createCpuStepper,
  DEFAULT_NOISE_STD,
} from "./wrapper.ts";

/** Options for {@linkcode createVecEnv}. */
export interface VecEnvOptions {
  /** Number of environments (1 to 2^20). */
  n: number;
  /** Run seed (u32). */
  seed: number;
  /** Action-noise standard deviation. @default 0.1 */
  noiseStd?: number;
}

/** What a step call returns. */
export interface StepOutput {
  /** Observations `[N, obsDim]` after the last step (after any auto-reset). */
  obs: Float32Array;
  /** `[steps, N, 3]`: reward, done (0/1), solved (0/1) of every step. */
  results: Float32Array;
}

/** N environments of one task with the evaluation wrapper. */
export interface VecEnv {
  /** The task. */
  readonly task: Task;
  /** Number of environments. */
  readonly n: number;
  /** Run seed. */
  readonly seed: number;
  /** Action-noise standard deviation. */
  readonly noiseStd: number;
  /** Where it runs. */
  readonly backend: "cpu" | "webgpu";
  /** Global step counter (steps taken since the last reset). */
  readonly tGlobal: number;
  /** Resets every environment to episode 0 and clears the log; returns `[N, obsDim]`. */
  reset(): Promise<Float32Array>;
  /** Executes `steps` actions per environment (`actions` is `[steps, N, actionDim]`, before noise). */
  step(
    actions: Float32Array,
    options?: { steps?: number },
  ): Promise<StepOutput>;
  /** Executes `steps` steps with the task's scripted expert (plus noise). */
  stepExpert(steps: number): Promise<StepOutput>;
  /** Copy of the states `[N, stateDim]`. */
  states(): Promise<Float32Array>;
  /** Copy of the episode counters `[N]`. */
  episodes(): Promise<Uint32Array>;
  /** Copy of the first-episode log (and the smoothness maxima of the executed actions). */
  log(): Promise<RolloutLog>;
  /** Releases GPU buffers (no-op on the CPU). */
  destroy(): void;
}

/**
 * Checks the options shared by both backends.
 *
 * @param task The task.
 * @param options The options.
 * @returns The resolved `{ n, seed, noiseStd }`.
 * @throws {RangeError} If a field is out of range.
 *
 * @example
 * ```ts
 * import { resolveVecEnvOptions } from "./batch.ts";
 * import { REACH_AROUND } from "./reach_around/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resolveVecEnvOptions(REACH_AROUND, { n: 4, seed: 0 }).noiseStd, 0.1);
 * assert.throws(() => resolveVecEnvOptions(REACH_AROUND, { n: 0, seed: 0 }), RangeError);
 * ```
 */
export function resolveVecEnvOptions(
  task: Task,
  options: VecEnvOptions,
): { n: number; seed: number; noiseStd: number } {
  const { n, seed } = options;
  const noiseStd = options.noiseStd ?? DEFAULT_NOISE_STD;
  if (!Number.isInteger(n) || n < 1 || n > 1 << 20) {
    throw new RangeError(
      `Cannot create environments as n must be an integer in [1, 2^20]: current value is ${n}`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(
      `Cannot create environments as seed must be an integer in [0, 2^32): current value is ${seed}`,
    );
  }
  if (!(noiseStd >= 0) || !Number.isFinite(noiseStd)) {
    throw new RangeError(
      `Cannot create environments as noiseStd must be a finite number >= 0: current value is ${noiseStd}`,
    );
  }
  if (task.spec.actionDim > 8) {
    throw new RangeError(
      `Cannot create environments as actionDim must be at most 8: current value is ${task.spec.actionDim}`,
    );
  }
  return { n, seed, noiseStd };
}

/**
 * Creates N environments on a backend (the CPU twin for a `cpu` backend, one
 * WebGPU kernel per step call otherwise). Call {@linkcode VecEnv.reset}
 * before stepping.
 *
 * @param task The task.
 * @param options Backend and {@linkcode VecEnvOptions}.
 * @returns The batched environments.
 *
 * @example
 * ```ts
 * import { createVecEnv } from "./batch.ts";
 * import { summarizeLog } from "./episode_log.ts";
 * import { REACH_AROUND } from "./reach_around/mod.ts";
 * import assert from "node:assert/strict";
 * const env = await createVecEnv(REACH_AROUND, { backend: { backend: "cpu", adapterName: "cpu reference", reason: "forced" }, n: 8, seed: 1 });
 * await env.reset();
 * await env.stepExpert(REACH_AROUND.spec.maxTimesteps);
 * assert.equal(summarizeLog(await env.log()).finished, 8);
 * ```
 */
export async function createVecEnv(
  task: Task,
  options: VecEnvOptions & { backend: Backend },
): Promise<VecEnv> {
  const resolved = resolveVecEnvOptions(task, options);
  if (options.backend.backend === "webgpu") {
    const { GpuVecEnv } = await import("./batch_gpu.ts");
    return new GpuVecEnv(task, options.backend.device, resolved);
  }
  return new CpuVecEnv(task, resolved);
}

/**
 * The CPU implementation of {@linkcode VecEnv}: the wrapper's CPU stepper
 * ({@linkcode createCpuStepper}) over the task's CPU twin, one call per step.
 *
 * @example
 * ```ts
 * import { CpuVecEnv } from "./batch.ts";
 * import { CARTPOLE_SWINGUP } from "./cartpole_swingup/mod.ts";
 * import assert from "node:assert/strict";
 * const env = new CpuVecEnv(CARTPOLE_SWINGUP, { n: 2, seed: 3, noiseStd: 0.1 });
 * const obs = await env.reset();
 * assert.equal(obs.length, 2 * CARTPOLE_SWINGUP.spec.obsDim);
 * const out = await env.step(new Float32Array(2), { steps: 1 });
 * assert.equal(out.results.length, 6);
 * ```
 */
export class CpuVecEnv implements VecEnv {
  /** The task. */
  readonly task: Task;
  /** Number of environments. */
  readonly n: number;
  /** Run seed. */
  readonly seed: number;
  /** Action-noise standard deviation. */
  readonly noiseStd: number;
  /** Always `"cpu"`. */
  readonly backend = "cpu" as const;
  #t = 0;
  readonly #stepper: CpuStepper;
  readonly #actions: Float32Array;
  #log: RolloutLog;

  /**
   * Creates the environments (call `reset` before stepping).
   *
   * @param task The task.
   * @param options Resolved options.
   */
  constructor(
    task: Task,
    options: { n: number; seed: number; noiseStd: number },
  ) {
    this.task = task;
    this.n = options.n;
    this.seed = options.seed;
    this.noiseStd = options.noiseStd;
    this.#stepper = createCpuStepper(task.cpu, {
      numEnvs: this.n,
      seed: this.seed,
      actionNoise: this.noiseStd,
    });
    this.#actions = new Float32Array(this.n * task.spec.actionDim);
    this.#log = createRolloutLog(this.n, { actionDim: task.spec.actionDim });
  }

  /** Global step counter. */
  get tGlobal(): number {
    return this.#t;
  }

  /** Resets every environment to episode 0 and clears the log. */
  async reset(): Promise<Float32Array> {
    this.#t = 0;
    this.#log = createRolloutLog(this.n, {
      actionDim: this.task.spec.actionDim,
    });
    return (await this.#stepper.reset()).slice();
  }

  /** Executes `steps` given actions per environment. */
  step(
    actions: Float32Array,
    options: { steps?: number } = {},
  ): Promise<StepOutput> {
    const steps = options.steps ?? 1;
    const need = steps * this.n * this.task.spec.actionDim;
    if (!Number.isInteger(steps) || steps < 1 || actions.length < need) {
      throw new RangeError(
        `Cannot step environments as actions must hold steps * n * actionDim = ${need} values: current length is ${actions.length} (steps ${steps})`,
      );
    }
    return this.#run(steps, actions);
  }

  /** Executes `steps` expert steps per environment. */
  stepExpert(steps: number): Promise<StepOutput> {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new RangeError(
        `Cannot step environments as steps must be a positive integer: current value is ${steps}`,
      );
    }
    return this.#run(steps, null);
  }

  async #run(
    steps: number,
    actions: Float32Array | null,
  ): Promise<StepOutput> {
    const { n, seed } = this;
    const A = this.task.spec.actionDim;
    const stepper = this.#stepper;
    const a = this.#actions;
    const results = new Float32Array(steps * n * 3);
    let obs: Float32Array = new Float32Array(0);
    for (let j = 0; j < steps; j++) {
      if (actions) a.set(actions.subarray(j * n * A, (j + 1) * n * A));
      else {
        for (let e = 0; e < n; e++) {
          this.task.cpu.expert(
            stepper.states[e]!,
            a.subarray(e * A, (e + 1) * A),
            {
              seed,
              env: e,
              episode: stepper.episodes[e]!,
            },
          );
        }
      }
      const outcome = await stepper.step(a);
      recordStep(this.#log, { actions: a, outcome });
      for (let e = 0; e < n; e++) {
        const r = (j * n + e) * 3;
        results[r] = outcome.reward[e]!;
        results[r + 1] = outcome.done[e]!;
        results[r + 2] = outcome.solved[e]!;
      }
      obs = outcome.obs;
    }
    this.#t += steps;
    return { obs: obs.slice(), results };
  }

  /** Copy of the states. */
  states(): Promise<Float32Array> {
    const S = this.task.spec.stateDim;
    const out = new Float32Array(this.n * S);
    this.#stepper.states.forEach((s, e) => out.set(s, e * S));
    return Promise.resolve(out);
  }

  /** Copy of the episode counters. */
  episodes(): Promise<Uint32Array> {
    return Promise.resolve(Uint32Array.from(this.#stepper.episodes));
  }

  /** Copy of the first-episode log. */
  log(): Promise<RolloutLog> {
    return Promise.resolve(structuredClone(this.#log));
  }

  /** No-op. */
  destroy(): void {}
}
