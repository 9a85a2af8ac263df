/**
 * Expert demonstrations through the evaluation wrapper (action noise std 0.1
 * on the executed action, auto-reset), recorded as `Rollouts` for
 * `datasetFromRollouts` of `src/data`: the observation the expert saw and
 * the expert's clean action (the wrapper's noise perturbs the states the
 * data covers, not the labels).
 *
 * @module
 */
import type { Rollouts } from "./dataset.ts";
import type { Task } from "../envs/types.ts";
import { createCpuStepper } from "../envs/wrapper.ts";

/**
 * Options for {@linkcode generateDemonstrations}.
 *
 * @example
 * ```ts
 * import type { DemonstrationOptions } from "./demonstrations.ts";
 * const options: DemonstrationOptions = { envs: 1024, seed: 0, noiseStd: 0.1 };
 * ```
 */
export interface DemonstrationOptions {
  /** Parallel environments. */
  envs: number;
  /** Steps per environment. @default task.spec.maxTimesteps */
  steps?: number;
  /** Run seed. */
  seed: number;
  /** Action-noise std of the wrapper. @default 0.1 */
  noiseStd?: number;
}

/**
 * Rolls out the scripted expert in `envs` environments for `steps` steps.
 *
 * @param task The task.
 * @param options Sizes, seed, noise.
 * @returns Time-major rollouts `[T, E, ...]`.
 *
 * @example
 * ```ts
 * import { generateDemonstrations } from "./demonstrations.ts";
 * import { REACH_AROUND } from "../envs/reach_around/mod.ts";
 * import assert from "node:assert/strict";
 * const r = await generateDemonstrations(REACH_AROUND, { envs: 2, steps: 5, seed: 0 });
 * assert.equal(r.actions.length, 5 * 2 * REACH_AROUND.spec.actionDim);
 * ```
 */
export async function generateDemonstrations(
  task: Task,
  options: DemonstrationOptions,
): Promise<Rollouts> {
  const { obsDim: O, actionDim: A } = task.spec;
  const E = options.envs;
  const T = options.steps ?? task.spec.maxTimesteps;
  const stepper = createCpuStepper(task.cpu, {
    numEnvs: E,
    seed: options.seed,
    actionNoise: options.noiseStd ?? 0.1,
  });
  const obs = new Float32Array(T * E * O);
  const actions = new Float32Array(T * E * A);
  const done = new Uint8Array(T * E);
  const solved = new Uint8Array(T * E);
  const act = new Float32Array(E * A);
  let current = await stepper.reset();
  for (let t = 0; t < T; t++) {
    obs.set(current, t * E * O);
    for (let e = 0; e < E; e++) {
      task.cpu.expert(stepper.states[e]!, act.subarray(e * A, (e + 1) * A), {
        seed: stepper.seed,
        env: e,
        episode: stepper.episodes[e]!,
      });
    }
    actions.set(act, t * E * A);
    const out = await stepper.step(act);
    done.set(out.done, t * E);
    solved.set(out.solved, t * E);
    current = out.obs;
  }
  return {
    task: task.spec.name,
    steps: T,
    envs: E,
    obsDim: O,
    actionDim: A,
    obs,
    actions,
    done,
    solved,
  };
}
