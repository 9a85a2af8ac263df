/**
 * Shared environment interfaces: every task has a TypeScript CPU twin
 * ({@linkcode TaskCpu}) and a WGSL twin (a source string) that agree step for
 * step.
 *
 * WGSL twin contract (the string in {@linkcode Task.wgsl}; RNG_WGSL from
 * `src/rng/rng_wgsl.ts` is concatenated before it):
 *
 * ```wgsl
 * const TASK_STATE_DIM: u32 = ...; const TASK_OBS_DIM: u32 = ...;
 * const TASK_ACTION_DIM: u32 = ...; const TASK_MAX_T: u32 = ...;
 * fn task_reset(seed: u32, env: u32, episode: u32) -> array<f32, TASK_STATE_DIM>
 * fn task_step(s: ptr<function, array<f32, TASK_STATE_DIM>>, a: array<f32, TASK_ACTION_DIM>) -> vec3<f32> // (reward, done, solved)
 * fn task_observe(s: ptr<function, array<f32, TASK_STATE_DIM>>) -> array<f32, TASK_OBS_DIM>
 * fn task_expert(s: ptr<function, array<f32, TASK_STATE_DIM>>, seed: u32, env: u32, episode: u32) -> array<f32, TASK_ACTION_DIM>
 * ```
 *
 * RNG convention: `reset` draws from `uniform(seed, env, episode * 1024 + k, lane)`
 * (k < 1024 a task-specific draw index); the expert's per-episode mode uses
 * the same stream with its own k.
 *
 * @module
 */

/**
 * Static description of a task.
 *
 * @example
 * ```ts
 * import type { TaskSpec } from "./types.ts";
 * const spec: TaskSpec = { name: "demo", obsDim: 2, actionDim: 1, stateDim: 3, maxTimesteps: 10 };
 * ```
 */
export interface TaskSpec {
  /** Task name (the registry key of the shipped tasks). */
  readonly name: string;
  /** Length of the observation vector. */
  readonly obsDim: number;
  /** Length of the action vector (each component in [-1, 1]). */
  readonly actionDim: number;
  /** Length of the state vector (includes the step counter t). */
  readonly stateDim: number;
  /** Episode length cap: the step reaching t = maxTimesteps reports done. */
  readonly maxTimesteps: number;
}

/**
 * Options identifying one episode of one environment (RNG coordinates).
 *
 * @example
 * ```ts
 * import type { EpisodeKey } from "./types.ts";
 * const key: EpisodeKey = { seed: 1, env: 0, episode: 0 };
 * ```
 */
export interface EpisodeKey {
  /** Run seed. */
  readonly seed: number;
  /** Environment index (the RNG stream). */
  readonly env: number;
  /** Episode index within this environment. */
  readonly episode: number;
}

/**
 * An RGBA image (row-major, 4 bytes per pixel, top row first).
 *
 * @example
 * ```ts
 * import type { RgbaImage } from "./types.ts";
 * const img: RgbaImage = { width: 1, height: 1, rgba: new Uint8ClampedArray(4) };
 * ```
 */
export interface RgbaImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Pixels, length `4 * width * height`. */
  readonly rgba: Uint8ClampedArray;
}

/**
 * CPU twin: per-environment functions. The state is a Float32Array of length
 * `spec.stateDim` (it includes the step counter t). All math is in
 * `Math.fround` so that the WGSL twin agrees.
 *
 * @example
 * ```ts
 * import type { TaskCpu } from "./types.ts";
 * function stepOnce(cpu: TaskCpu, state: Float32Array): Float32Array {
 *   const out = new Float32Array(3);
 *   cpu.step(state, new Float32Array(cpu.spec.actionDim), out);
 *   return out;
 * }
 * ```
 */
export interface TaskCpu {
  /** The task description. */
  readonly spec: TaskSpec;
  /** Writes a random start state (from `uniform(seed, env, episode * 1024 + k)`). */
  reset(state: Float32Array, opts: EpisodeKey): void;
  /**
   * Advances one step in place. Clips the action to [-1, 1]. Writes
   * `out = [reward, done (0/1), solved (0/1)]`.
   */
  step(state: Float32Array, action: Float32Array, out: Float32Array): void;
  /** Writes the observation (length `spec.obsDim`). */
  observe(state: Float32Array, obs: Float32Array): void;
  /**
   * Scripted expert action (length `spec.actionDim`). The mode (e.g.
   * left/right) is drawn from the RNG for the episode, deterministically.
   */
  expert(state: Float32Array, action: Float32Array, opts: EpisodeKey): void;
  /** Renders the state to an RGBA image. */
  render(
    state: Float32Array,
    opts?: { width?: number; height?: number },
  ): RgbaImage;
}

/**
 * A task's parameters: a readonly record of numbers (physical constants,
 * gains, RNG draw indices), the one source of both twins' constants.
 *
 * @example
 * ```ts
 * import type { TaskParams } from "./types.ts";
 * const params: TaskParams = Object.freeze({ dt: 0.05, gain: 2 });
 * ```
 */
export type TaskParams = Readonly<Record<string, number>>;

/**
 * A task: spec, params, CPU twin and WGSL twin source (made with
 * `defineTask` of `task.ts`).
 *
 * @example
 * ```ts
 * import type { Task } from "./types.ts";
 * function describe(task: Task): string {
 *   return `${task.spec.name}: obs ${task.spec.obsDim}, action ${task.spec.actionDim}`;
 * }
 * ```
 */
export interface Task {
  /** The task description (same object as `cpu.spec`). */
  readonly spec: TaskSpec;
  /** The parameters both twins are built from. */
  readonly params: TaskParams;
  /** The CPU twin. */
  readonly cpu: TaskCpu;
  /** The WGSL twin (expects RNG_WGSL concatenated before it). */
  readonly wgsl: string;
}
