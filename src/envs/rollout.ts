/**
 * Expert rollouts through the evaluation wrapper: the expert's solve rate,
 * and how it degrades under latency, measured two ways:
 *
 * - `delay` k alone: the action executed at episode step t is the expert's
 *   action for the state at step t - k (zero while t < k): a feedback
 *   controller acting on stale state.
 * - `delay` d with `chunk` `{ horizon H, executeHorizon s }`: the expert acts
 *   as an ideal action-chunking policy executed like the seed's `scan`
 *   evaluator (`docs/SEMANTICS.md` §6) with a fixed delay d. Each chunk is the
 *   expert's plan for the next H steps, computed by rolling the noise-free
 *   CPU twin forward from the current state; per iteration, position i < s
 *   of the executed actions comes from the previous chunk (shifted by s,
 *   zero-padded) when i < d and from the new chunk otherwise. This is an
 *   upper bound for a policy that imitates the expert perfectly.
 *
 * Both latency modes run on the CPU twin with the wrapper's action noise
 * (the CPU stepper of `wrapper.ts`) and report first episodes.
 *
 * @module
 */

import type { Backend } from "../gpu/backend.ts";
import { createVecEnv, resolveVecEnvOptions } from "./batch.ts";
import {
  createRolloutLog,
  type EpisodeSummary,
  recordStep,
  type RolloutLog,
  summarizeLog,
} from "./episode_log.ts";
import type { EpisodeKey, Task } from "./types.ts";
import { createCpuStepper, DEFAULT_NOISE_STD } from "./wrapper.ts";

/** Options for {@linkcode rolloutExpert}. */
export interface RolloutExpertOptions {
  /** Number of environments (rollouts). */
  n: number;
  /** Run seed. */
  seed: number;
  /** Backend of the plain (`delay` 0, no `chunk`) rollout; the latency modes always run on the CPU twin. @default the CPU twin */
  backend?: Backend;
  /** Delay in control steps (see the module doc). @default 0 */
  delay?: number;
  /** Execute ideal action chunks (see the module doc). @default undefined */
  chunk?: { horizon: number; executeHorizon: number };
  /** Action-noise standard deviation. @default 0.1 */
  noiseStd?: number;
}

/** Result of {@linkcode rolloutExpert}. */
export interface RolloutExpertResult extends EpisodeSummary {
  /** Where it ran. */
  backend: "cpu" | "webgpu";
  /** The delay used. */
  delay: number;
}

/**
 * Runs the scripted expert in N environments until every first episode
 * finishes and summarises the first episodes; `returned_episode_solved` is
 * the expert's solve rate.
 *
 * @param task The task.
 * @param options Size, seed, backend, latency mode and noise.
 * @returns The first-episode summary.
 *
 * @example
 * ```ts
 * import { rolloutExpert } from "./rollout.ts";
 * import { REACH_AROUND } from "./reach_around/mod.ts";
 * import assert from "node:assert/strict";
 * const r = await rolloutExpert(REACH_AROUND, { n: 16, seed: 0 });
 * assert.equal(r.finished, 16);
 * assert.ok(r.returned_episode_solved > 0.8);
 * const late = await rolloutExpert(REACH_AROUND, { n: 16, seed: 0, delay: 4 });
 * assert.ok(late.returned_episode_solved < r.returned_episode_solved);
 * ```
 */
export async function rolloutExpert(
  task: Task,
  options: RolloutExpertOptions,
): Promise<RolloutExpertResult> {
  const delay = options.delay ?? 0;
  const T = task.spec.maxTimesteps;
  if (!Number.isInteger(delay) || delay < 0 || delay > T) {
    throw new RangeError(
      `Cannot roll out expert as delay must be an integer in [0, maxTimesteps]: current value is ${delay}`,
    );
  }
  const resolved = resolveVecEnvOptions(task, {
    n: options.n,
    seed: options.seed,
    noiseStd: options.noiseStd ?? DEFAULT_NOISE_STD,
  });
  if (options.chunk) {
    const { horizon, executeHorizon } = options.chunk;
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new RangeError(
        `Cannot roll out expert as chunk.horizon must be a positive integer: current value is ${horizon}`,
      );
    }
    if (
      !Number.isInteger(executeHorizon) || executeHorizon < 1 ||
      executeHorizon > horizon
    ) {
      throw new RangeError(
        `Cannot roll out expert as chunk.executeHorizon must be an integer in [1, horizon]: current value is ${executeHorizon}`,
      );
    }
    const d = Math.min(delay, horizon);
    const log = await firstEpisodes(
      task,
      resolved,
      (e) => chunkedActor(task, e, d, horizon, executeHorizon),
    );
    return { ...summarizeLog(log), backend: "cpu", delay };
  }
  if (delay > 0) {
    const log = await firstEpisodes(
      task,
      resolved,
      (e) => delayedActor(task, e, delay),
    );
    return { ...summarizeLog(log), backend: "cpu", delay };
  }
  const backend: Backend = options.backend ??
    { backend: "cpu", adapterName: "cpu reference", reason: "forced" };
  const env = await createVecEnv(task, { ...resolved, backend });
  try {
    await env.reset();
    await env.stepExpert(T);
    return { ...summarizeLog(await env.log()), backend: env.backend, delay };
  } finally {
    env.destroy();
  }
}

