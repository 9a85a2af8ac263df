/**
 * Batched environments and the evaluation wrapper.
 *
 * A {@linkcode VecEnv} holds N independent environments of one task and
 * advances them together, on the CPU twin (`cpu`) or in one WebGPU dispatch
 * (`webgpu`, see `batch_gpu.ts`). Both backends implement the same wrapper
 * (DESIGN.md section 5):
 *
 * - **Action noise**: before each step, executed action component i of
 *   environment e at global step t gets `noiseStd * normal(seed ^ 0x9e3779b9,
 *   e, t * 8 + i, 0)` added (`rng.ts`; so `actionDim <= 8`), then the task
 *   clips it to [-1, 1]. `t` is the wrapper's global step counter
 *   ({@linkcode VecEnv.tGlobal}), shared by all environments and counted from
 *   the last {@linkcode VecEnv.reset}.
 * - **Auto-reset**: when a step reports done, the environment is reset with
 *   `task.cpu.reset(seed, env, episode + 1)` (its episode counter goes up).
 * - **First-episode log**: the return, length and solved flag of each
 *   environment's first episode ({@linkcode EpisodeLog}), summarised by
 *   {@linkcode summarizeLog} into the seed's `returned_episode_*` columns.
 *
 * Buffer layouts (row-major): states `[N, stateDim]`, observations
 * `[N, obsDim]`, actions `[steps, N, actionDim]`, step results
 * `[steps, N, 3]` with `(reward, done, solved)` (before the auto-reset).
 *
 * @module
 */

import type { Backend } from "../gpu/backend.ts";
import { normal } from "../rng/rng.ts";
import type { Task } from "./types.ts";

/** XOR mask turning the run seed into the action-noise seed. */
export const NOISE_SEED_XOR = 0x9e3779b9;

/** Default action-noise standard deviation of the evaluation wrapper. */
export const DEFAULT_NOISE_STD = 0.1;

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

