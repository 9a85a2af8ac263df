/**
 * The demonstration command (`scripts/generate_data.ts`): expert rollouts
 * through the evaluation wrapper written as a dataset for `deno task train`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { datasetFromRollouts, writeDataset } from "../data/dataset.ts";
import { generateDemonstrations } from "../data/demonstrations.ts";
import { getTask } from "../envs/registry.ts";
import type { Task } from "../envs/types.ts";
import { errorLine, parseIntFlag } from "./args.ts";

/**
 * The `scripts/generate_data.ts` command: writes
 * `exp_runs/data/<task>.safetensors` (the default path of `deno task train`).
 *
 * @param argv Command-line arguments.
 * @param options Output sinks.
 * @returns Exit code: 0 done, 2 bad input.
 *
 * @example
 * ```ts
 * import { generateDataMain } from "./generate_data.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * assert.equal(await generateDataMain(["--help"], { stdout: (l) => lines.push(l) }), 0);
 * assert.match(lines[0]!, /^Usage:/);
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
