/**
 * The sweep command (`scripts/sweep.ts`): flags, loading each method's own
 * checkpoint (training_time samples from the training-time RTC checkpoint,
 * every other method from the plain one) and {@linkcode runSweep} per task,
 * then the combined tables and figure of all tasks.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getTask, TASKS } from "../envs/registry.ts";
import type { Task } from "../envs/types.ts";
import { METHOD_NAMES, type MethodName } from "../rtc/method_config.ts";
import type { ChunkSampler } from "../eval/types.ts";
import { type LoadedPolicy, loadPolicy } from "../experiment/policy_loader.ts";
import { matrixMethod } from "../experiment/matrix_method.ts";
import {
  checkSweepDelays,
  runSweep,
  type SweepMethod,
  writeSweepTables,
} from "../experiment/sweep.ts";
import type { BoundsPoint, SweepPoint } from "../experiment/sweep_table.ts";
import { defaultCheckpoint } from "./checkpoints.ts";
import {
  errorLine,
  parseBackendFlag,
  parseChoice,
  parseIntFlag,
  parseList,
  parseSeeds,
} from "./args.ts";

const DEFAULT_METHODS: readonly MethodName[] = [
  "naive",
  "realtime",
  "hard_masking",
  "bid",
  "temporal_ensembling",
  "training_time",
];

const HELP = `Usage: deno task sweep [options]

Fixed-delay sweep (scan evaluator, the RTC paper's experiment): for each
delay d in --delays with execute horizon s = max(d, 1), every method and the
two expert bounds on the same seed (common random numbers: same initial
states, action noise, flow noise and delays), paired differences to naive.
Writes per task <out>/<task>/d<d>_s<s>/... run folders (resumable),
<out>/<task>/{sweep.csv,bounds.csv,sweep.svg}, and with several tasks the
combined <out>/{sweep.csv,bounds.csv,sweep.svg}.

Options:
  --task <list|all>                tasks, comma-separated, or all [reach_around]
  --checkpoint <path>              plain policy (one task only)
                                   [exp_runs/checkpoints/<task>/plain.safetensors]
  --training-time-checkpoint <path>  policy of the training_time method (one
                                   task only) [exp_runs/checkpoints/<task>/training_time.safetensors]
  --methods <list>                 must include naive [${
  DEFAULT_METHODS.join(",")
}]
  --delays <spec>                  e.g. 0-4 or 0,2,4 [0-4]
  --seed <n>                       seed of every point [0]
  --rollouts <n>                   rollouts per point [1024]
  --bid-rollouts <n>               rollouts of bid (16 samples per inference),
                                   paired with naive's first ones [256]
  --out <dir>                      [exp_runs/sweep]
  --backend cpu|webgpu|native|auto   policy backend [auto: GPU, else the faster of native and llvmpipe]
  --force                          recompute finished runs
  -h, --help                       show this help`;

/**
 * The `scripts/sweep.ts` command.
 *
 * @param argv Command-line arguments.
 * @param options Output sinks, and a test override of the samplers.
 * @returns Exit code: 0 done, 1 failed, 2 bad input.
 *
 * @example
 * ```ts
 * import { sweepMain } from "./sweep.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * assert.equal(await sweepMain(["--help"], { stdout: (l) => lines.push(l) }), 0);
 * assert.match(lines[0]!, /^Usage:/);
 * ```
 */
