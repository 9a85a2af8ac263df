/**
 * Expert demonstrations through the evaluation wrapper (action noise std 0.1
 * on the executed action, auto-reset), recorded as `Rollouts` for
 * `datasetFromRollouts` of `src/data`: the observation the expert saw and
 * the expert's clean action (the wrapper's noise perturbs the states the
 * data covers, not the labels), and the `generate_data` command.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  datasetFromRollouts,
  type Rollouts,
  writeDataset,
} from "../data/dataset.ts";
import { getTask } from "../envs/registry.ts";
import type { Task } from "../envs/types.ts";
import { errorLine, parseIntFlag } from "./cli_args.ts";
import { createCpuStepper } from "./stepper.ts";

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

/**
 * The `scripts/generate_data.ts` command: writes
 * `exp_runs/data/<task>.safetensors` (the default path of `deno task train`).
 *
 * @param argv Command-line arguments.
 * @param options Output sinks.
 * @returns Exit code: 0 done, 2 bad input.
 *
 * @example
 * ```ts ignore
 * Deno.exit(await generateDataMain(Deno.args));
 * ```
 */
export async function generateDataMain(
  argv: string[],
  options: {
    stdout?: (line: string) => void;
    stderr?: (line: string) => void;
  } = {},
): Promise<number> {
  const name = "generate_data.ts";
  const out = options.stdout ?? ((l: string) => console.log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  let task: Task;
  let envs: number, steps: number | undefined, seed: number, noise: number;
  let path: string;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        task: { type: "string", default: "reach_around" },
        envs: { type: "string", default: "1024" },
        steps: { type: "string" },
        seed: { type: "string", default: "0" },
        noise: { type: "string", default: "0.1" },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      out(`Usage: deno run -A scripts/${name} [options]

Rolls out the scripted expert with the evaluation wrapper's action noise and
writes a demonstration dataset for deno task train.

Options:
  --task <name>   task (default reach_around)
  --envs <n>      parallel environments (default 1024)
  --steps <n>     steps per environment (default: the task's max_timesteps)
  --seed <n>      seed (default 0)
  --noise <std>   action-noise std (default 0.1)
  --out <path>    output (default exp_runs/data/<task>.safetensors)`);
      return 0;
    }
    task = getTask(values.task);
    envs = parseIntFlag(values.envs, "--envs");
    steps = values.steps === undefined
      ? undefined
      : parseIntFlag(values.steps, "--steps");
    seed = parseIntFlag(values.seed, "--seed", 0);
    noise = Number(values.noise);
    if (!(noise >= 0) || !Number.isFinite(noise)) {
      throw new RangeError(
        `Cannot parse --noise as it must be a finite number >= 0: current value is "${values.noise}"`,
      );
    }
    path = values.out ?? `exp_runs/data/${task.spec.name}.safetensors`;
  } catch (e) {
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
  // COLLECT DEMONSTRATIONS
  const rollouts = await generateDemonstrations(task, {
    envs,
    steps,
    seed,
    noiseStd: noise,
  });
  const dataset = datasetFromRollouts(rollouts, {
    expert: "scripted",
    seed: String(seed),
    noise_std: String(noise),
    envs: String(envs),
  });
  await writeDataset(path, dataset);
  let episodes = 0, solvedEpisodes = 0;
  for (let i = 0; i < rollouts.done.length; i++) {
    if (rollouts.done[i]) {
      episodes++;
      solvedEpisodes += rollouts.solved[i]!;
    }
  }
  out(
    `${name}: wrote ${path} (${dataset.done.length} transitions, ${episodes} finished episodes, ${solvedEpisodes} solved)`,
  );
  return 0;
}
