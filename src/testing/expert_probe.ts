/**
 * Private CPU probes of a task's scripted expert, used by the lander and
 * catch tests: the solve rate of the expert with action noise and an
 * observation delay, and of an ideal chunking planner executing open loop.
 *
 * Noise: the evaluation wrapper's `addActionNoise` (`src/envs/wrapper.ts`)
 * with t the step index within the first episode, then a clip to [-1, 1].
 *
 * @module
 */

import { addActionNoise } from "../envs/wrapper.ts";
import type { TaskCpu } from "../envs/types.ts";

/** Options of the probes. */
export interface ProbeOptions {
  /** Number of environments (one first episode each). */
  envs: number;
  /** Run seed. @default 0 */
  seed?: number;
  /** Action noise standard deviation. @default 0.1 */
  noise?: number;
}

/** Result of a probe. */
export interface ProbeResult {
  /** Fraction of first episodes solved. */
  solveRate: number;
  /** Mean first-episode length (steps). */
  meanLength: number;
}

function addNoise(
  a: Float32Array,
  seed: number,
  env: number,
  t: number,
  std: number,
) {
  addActionNoise(a, { seed, env, t, noiseStd: std });
  for (let i = 0; i < a.length; i++) a[i] = Math.min(1, Math.max(-1, a[i]!));
}

/**
 * Runs the expert whose action at step t is computed from the state at step
 * `max(t - delay, 0)` (a per-step observation delay), plus Gaussian noise.
 *
 * @param cpu The task's CPU twin.
 * @param options Probe options and the delay in steps.
 * @returns Solve rate and mean length of the first episodes.
 */
export function delayedExpert(
  cpu: TaskCpu,
  options: ProbeOptions & { delay: number },
): ProbeResult {
  const { envs, delay } = options;
  const seed = options.seed ?? 0, std = options.noise ?? 0.1;
  const { stateDim, actionDim, maxTimesteps } = cpu.spec;
  let solved = 0, length = 0;
  const out = new Float32Array(3);
  const a = new Float32Array(actionDim);
  for (let env = 0; env < envs; env++) {
    const key = { seed, env, episode: 0 };
    const hist: Float32Array[] = [];
    const s = new Float32Array(stateDim);
    cpu.reset(s, key);
    for (let t = 0; t < maxTimesteps; t++) {
      hist.push(s.slice());
      cpu.expert(hist[Math.max(t - delay, 0)]!, a, key);
      addNoise(a, seed, env, t, std);
      cpu.step(s, a, out);
      if (out[1]) {
        solved += out[2]!;
        length += t + 1;
        break;
      }
    }
  }
  return { solveRate: solved / envs, meanLength: length / envs };
}

/**
 * An ideal chunking policy with a perfect model: every `executeHorizon`
 * steps it observes the state from `delay` steps ago, replays the actions it
 * had committed since (noise-free, it cannot know the noise), continues with
 * the expert for `executeHorizon` more steps in its model, and those planned
 * actions are then executed open loop (plus noise). Delay 0 with horizon 1 is
 * the closed-loop expert.
 *
 * @param cpu The task's CPU twin.
 * @param options Probe options, delay and execution horizon (steps).
 * @returns Solve rate and mean length of the first episodes.
 */
export function chunkedExpert(
  cpu: TaskCpu,
  options: ProbeOptions & { delay: number; executeHorizon: number },
): ProbeResult {
  const { envs, delay, executeHorizon: s } = options;
  const seed = options.seed ?? 0, std = options.noise ?? 0.1;
  const { stateDim, actionDim, maxTimesteps } = cpu.spec;
  let solved = 0, length = 0;
  const out = new Float32Array(3), scratch = new Float32Array(3);
  for (let env = 0; env < envs; env++) {
    const key = { seed, env, episode: 0 };
    const hist: Float32Array[] = [];
    const planned: Float32Array[] = []; // planned[t]: intended action at t
    const state = new Float32Array(stateDim);
    cpu.reset(state, key);
    for (let t = 0; t < maxTimesteps; t++) {
      hist.push(state.slice());
      if (t % s === 0) {
        // Plan the actions for steps t + delay .. t + delay + s - 1.
        const t0 = Math.max(t - delay, 0);
        const m = hist[t0]!.slice();
        for (let k = t0; k < t + delay + s; k++) {
          let a = planned[k];
          if (k >= t + delay || a === undefined) {
            a = new Float32Array(actionDim);
            cpu.expert(m, a, key);
            if (k >= t + delay || planned[k] === undefined) planned[k] = a;
          }
          cpu.step(m, a, scratch);
        }
      }
      const a = planned[t]!.slice();
      addNoise(a, seed, env, t, std);
      cpu.step(state, a, out);
      if (out[1]) {
        solved += out[2]!;
        length += t + 1;
        break;
      }
    }
  }
  return { solveRate: solved / envs, meanLength: length / envs };
}

// `deno run -A src/testing/expert_probe.ts [envs] [seed]` prints the
// delay-sensitivity table of the lander and catch experts.
if (import.meta.main) {
  const envs = Number(Deno.args[0] ?? 1024), seed = Number(Deno.args[1] ?? 7);
  const { LANDER } = await import("../envs/lander/lander.ts");
  const { CATCH } = await import("../envs/catch/catch.ts");
  for (const task of [LANDER, CATCH]) {
    const row: string[] = [task.spec.name];
    for (const delay of [0, 1, 2, 3, 4]) {
      const r = delayedExpert(task.cpu, { envs, seed, delay });
      row.push(`delayed k=${delay}: ${r.solveRate.toFixed(3)}`);
    }
    for (const delay of [0, 2, 4]) {
      const r = chunkedExpert(task.cpu, {
        envs,
        seed,
        delay,
        executeHorizon: 4,
      });
      row.push(`chunked d=${delay} s=4: ${r.solveRate.toFixed(3)}`);
    }
    console.log(row.join(" | "));
  }
}