/** Per-environment log of the first episode. */
export interface EpisodeLog {
  /** Return of the first episode (0 if not finished). */
  returns: Float32Array;
  /** Length of the first episode (0 if not finished). */
  lengths: Float32Array;
  /** 1 if the first episode was solved. */
  solved: Float32Array;
  /** 1 once the first episode has finished. */
  finished: Uint8Array;
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
  /** The first-episode log. */
  log(): Promise<EpisodeLog>;
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
 * Adds the wrapper's action noise in place: `a[i] += noiseStd * normal(seed ^
 * 0x9e3779b9, env, t * 8 + i, 0)` in float32.
 *
 * @param action The action of one environment (modified).
 * @param options Seed, environment, global step and noise std.
 * @returns `action`.
 *
 * @example
 * ```ts
 * import { addActionNoise } from "./batch.ts";
 * import assert from "node:assert/strict";
 * const a = addActionNoise(new Float32Array(2), { seed: 0, env: 0, t: 0, noiseStd: 0.1 });
 * assert.notEqual(a[0], 0);
 * ```
 */
export function addActionNoise(
  action: Float32Array,
  options: { seed: number; env: number; t: number; noiseStd: number },
): Float32Array {
  if (options.noiseStd === 0) return action;
  const noiseSeed = (options.seed ^ NOISE_SEED_XOR) >>> 0;
  const std = Math.fround(options.noiseStd);
  for (let i = 0; i < action.length; i++) {
    const z = normal(noiseSeed, options.env, (options.t * 8 + i) >>> 0, 0);
    action[i] = Math.fround(action[i]! + Math.fround(std * z));
  }
  return action;
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
 * import { createVecEnv, summarizeLog } from "./batch.ts";
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
 * The CPU implementation of {@linkcode VecEnv} (loops over environments with
 * the task's CPU twin).
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
  readonly #state: Float32Array;
  readonly #episode: Uint32Array;
  readonly #running: Float32Array;
  readonly #log: EpisodeLog;

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
    this.#state = new Float32Array(this.n * task.spec.stateDim);
    this.#episode = new Uint32Array(this.n);
    this.#running = new Float32Array(this.n * 2);
    this.#log = {
      returns: new Float32Array(this.n),
      lengths: new Float32Array(this.n),
      solved: new Float32Array(this.n),
      finished: new Uint8Array(this.n),
    };
  }

  /** Global step counter. */
  get tGlobal(): number {
    return this.#t;
  }

  #stateOf(e: number): Float32Array {
    const S = this.task.spec.stateDim;
    return this.#state.subarray(e * S, (e + 1) * S);
  }

  #observeAll(): Float32Array {
    const O = this.task.spec.obsDim;
    const obs = new Float32Array(this.n * O);
    for (let e = 0; e < this.n; e++) {
      this.task.cpu.observe(this.#stateOf(e), obs.subarray(e * O, (e + 1) * O));
    }
    return obs;
  }

  /** Resets every environment to episode 0. */
  reset(): Promise<Float32Array> {
    this.#t = 0;
    this.#episode.fill(0);
    this.#running.fill(0);
    this.#log.returns.fill(0);
    this.#log.lengths.fill(0);
    this.#log.solved.fill(0);
    this.#log.finished.fill(0);
    for (let e = 0; e < this.n; e++) {
      this.task.cpu.reset(this.#stateOf(e), {
        seed: this.seed,
        env: e,
        episode: 0,
      });
    }
    return Promise.resolve(this.#observeAll());
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
    return Promise.resolve(this.#run(steps, actions));
  }

  /** Executes `steps` expert steps per environment. */
  stepExpert(steps: number): Promise<StepOutput> {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new RangeError(
        `Cannot step environments as steps must be a positive integer: current value is ${steps}`,
      );
    }
    return Promise.resolve(this.#run(steps, null));
  }

  #run(steps: number, actions: Float32Array | null): StepOutput {
    const { actionDim: A } = this.task.spec;
    const cpu = this.task.cpu;
    const results = new Float32Array(steps * this.n * 3);
    const a = new Float32Array(A);
    for (let j = 0; j < steps; j++) {
      const t = this.#t + j;
      for (let e = 0; e < this.n; e++) {
        const s = this.#stateOf(e);
        const key = { seed: this.seed, env: e, episode: this.#episode[e]! };
        if (actions) {
          a.set(
            actions.subarray((j * this.n + e) * A, (j * this.n + e + 1) * A),
          );
        } else cpu.expert(s, a, key);
        addActionNoise(a, {
          seed: this.seed,
          env: e,
          t,
          noiseStd: this.noiseStd,
        });
        const r = results.subarray(
          (j * this.n + e) * 3,
          (j * this.n + e + 1) * 3,
        );
        cpu.step(s, a, r);
        this.#record(e, r);
      }
    }
    this.#t += steps;
    return { obs: this.#observeAll(), results };
  }

  /** Updates the running return and the log, and auto-resets on done. */
  #record(e: number, r: Float32Array): void {
    this.#running[2 * e] = Math.fround(this.#running[2 * e]! + r[0]!);
    this.#running[2 * e + 1] = this.#running[2 * e + 1]! + 1;
    if (r[1]! <= 0.5) return;
    if (!this.#log.finished[e]) {
      this.#log.finished[e] = 1;
      this.#log.returns[e] = this.#running[2 * e]!;
      this.#log.lengths[e] = this.#running[2 * e + 1]!;
      this.#log.solved[e] = r[2]!;
    }
    this.#running[2 * e] = 0;
    this.#running[2 * e + 1] = 0;
    this.#episode[e] = this.#episode[e]! + 1;
    this.task.cpu.reset(this.#stateOf(e), {
      seed: this.seed,
      env: e,
      episode: this.#episode[e]!,
    });
  }

  /** Copy of the states. */
  states(): Promise<Float32Array> {
    return Promise.resolve(this.#state.slice());
  }

  /** Copy of the episode counters. */
  episodes(): Promise<Uint32Array> {
    return Promise.resolve(this.#episode.slice());
  }

  /** Copy of the first-episode log. */
  log(): Promise<EpisodeLog> {
    return Promise.resolve({
      returns: this.#log.returns.slice(),
      lengths: this.#log.lengths.slice(),
      solved: this.#log.solved.slice(),
      finished: this.#log.finished.slice(),
    });
  }

  /** No-op. */
  destroy(): void {}
}

/** Means of the first-episode log over finished environments (seed column names). */
export interface EpisodeSummary {
  /** Mean first-episode return. */
  returned_episode_returns: number;
  /** Mean first-episode length. */
  returned_episode_lengths: number;
  /** Fraction of first episodes solved. */
  returned_episode_solved: number;
  /** Number of environments whose first episode finished (the means' denominator). */
  finished: number;
  /** Number of environments. */
  n: number;
}

function kahanMean(values: Float32Array, mask: Uint8Array): number {
  let sum = 0;
  let comp = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!mask[i]) continue;
    const y = values[i]! - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

/**
 * Summarises a first-episode log: means over the environments whose first
 * episode finished (NaN when none did), with compensated sums.
 *
 * @param log The log from {@linkcode VecEnv.log}.
 * @returns The summary.
 *
 * @example
 * ```ts
 * import { summarizeLog } from "./batch.ts";
 * import assert from "node:assert/strict";
 * const s = summarizeLog({
 *   returns: new Float32Array([1, 0]), lengths: new Float32Array([10, 20]),
 *   solved: new Float32Array([1, 0]), finished: new Uint8Array([1, 1]),
 * });
 * assert.equal(s.returned_episode_solved, 0.5);
 * assert.equal(s.returned_episode_lengths, 15);
 * ```
 */
export function summarizeLog(log: EpisodeLog): EpisodeSummary {
  let finished = 0;
  for (const f of log.finished) finished += f ? 1 : 0;
  return {
    returned_episode_returns: kahanMean(log.returns, log.finished),
    returned_episode_lengths: kahanMean(log.lengths, log.finished),
    returned_episode_solved: kahanMean(log.solved, log.finished),
    finished,
    n: log.finished.length,
  };
}
