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
import { getBackend } from "../gpu/backend.ts";
import { writeJsonAtomic } from "../io/atomic.ts";
import { provenance } from "../io/provenance.ts";
import { datasetLength, readDataset } from "../data/dataset.ts";
import { stepsPerEpoch } from "../data/chunks.ts";
import {
  LR_SCHEDULES,
  type LrSchedule,
  resolveAdamWOptions,
} from "../policy/adamw.ts";
import {
  DEFAULT_MODEL_CONFIG,
  resolveModelConfig,
  SMALL_MODEL_CONFIG,
} from "../policy/config.ts";
import { createNet } from "../policy/net.ts";
import { initParams, paramLayout } from "../policy/params.ts";
import { trainPolicy } from "../policy/train.ts";
import {
  exitCodeOf,
  parseBackendFlag,
  parseChoice,
  parseIntFlag,
} from "./args.ts";

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
  --simulated-delay <D>    training-time RTC with simulated delays 0..D-1 (0: off) [0]
  --delay-weights <w>      weights of the simulated delays k = 0..D-1: exp
                           (exp(D-1-k)) or uniform [exp]
  --lr <x>                 peak learning rate [3e-4]
  --warmup <n>             linear warm-up steps [1000]
  --lr-schedule <name>     after the warm-up: constant, cosine or linear decay
                           (optax warmup_cosine_decay_schedule) [constant]
  --decay-steps <n>        step at which the decay reaches --end-lr, warm-up
                           included [epochs x steps per epoch]
  --end-lr <x>             final learning rate of a decaying schedule [0]
  --seed <n>               run seed [0]
  --backend <cpu|webgpu|native|auto>   where the network runs [auto: GPU, else the faster of native and llvmpipe]
  --resume                 continue from <out>/train_state.safetensors
  -h, --help               show this help
`;

/** The command, throwing on bad input. */
async function run(args: string[]): Promise<void> {
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
      "delay-weights": { type: "string", default: "exp" },
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
  const delay = parseIntFlag(values["simulated-delay"], "--simulated-delay", 0);
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
    return typeof raw === "string"
      ? parseIntFlag(raw, `--${flag}`, 1)
      : undefined;
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
  const seed = parseIntFlag(values.seed, "--seed", 0);
  const lr = Number(values.lr);

  const dataset = await readDataset(dataPath);
  if (dataset.task && dataset.task !== task) {
    throw new RangeError(
      `Cannot train as --task "${task}" differs from the dataset's task "${dataset.task}" (${dataPath})`,
    );
  }
  const backend = await getBackend({
    backend: parseBackendFlag(values.backend),
  });
  const dims = { obsDim: dataset.obsDim, actionDim: dataset.actionDim };
  const net = await createNet(backend, {
    config,
    ...dims,
    params: initParams(paramLayout(config, dims), { seed }),
  });
  const epochs = parseIntFlag(values.epochs, "--epochs", 0);
  const batchSize = parseIntFlag(values.batch, "--batch", 1);
  const schedule = values["lr-schedule"];
  if (!(LR_SCHEDULES as readonly string[]).includes(schedule)) {
    throw new RangeError(
      `Cannot parse --lr-schedule as it must be one of ${
        LR_SCHEDULES.join(", ")
      }: current value is "${schedule}"`,
    );
  }
  const delayWeights = parseChoice(
    values["delay-weights"],
    "--delay-weights",
    ["exp", "uniform"] as const,
  );
  const options = {
    epochs,
    batchSize,
    seed,
    ...(delay ? { delayWeights } : {}),
    adamw: resolveAdamWOptions({
      learningRate: lr,
      warmupSteps: parseIntFlag(values.warmup, "--warmup", 0),
      schedule: schedule as LrSchedule,
      decaySteps: values["decay-steps"] === undefined
        ? (schedule === "constant"
          ? 0
          : epochs * stepsPerEpoch(datasetLength(dataset), batchSize))
        : parseIntFlag(values["decay-steps"], "--decay-steps", 0),
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

/**
 * The `scripts/train.ts` command: trains a FlowPolicy on a demonstration dataset.
 *
 * @param args Command-line arguments (`--help` lists them).
 * @param options Where errors go.
 * @returns The exit code: 0 done, 2 bad input or a failed run (one `error:` line).
 */
export async function trainMain(
  args: string[],
  options: { stderr?: (line: string) => void } = {},
): Promise<number> {
  return await exitCodeOf("train.ts", {
    run: () => run(args),
    stderr: options.stderr,
  });
}
