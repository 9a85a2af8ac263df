/**
 * Trains a FlowPolicy on a demonstration dataset and writes checkpoints and
 * a loss CSV (`deno task train --help`).
 *
 * Outputs: the latest policy at `exp_runs/checkpoints/<task>/<name>.safetensors`
 * (`<name>` is `plain`, or `sd<D>` with a simulated delay; the evaluators'
 * default checkpoint is `plain`), and in the run folder `--out` (default
 * `exp_runs/checkpoints/<task>/<name>/`): `checkpoints/epoch_NNNN.safetensors`,
 * `loss.csv`, `train_state.safetensors` (for `--resume`) and `config.json`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { getBackend, parseBackendName } from "../src/gpu/backend.ts";
import { writeJsonAtomic } from "../src/io/atomic.ts";
import { provenance } from "../src/io/provenance.ts";
import { datasetLength, readDataset } from "../src/data/dataset.ts";
import { stepsPerEpoch } from "../src/data/chunks.ts";
import {
  LR_SCHEDULES,
  type LrSchedule,
  resolveAdamWOptions,
} from "../src/policy/adamw.ts";
import {
  DEFAULT_MODEL_CONFIG,
  resolveModelConfig,
  SMALL_MODEL_CONFIG,
} from "../src/policy/config.ts";
import { createNet } from "../src/policy/net.ts";
import { initParams, paramLayout } from "../src/policy/params.ts";
import { trainPolicy } from "../src/policy/train.ts";

const HELP = `Usage: deno task train --task <name> [options]

Trains a FlowPolicy by flow matching on expert demonstrations.

Options:
  --task <name>            task name (recorded in checkpoints; default data path)
  --data <path>            dataset (.safetensors) [exp_runs/data/<task>.safetensors]
  --name <name>            policy name [plain, or sd<D> with --simulated-delay D]
  --policy <path>          latest-weights file [exp_runs/checkpoints/<task>/<name>.safetensors]
  --out <dir>              run folder: per-epoch checkpoints, loss.csv, state
                           [exp_runs/checkpoints/<task>/<name>]
  --model <small|default>  architecture preset (seed "stable small" or upstream) [default]
  --chunk-size <H>         override the preset's action_chunk_size
  --channel-dim <C>        override the preset's channel_dim
  --channel-hidden-dim <n> override the preset's channel_hidden_dim
  --token-hidden-dim <n>   override the preset's token_hidden_dim
  --num-layers <L>         override the preset's num_layers
  --epochs <n>             epochs [32]
  --batch <n>              batch size [512]
  --simulated-delay <D>    training-time RTC with max simulated delay D (0: off) [0]
  --lr <x>                 peak learning rate [3e-4]
  --warmup <n>             linear warm-up steps [1000]
  --lr-schedule <name>     after the warm-up: constant, cosine or linear decay
                           (optax warmup_cosine_decay_schedule) [constant]
  --decay-steps <n>        step at which the decay reaches --end-lr, warm-up
                           included [epochs x steps per epoch]
  --end-lr <x>             final learning rate of a decaying schedule [0]
  --seed <n>               run seed [0]
  --backend <cpu|webgpu|native|auto>   where the network runs [WebGPU when available]
  --resume                 continue from <out>/train_state.safetensors
  -h, --help               show this help
`;

function int(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(
      `Cannot parse ${flag} as it must be an integer >= ${min}: current value is "${value}"`,
    );
  }
  return n;
}

/**
 * Runs the script with the given command-line arguments.
 *
 * @param args Command-line arguments.
 * @returns A promise that settles when training is done.
 */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      task: { type: "string" },
      data: { type: "string" },
      out: { type: "string" },
      name: { type: "string" },
      policy: { type: "string" },
      model: { type: "string", default: "default" },
      "chunk-size": { type: "string" },
      "channel-dim": { type: "string" },
      "channel-hidden-dim": { type: "string" },
      "token-hidden-dim": { type: "string" },
      "num-layers": { type: "string" },
      epochs: { type: "string", default: "32" },
      batch: { type: "string", default: "512" },
      "simulated-delay": { type: "string", default: "0" },
      lr: { type: "string", default: "3e-4" },
      warmup: { type: "string", default: "1000" },
      "lr-schedule": { type: "string", default: "constant" },
      "decay-steps": { type: "string" },
      "end-lr": { type: "string", default: "0" },
      seed: { type: "string", default: "0" },
      backend: { type: "string" },
      resume: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (!values.task) throw new RangeError("Cannot train as --task is missing");
  const task = values.task;
  const delay = int(values["simulated-delay"], "--simulated-delay", 0);
  const preset = values.model === "small"
    ? SMALL_MODEL_CONFIG
    : values.model === "default"
    ? DEFAULT_MODEL_CONFIG
    : undefined;
  if (!preset) {
    throw new RangeError(
      `Cannot parse --model as it must be "small" or "default": current value is "${values.model}"`,
    );
  }
  const override = (flag: string): number | undefined => {
    const raw = (values as Record<string, unknown>)[flag];
    return typeof raw === "string" ? int(raw, `--${flag}`, 1) : undefined;
  };
  const config = resolveModelConfig({
    ...preset,
    actionChunkSize: override("chunk-size") ?? preset.actionChunkSize,
    channelDim: override("channel-dim") ?? preset.channelDim,
    channelHiddenDim: override("channel-hidden-dim") ?? preset.channelHiddenDim,
    tokenHiddenDim: override("token-hidden-dim") ?? preset.tokenHiddenDim,
    numLayers: override("num-layers") ?? preset.numLayers,
    simulatedDelay: delay === 0 ? null : delay,
  });
  const dataPath = values.data ?? `exp_runs/data/${task}.safetensors`;
  const name = values.name ?? (delay ? `sd${delay}` : "plain");
  const policyPath = values.policy ??
    `exp_runs/checkpoints/${task}/${name}.safetensors`;
  const out = values.out ?? `exp_runs/checkpoints/${task}/${name}`;
  const seed = int(values.seed, "--seed", 0);
  const lr = Number(values.lr);

  const dataset = await readDataset(dataPath);
  if (dataset.task && dataset.task !== task) {
    throw new RangeError(
      `Cannot train as --task "${task}" differs from the dataset's task "${dataset.task}" (${dataPath})`,
    );
  }
  const backend = await getBackend({
    backend: values.backend
      ? parseBackendName(values.backend, "--backend")
      : undefined,
  });
  const dims = { obsDim: dataset.obsDim, actionDim: dataset.actionDim };
  const net = await createNet(backend, {
    config,
    ...dims,
    params: initParams(paramLayout(config, dims), { seed }),
  });
  const epochs = int(values.epochs, "--epochs", 0);
  const batchSize = int(values.batch, "--batch", 1);
  const schedule = values["lr-schedule"];
  if (!(LR_SCHEDULES as readonly string[]).includes(schedule)) {
    throw new RangeError(
      `Cannot parse --lr-schedule as it must be one of ${
        LR_SCHEDULES.join(", ")
      }: current value is "${schedule}"`,
    );
  }
  const options = {
    epochs,
    batchSize,
    seed,
    adamw: resolveAdamWOptions({
      learningRate: lr,
      warmupSteps: int(values.warmup, "--warmup", 0),
      schedule: schedule as LrSchedule,
      decaySteps: values["decay-steps"] === undefined
        ? (schedule === "constant"
          ? 0
          : epochs * stepsPerEpoch(datasetLength(dataset), batchSize))
        : int(values["decay-steps"], "--decay-steps", 0),
      endLearningRate: Number(values["end-lr"]),
    }),
  };
  const prov = await provenance(
    { task, data: dataPath, model: config, ...options },
    { adapter: backend.adapterName },
  );
  await writeJsonAtomic(`${out}/config.json`, prov);
  console.error(
    `train: ${task}, ${dataset.done.length} transitions, ${backend.adapterName}, policy ${policyPath}, run folder ${out}`,
  );
  await trainPolicy(net, dataset, {
    ...options,
    outDir: out,
    policyPath,
    resume: values.resume,
    task,
    provenance: {
      data: dataPath,
      git_commit: prov.gitCommit,
      adapter: prov.adapter,
    },
    log: (line) => console.error(`train: ${line}`),
  });
  net.destroy?.();
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (err) {
    console.error(
      `error: ${err instanceof Error ? err.message : String(err)}`.split(
        "\n",
      )[0],
    );
    Deno.exit(2);
  }
}