/** Writes the action (before noise) for the current state at episode step t. */
type Actor = (state: Float32Array, t: number, action: Float32Array) => void;

/**
 * Runs each environment's first episode through the wrapper's CPU stepper;
 * an environment whose first episode has ended executes zeros.
 */
async function firstEpisodes(
  task: Task,
  options: { n: number; seed: number; noiseStd: number },
  actorFor: (key: EpisodeKey) => Actor,
): Promise<RolloutLog> {
  const { actionDim: A, maxTimesteps: T } = task.spec;
  const { n, seed, noiseStd } = options;
  const stepper = createCpuStepper(task.cpu, {
    numEnvs: n,
    seed,
    actionNoise: noiseStd,
  });
  const log = createRolloutLog(n, { actionDim: A });
  const actors = Array.from(
    { length: n },
    (_, e) => actorFor({ seed, env: e, episode: 0 }),
  );
  const actions = new Float32Array(n * A);
  await stepper.reset();
  for (let t = 0; t < T; t++) {
    actions.fill(0);
    for (let e = 0; e < n; e++) {
      if (log.firstDone[e]) continue;
      actors[e]!(stepper.states[e]!, t, actions.subarray(e * A, (e + 1) * A));
    }
    recordStep(log, { actions, outcome: await stepper.step(actions) });
  }
  return log;
}

/** The expert acting on the state k steps old (zero action before that). */
function delayedActor(task: Task, key: EpisodeKey, k: number): Actor {
  const S = task.spec.stateDim;
  const ring = new Float32Array((k + 1) * S);
  return (state, t, action) => {
    ring.set(state, (t % (k + 1)) * S);
    action.fill(0);
    if (t < k) return;
    const old = ((t - k) % (k + 1)) * S;
    task.cpu.expert(ring.subarray(old, old + S), action, key);
  };
}

/** The expert as an ideal chunking policy under the scan executor with fixed delay d. */
function chunkedActor(
  task: Task,
  key: EpisodeKey,
  d: number,
  H: number,
  s: number,
): Actor {
  const { stateDim: S, actionDim: A } = task.spec;
  const plan = (state: Float32Array, out: Float32Array) => {
    const sim = state.slice();
    const r = new Float32Array(3);
    const a = new Float32Array(A);
    for (let i = 0; i < H; i++) {
      task.cpu.expert(sim, a, key);
      out.set(a, i * A);
      task.cpu.step(sim, a, r);
    }
  };
  let prev = new Float32Array(H * A);
  let next = new Float32Array(H * A);
  let started = false;
  return (state, t, action) => {
    const i = t % s;
    if (i === 0) {
      if (!started) {
        plan(state, prev); // the first chunk, at the reset observation
        started = true;
      } else {
        // shift the chunk of the last iteration by s and zero-pad
        const shifted = new Float32Array(H * A);
        shifted.set(next.subarray(s * A));
        prev = shifted;
      }
      next = new Float32Array(H * A);
      plan(state, next);
    }
    const src = i < d ? prev : next;
    action.set(src.subarray(i * A, (i + 1) * A));
    void S;
  };
}

/** One row of {@linkcode expertLatencyTable}. */
export interface LatencyRow {
  /** Task name. */
  task: string;
  /** Delay in control steps. */
  delay: number;
  /** Solve rate of the expert acting on the state `delay` steps old. */
  delayed_solved: number;
  /** Solve rate of the expert as an ideal chunking policy with fixed delay `delay`. */
  chunked_solved: number;
}

/**
 * Solve rates of the expert under each delay, both latency modes of
 * {@linkcode rolloutExpert} (CPU twin, action noise 0.1).
 *
 * @param task The task.
 * @param options Size, seed, delays and chunk shape. Defaults: delays 0-4, `{ horizon: 8, executeHorizon: 4 }`.
 * @returns One row per delay.
 *
 * @example
 * ```ts
 * import { expertLatencyTable } from "./rollout.ts";
 * import { REACH_AROUND } from "./reach_around/mod.ts";
 * import assert from "node:assert/strict";
 * const rows = await expertLatencyTable(REACH_AROUND, { n: 8, seed: 0, delays: [0, 4] });
 * assert.equal(rows.length, 2);
 * assert.ok(rows[1]!.delayed_solved <= rows[0]!.delayed_solved);
 * ```
 */
export async function expertLatencyTable(
  task: Task,
  options: {
    n: number;
    seed: number;
    delays?: readonly number[];
    chunk?: { horizon: number; executeHorizon: number };
  },
): Promise<LatencyRow[]> {
  const chunk = options.chunk ?? { horizon: 8, executeHorizon: 4 };
  const rows: LatencyRow[] = [];
  for (const delay of options.delays ?? [0, 1, 2, 3, 4]) {
    const base = { n: options.n, seed: options.seed, delay };
    const fb = await rolloutExpert(task, base);
    const ch = await rolloutExpert(task, { ...base, chunk });
    rows.push({
      task: task.spec.name,
      delay,
      delayed_solved: fb.returned_episode_solved,
      chunked_solved: ch.returned_episode_solved,
    });
  }
  return rows;
}