export async function sweepMain(
  argv: string[],
  options: {
    stdout?: (line: string) => void;
    stderr?: (line: string) => void;
    policies?: (
      task: Task,
      checkpoints: { plain: string; trainingTime: string },
    ) => Promise<{ plain: LoadedPolicy; trainingTime: LoadedPolicy }>;
  } = {},
): Promise<number> {
  const name = "sweep.ts";
  const out = options.stdout ?? ((l: string) => console.log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  let parsed;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        task: { type: "string", default: "reach_around" },
        checkpoint: { type: "string" },
        "training-time-checkpoint": { type: "string" },
        methods: { type: "string", default: DEFAULT_METHODS.join(",") },
        delays: { type: "string", default: "0-4" },
        seed: { type: "string", default: "0" },
        rollouts: { type: "string", default: "1024" },
        "bid-rollouts": { type: "string", default: "256" },
        out: { type: "string", default: "exp_runs/sweep" },
        backend: { type: "string" },
        force: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      out(HELP);
      return 0;
    }
    const tasks = (values.task === "all"
      ? Object.keys(TASKS)
      : parseList(values.task, "--task")).map((t) =>
        getTask(t)
      );
    if (
      tasks.length > 1 &&
      (values.checkpoint || values["training-time-checkpoint"])
    ) {
      throw new RangeError(
        `Cannot sweep as --checkpoint and --training-time-checkpoint take one task: current value of --task is "${values.task}"`,
      );
    }
    const methods = parseList(values.methods, "--methods").map((m) =>
      parseChoice(m, "--methods", METHOD_NAMES)
    );
    if (!methods.includes("naive")) {
      throw new RangeError(
        `Cannot sweep as --methods must include naive: current value is "${values.methods}"`,
      );
    }
    if (
      parseIntFlag(values["bid-rollouts"], "--bid-rollouts") >
        parseIntFlag(values.rollouts, "--rollouts")
    ) {
      throw new RangeError(
        `Cannot sweep as --bid-rollouts must be at most --rollouts (bid is paired with naive's first rollouts): current value is ${
          values["bid-rollouts"]
        }`,
      );
    }
    parsed = {
      tasks,
      methods,
      delays: parseSeeds(values.delays, "--delays"),
      seed: parseIntFlag(values.seed, "--seed", 0),
      rollouts: parseIntFlag(values.rollouts, "--rollouts"),
      bidRollouts: parseIntFlag(values["bid-rollouts"], "--bid-rollouts"),
      out: values.out,
      force: values.force,
      checkpoint: values.checkpoint,
      trainingTime: values["training-time-checkpoint"],
      backend: parseBackendFlag(values.backend),
    };
  } catch (e) {
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
  const needsTrainingTime = parsed.methods.includes("training_time");
  const load = options.policies ?? (async (task, ck) => {
    const plain = await loadPolicy(task, {
      checkpoint: ck.plain,
      backend: parsed.backend,
    });
    return {
      plain,
      trainingTime: needsTrainingTime
        ? await loadPolicy(task, {
          checkpoint: ck.trainingTime,
          backend: parsed.backend,
        })
        : plain,
    };
  });
  const allPoints: SweepPoint[] = [];
  const allBounds: BoundsPoint[] = [];
  for (const task of parsed.tasks) {
    const t = task.spec.name;
    const checkpoints = {
      plain: parsed.checkpoint ?? defaultCheckpoint(t),
      trainingTime: parsed.trainingTime ??
        defaultCheckpoint(t, "training_time"),
    };
    let policies: { plain: LoadedPolicy; trainingTime: LoadedPolicy };
    try {
      policies = await load(task, checkpoints);
      if (policies.plain.horizon !== policies.trainingTime.horizon) {
        throw new RangeError(
          `Cannot sweep ${t} as both checkpoints must have the same chunk length: current values are ${policies.plain.horizon} and ${policies.trainingTime.horizon}`,
        );
      }
      checkSweepDelays(parsed.delays, policies.plain.horizon);
    } catch (e) {
      err(`${name}: error: ${errorLine(e)}`);
      return 2;
    }
    try {
      const methods: SweepMethod[] = parsed.methods.map((m) => {
        const p = m === "training_time"
          ? policies.trainingTime
          : policies.plain;
        const samplerFor = (x: MethodName): ChunkSampler => p.samplerFor(x);
        return {
          ...matrixMethod(m, samplerFor),
          checkpoint: p.checkpoint,
          net: p.net,
          rollouts: m === "bid" ? parsed.bidRollouts : undefined,
        };
      });
      const r = await runSweep(task, {
        methods,
        horizon: policies.plain.horizon,
        delays: parsed.delays,
        seed: parsed.seed,
        rollouts: parsed.rollouts,
        out: join(parsed.out, t),
        force: parsed.force,
        progress: err,
        config: { checkpoints },
        adapter: policies.plain.adapter,
      });
      allPoints.push(...r.points);
      allBounds.push(...r.bounds);
      out(`${name}: ${t}: ${join(parsed.out, t, "sweep.csv")}`);
    } catch (e) {
      err(`${name}: run failed: ${(e as Error).stack ?? e}`);
      return 1;
    } finally {
      policies.plain.net.destroy?.();
      if (policies.trainingTime !== policies.plain) {
        policies.trainingTime.net.destroy?.();
      }
    }
  }
  if (parsed.tasks.length > 1) {
    await writeSweepTables(parsed.out, allPoints, allBounds);
    out(`${name}: all tasks: ${join(parsed.out, "sweep.csv")}`);
  }
  return 0;
}
