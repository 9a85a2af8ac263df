/**
 * DAgger-style relabelling (Ross et al. 2011): rolls out a trained policy
 * (naive, fixed delay 0, s = 1, the evaluation wrapper's 0.1 action noise)
 * and records the states it visits; the scripted expert, a state-feedback
 * controller, then runs a short noisy segment (`--segment` steps) from each
 * recorded state; the segments are appended to a demonstration dataset
 * (`--base`) and written to `--out` for `deno task train` (`--help` for the
 * options).
 *
 * Only tasks whose observation determines the state are supported:
 * `cartpole_swingup` (`[x, xdot, sin θ, cos θ, θdot, t/T]` → `[x, xdot, θ,
 * θdot, t, hold = 0]`).
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
} from "../src/data/dataset.ts";
import { getTask } from "../src/envs/registry.ts";
import type { EpisodeKey, Task } from "../src/envs/types.ts";
import { generateDemonstrations } from "../src/eval/demonstrations.ts";
import { loadPolicy } from "../src/eval/policy_loader.ts";
import { evaluateScan } from "../src/eval/scan.ts";
import type { ChunkRequest } from "../src/eval/types.ts";
import { parseBackendName } from "../src/gpu/backend.ts";
import { resolveProfile } from "../src/latency/mod.ts";

const HELP =
  `Usage: deno run -A scripts/dagger_data.ts --task <name> --checkpoint <path> [options]

Rolls out a policy (naive, d = 0, s = 1, action noise 0.1), lets the expert
run a short segment from every --stride-th visited state, and writes the base
dataset plus these segments.

Options:
  --task <name>          task (cartpole_swingup)
  --checkpoint <path>    policy to roll out
  --base <path>          dataset to extend [exp_runs/data/<task>.safetensors]
  --out <path>           output [exp_runs/data/<task>_dagger.safetensors]
  --rollouts <n>         policy rollouts [512]
  --stride <n>           keep every n-th step of each rollout [4]
  --segment <n>          expert steps from each kept state [16]
  --seed <n>             seed of the policy rollouts (segments use seed + 1) [1]
  --backend cpu|webgpu   policy backend [auto]`;

/** Recovers a full state from an observation, per task. */
const STATE_FROM_OBS: Record<
  string,
  (obs: Float32Array, state: Float32Array, maxT: number) => void
> = {
  cartpole_swingup(obs, state, maxT) {
    state[0] = obs[0]!;
    state[1] = obs[1]!;
    state[2] = Math.fround(Math.atan2(obs[2]!, obs[3]!));
    state[3] = obs[4]!;
    state[4] = Math.round(obs[5]! * maxT);
    state[5] = 0;
  },
};

function int(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(
      `Cannot parse ${flag} as it must be an integer >= ${min}: current value is "${value}"`,
    );
  }
  return n;
}

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

/**
 * Runs the command.
 *
 * @param argv Command-line arguments.
 * @returns A promise that settles when the dataset is written.
 */
export async function main(argv: string[]): Promise<void> {
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
  const fromObs = STATE_FROM_OBS[name];
  if (!fromObs) {
    throw new RangeError(
      `Cannot relabel as --task must be one of ${
        Object.keys(STATE_FROM_OBS).join(", ")
      } (its observation must determine the state): current value is "${name}"`,
    );
  }
  if (!values.checkpoint) {
    throw new RangeError("Cannot relabel as --checkpoint is missing");
  }
  const rollouts = int(values.rollouts, "--rollouts", 1);
  const stride = int(values.stride, "--stride", 1);
  const segment = int(values.segment, "--segment", 1);
  const seed = int(values.seed, "--seed", 0);
  const base = await readDataset(
    values.base ?? `exp_runs/data/${name}.safetensors`,
  );
  const outPath = values.out ?? `exp_runs/data/${name}_dagger.safetensors`;

  // POLICY ROLLOUTS
  const O = task.spec.obsDim;
  const policy = await loadPolicy(task, {
    checkpoint: values.checkpoint,
    backend: values.backend === undefined
      ? undefined
      : parseBackendName(values.backend, "--backend"),
  });
  const sampler = policy.samplerFor("naive");
  const visited: Float32Array[] = [];
  let calls = 0;
  const recording = (req: ChunkRequest) => {
    if (calls++ % stride === 0) visited.push(req.obs.slice());
    return sampler(req);
  };
  const result = await evaluateScan(task, {
    sampler: recording,
    initialSampler: recording,
    profile: resolveProfile({ kind: "fixed", delay: 0 }),
    seed,
    numEnvs: rollouts,
    horizon: policy.horizon,
    executeHorizon: 1,
  });
  policy.net.destroy?.();
  const pool = visited.flatMap((batch) =>
    Array.from({ length: rollouts }, (_, b) => batch.subarray(b * O, b * O + O))
  );

  // EXPERT SEGMENTS FROM THE VISITED STATES
  const k = pool.length;
  const relabel: Task = {
    ...task,
    cpu: {
      ...task.cpu,
      reset(state: Float32Array, key: EpisodeKey) {
        fromObs(
          pool[(key.env + key.episode * 7919) % k]!,
          state,
          task.spec.maxTimesteps,
        );
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
    `dagger_data.ts: policy solved ${
      result.metrics.returned_episode_solved.toFixed(3)
    } of ${rollouts} rollouts; ${k} states × ${segment} expert steps appended; wrote ${outPath} (${
      base.done.length + extra.done.length
    } transitions)`,
  );
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (e) {
    console.error(`dagger_data.ts: error: ${(e as Error).message}`);
    Deno.exit(2);
  }
}
