/**
 * DAgger-style relabelling (Ross et al. 2011): rolls out a trained policy on
 * the CPU twin (naive, fixed delay 0, s = 1, the evaluation wrapper's 0.1
 * action noise, `max_timesteps` steps with auto-reset) and records the
 * states it visits; the scripted expert, a state-feedback controller, then
 * runs a short noisy segment (`--segment` steps) from every `--stride`-th
 * recorded state; the segments are appended to a demonstration dataset
 * (`--base`) and written to `--out` for `deno task train` (`--help` for the
 * options).
 *
 * The expert's per-episode mode (swing direction, catch side, ...) comes
 * from the segment's own episode key, so a segment may finish in the other
 * mode than the policy was in: both are expert behaviour.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  datasetFromRollouts,
  type DemoDataset,
  readDataset,
  validateDataset,
  writeDataset,
} from "../data/dataset.ts";
import { getTask } from "../envs/registry.ts";
import type { EpisodeKey, Task } from "../envs/types.ts";
import { generateDemonstrations } from "../data/demonstrations.ts";
import { loadPolicy } from "../experiment/policy_loader.ts";
import { createCpuStepper } from "../envs/wrapper.ts";
import { exitCodeOf, parseBackendFlag, parseIntFlag } from "./args.ts";

const HELP =
  `Usage: deno run -A scripts/dagger_data.ts --task <name> --checkpoint <path> [options]

Rolls out a policy (naive, d = 0, s = 1, action noise 0.1), lets the expert
run a short segment from every --stride-th visited state, and writes the base
dataset plus these segments.

Options:
  --task <name>          task
  --checkpoint <path>    policy to roll out
  --base <path>          dataset to extend [exp_runs/data/<task>.safetensors]
  --out <path>           output [exp_runs/data/<task>_dagger.safetensors]
  --rollouts <n>         parallel policy rollouts [512]
  --stride <n>           keep every n-th step of each rollout [4]
  --segment <n>          expert steps from each kept state [16]
  --seed <n>             seed of the policy rollouts (segments use seed + 1) [1]
  --backend cpu|webgpu|native|auto   policy backend [auto: GPU, else the faster of native and llvmpipe]`;

function concat(a: DemoDataset, b: DemoDataset): DemoDataset {
  const cat = <T extends Float32Array | Uint8Array>(x: T, y: T): T => {
    const out = new (x.constructor as new (n: number) => T)(
      x.length + y.length,
    );
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return validateDataset({
    task: a.task,
    obsDim: a.obsDim,
    actionDim: a.actionDim,
    obs: cat(a.obs, b.obs),
    actions: cat(a.actions, b.actions),
    done: cat(a.done, b.done),
    solved: cat(a.solved, b.solved),
    metadata: { ...a.metadata, ...b.metadata },
  });
}

/** The command, throwing on bad input. */
async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      task: { type: "string" },
      checkpoint: { type: "string" },
      base: { type: "string" },
      out: { type: "string" },
      rollouts: { type: "string", default: "512" },
      stride: { type: "string", default: "4" },
      segment: { type: "string", default: "16" },
      seed: { type: "string", default: "1" },
      backend: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const task = getTask(values.task ?? "");
  const name = task.spec.name;
  if (!values.checkpoint) {
    throw new RangeError("Cannot relabel as --checkpoint is missing");
  }
  const rollouts = parseIntFlag(values.rollouts, "--rollouts", 1);
  const stride = parseIntFlag(values.stride, "--stride", 1);
  const segment = parseIntFlag(values.segment, "--segment", 1);
  const seed = parseIntFlag(values.seed, "--seed", 0);
  const base = await readDataset(
    values.base ?? `exp_runs/data/${name}.safetensors`,
  );
  const outPath = values.out ?? `exp_runs/data/${name}_dagger.safetensors`;

  // POLICY ROLLOUTS
  const A = task.spec.actionDim;
  const policy = await loadPolicy(task, {
    checkpoint: values.checkpoint,
    backend: parseBackendFlag(values.backend),
  });
  const sampler = policy.samplerFor("naive");
  const H = policy.horizon;
  const stepper = createCpuStepper(task.cpu, { numEnvs: rollouts, seed });
  const pool: Float32Array[] = [];
  const act = new Float32Array(rollouts * A);
  const firstDone = new Uint8Array(rollouts);
  let solved = 0;
  let obs = await stepper.reset();
  for (let t = 0; t < task.spec.maxTimesteps; t++) {
    if (t % stride === 0) pool.push(...stepper.states.map((x) => x.slice()));
    const { chunk } = await sampler({ batch: rollouts, obs, seed, counter: t });
    for (let b = 0; b < rollouts; b++) {
      act.set(chunk.subarray(b * H * A, b * H * A + A), b * A);
    }
    const out = await stepper.step(act);
    for (let b = 0; b < rollouts; b++) {
      if (out.done[b] && !firstDone[b]) {
        firstDone[b] = 1;
        solved += out.solved[b]!;
      }
    }
    obs = out.obs;
  }
  policy.net.destroy?.();

  // EXPERT SEGMENTS FROM THE VISITED STATES
  const k = pool.length;
  const relabel: Task = {
    ...task,
    cpu: {
      ...task.cpu,
      reset(state: Float32Array, key: EpisodeKey) {
        state.set(pool[(key.env + key.episode * 7919) % k]!);
      },
    },
  };
  const demos = await generateDemonstrations(relabel, {
    envs: k,
    steps: segment,
    seed: seed + 1,
  });
  const extra = datasetFromRollouts(demos, {
    dagger_checkpoint: values.checkpoint,
    dagger_rollouts: String(rollouts),
    dagger_stride: String(stride),
    dagger_segment: String(segment),
  });
  await writeDataset(outPath, concat(base, extra));
  console.log(
    `dagger_data.ts: policy solved ${solved} of ${rollouts} first episodes; ${k} states × ${segment} expert steps appended; wrote ${outPath} (${
      base.done.length + extra.done.length
    } transitions)`,
  );
}

/**
 * The `scripts/dagger_data.ts` command: DAgger-style relabelling of the states a policy visits.
 *
 * @param args Command-line arguments (`--help` lists them).
 * @param options Where errors go.
 * @returns The exit code: 0 done, 2 bad input or a failed run (one `error:` line).
 */
export async function daggerDataMain(
  args: string[],
  options: { stderr?: (line: string) => void } = {},
): Promise<number> {
  return await exitCodeOf("dagger_data.ts", {
    run: () => run(args),
    stderr: options.stderr,
  });
}
