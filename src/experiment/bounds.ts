/**
 * Expert bounds for a delay sweep: the task's scripted expert turned into a
 * chunk sampler that runs through the same evaluator, stepper and RNG
 * coordinates (initial states, action noise, delays) as a policy.
 *
 * - `stale` (delay-blind): each chunk is the expert's open-loop plan for
 *   the next H steps from the state at the start of the inference, as if it
 *   acted at once. Executed like any chunk (the first d actions still come
 *   from the previous chunk), it is what an ideal delay-blind chunking
 *   controller can do: the floor a naive policy imitating the expert
 *   reaches at best.
 * - `prefix`: each chunk keeps the d actions the robot is committed to
 *   (the previous chunk's first d), rolls the noise-free model forward
 *   through them, and plans the expert from the state it predicts at the
 *   moment the new chunk takes over. It is what inpainting the committed
 *   prefix (RTC) can at best do: the ceiling.
 *
 * Plans roll the task's noise-free CPU twin forward; the real steps add the
 * wrapper's action noise, which neither plan can foresee.
 *
 * @module
 */
import type { CpuStepper } from "../envs/wrapper.ts";
import type { ChunkSampler } from "../eval/types.ts";

/** Which expert bound (see the module doc). */
export type ExpertBound = "stale" | "prefix";

/**
 * Options for {@linkcode expertChunkSampler}.
 *
 * @example
 * ```ts
 * import type { ExpertChunkOptions } from "./bounds.ts";
 * const options: ExpertChunkOptions = { horizon: 8, bound: "prefix" };
 * ```
 */
export interface ExpertChunkOptions {
  /** Chunk length H. */
  horizon: number;
  /** The bound. */
  bound: ExpertBound;
}

/**
 * A chunk sampler whose chunks are the scripted expert's plans from the
 * stepper's current (true) states; row r plans for environment
 * `req.streams?.[r] ?? r`.
 *
 * @param stepper The CPU stepper the evaluator steps (its states are read, never written).
 * @param options Chunk length and bound.
 * @returns The sampler.
 * @throws {RangeError} If horizon is not a positive integer.
 *
 * @example
 * ```ts
 * import { expertChunkSampler } from "./bounds.ts";
 * import { createCpuStepper } from "../envs/wrapper.ts";
 * import { evaluateScan } from "../eval/scan.ts";
 * import { getTask } from "../envs/registry.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const task = getTask("reach_around");
 * const stepper = createCpuStepper(task.cpu, { numEnvs: 8, seed: 0 });
 * const sampler = expertChunkSampler(stepper, { horizon: 8, bound: "prefix" });
 * const r = await evaluateScan(task, {
 *   sampler, stepper, profile: resolveProfile({ kind: "fixed", delay: 2 }),
 *   seed: 0, numEnvs: 8, horizon: 8, executeHorizon: 2,
 * });
 * assert.ok(r.metrics.returned_episode_solved >= 0.5);
 * ```
 */
export function expertChunkSampler(
  stepper: CpuStepper,
  options: ExpertChunkOptions,
): ChunkSampler {
  const H = options.horizon;
  if (!Number.isInteger(H) || H < 1) {
    throw new RangeError(
      `Cannot create expert sampler as horizon must be a positive integer: current value is ${H}`,
    );
  }
  const { task } = stepper;
  const A = task.spec.actionDim;
  const prefix = options.bound === "prefix";
  const out = new Float32Array(3);
  const act = new Float32Array(A);
  return (req) => {
    const chunk = new Float32Array(req.batch * H * A);
    for (let r = 0; r < req.batch; r++) {
      const e = req.streams?.[r] ?? r;
      const s = stepper.states[e]!.slice();
      const key = { seed: stepper.seed, env: e, episode: stepper.episodes[e]! };
      const d = prefix && req.prevChunk ? req.delay?.[r] ?? 0 : 0;
      // COMMITTED PREFIX: ROLL THE MODEL THROUGH THE ACTIONS ALREADY UNDERWAY
      for (let i = 0; i < d; i++) {
        const off = (r * H + i) * A;
        act.set(req.prevChunk!.subarray(off, off + A));
        chunk.set(act, off);
        task.step(s, act, out);
      }
      // PLAN: THE EXPERT FROM THE (PREDICTED) STATE WHERE THE CHUNK TAKES OVER
      for (let i = d; i < H; i++) {
        task.expert(s, act, key);
        chunk.set(act, (r * H + i) * A);
        task.step(s, act, out);
      }
    }
    return Promise.resolve({ chunk });
  };
}
