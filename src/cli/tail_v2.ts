/**
 * The tail_v2 command (`deno task tail_v2`, `exp/run_tail_v2.ts`): does tail
 * control help? Flags, loading each method's own checkpoint (training_time
 * from the training-time RTC checkpoint, every other method from the plain
 * one), cost-coupled latency, {@linkcode runTailV2} per task, then the
 * summary of everything under the output folder.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseBackendName } from "../gpu/backend.ts";
import { getTask } from "../envs/registry.ts";
import type { Task } from "../envs/types.ts";
import { METHOD_NAMES, type MethodName } from "../rtc/method_config.ts";
import type { ChunkSampler } from "../eval/types.ts";
import { type LoadedPolicy, loadPolicy } from "../experiment/policy_loader.ts";
import {
  LATENCY_COST_MODELS,
  matrixMethod,
  methodLatencyCost,
} from "../experiment/matrix_method.ts";
import { METHOD_COST_MODEL } from "../rtc/method_cost.ts";
import {
  loadTailV2Spec,
  REFERENCE_ARM,
  type TailV2Spec,
} from "../experiment/tail_v2_spec.ts";
import {
  forecasterName,
  runTailV2,
  type TailV2Method,
} from "../experiment/tail_v2.ts";
import { summarizeTailV2 } from "../experiment/tail_v2_summary.ts";
import { defaultCheckpoint } from "./checkpoints.ts";
import {
  errorLine,
  parseChoice,
  parseForecaster,
  parseIntFlag,
  parseList,
} from "./args.ts";

/** Methods that read the forecast d̂ (the forecaster comparison runs these). */
const FORECAST_METHODS: readonly string[] = [
  "realtime",
  "hard_masking",
  "bid",
  "training_time",
];

const HELP = `Usage: deno task tail_v2 [options]

Does tail control help? Per task, every profile x arm x method of the spec
runs the async evaluator (RTC Algorithm 1, delays per environment) on one
seed (common random numbers); arms are the spec's controls (none = the
uncontrolled arm) and the low-latency reference. With --latency-cost flops
each method's delays are scaled by its FLOPs per chunk over naive's. Writes
<out>/<task>/<forecaster>/<profile>.<arm>/<method>/seed_<n>/ (resumable),
then <out>/summary.csv (paired differences to none), <out>/summary.md and
<out>/figures/. See docs/SEMANTICS.md §8 and README "Does tail control help?".

Options:
  --task <list>              tasks [reach_around,catch]
  --spec <file>              profiles, references, controls [exp/tail_v2.json]
  --profiles <list>          profiles of the spec [all]
  --controls <list>          arms: controls of the spec and reference [all, then reference]
  --methods <list>           [naive,realtime,training_time]
  --forecaster <spec>        main forecaster [buffer_max:10]
  --compare-forecaster <spec|none>  second forecaster on a subset [quantile:0.9:20]
  --compare-profiles <list>  its profiles [the first profile]
  --rollouts <n>             rollouts per arm [2048]
  --seed <n>                 the seed of every arm [0]
  --s-min <n>                Algorithm 1's s_min [1]
  --latency-cost flops|none  cost-coupled latency [flops]
  --checkpoint <path>        plain policy (one task) [exp_runs/checkpoints/<task>/plain.safetensors]
  --training-time-checkpoint <path>  training_time's policy (one task)
                             [exp_runs/checkpoints/<task>/training_time.safetensors]
  --backend cpu|webgpu|native|auto   policy backend [auto]
  --out <dir>                [exp_runs/tail_v2]
  --force                    recompute finished runs
  --summarize                only rebuild the summary from the run folders
  -h, --help                 show this help`;

/**
 * Options for {@linkcode tailV2Main}.
 *
 * @example
 * ```ts
 * import type { TailV2MainOptions } from "./tail_v2.ts";
 * const options: TailV2MainOptions = { stderr: () => {} };
 * ```
 */
export interface TailV2MainOptions {
  /** Where help and the final lines go. @default console.log */
  stdout?: (line: string) => void;
  /** Where progress and errors go. @default console.error */
  stderr?: (line: string) => void;
  /** Test override of the policy loading. */
  policies?: (
    task: Task,
    checkpoints: { plain: string; trainingTime: string | null },
  ) => Promise<{ plain: LoadedPolicy; trainingTime: LoadedPolicy | null }>;
}

function checkNames(
  names: string[],
  allowed: readonly string[],
  flag: string,
): string[] {
  for (const n of names) parseChoice(n, flag, allowed);
  if (new Set(names).size !== names.length) {
    throw new RangeError(
      `Cannot run tail_v2 as ${flag} must not repeat a name: current value is "${
        names.join(",")
      }"`,
    );
  }
  return names;
}

/** Parses and validates every flag (nothing is written). */
async function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      task: { type: "string", default: "reach_around,catch" },
      spec: { type: "string", default: "exp/tail_v2.json" },
      profiles: { type: "string" },
      controls: { type: "string" },
      methods: { type: "string", default: "naive,realtime,training_time" },
      forecaster: { type: "string", default: "buffer_max:10" },
      "compare-forecaster": { type: "string", default: "quantile:0.9:20" },
      "compare-profiles": { type: "string" },
      rollouts: { type: "string", default: "2048" },
      seed: { type: "string", default: "0" },
      "s-min": { type: "string", default: "1" },
      "latency-cost": { type: "string", default: "flops" },
      checkpoint: { type: "string" },
      "training-time-checkpoint": { type: "string" },
      backend: { type: "string", default: "auto" },
      out: { type: "string", default: "exp_runs/tail_v2" },
      force: { type: "boolean", default: false },
      summarize: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return { help: true as const };
  const tasks = parseList(values.task, "--task").map(getTask);
  if (new Set(tasks.map((t) => t.spec.name)).size !== tasks.length) {
    throw new RangeError(
      `Cannot run tail_v2 as --task must not repeat a task: current value is "${values.task}"`,
    );
  }
  if (
    tasks.length > 1 &&
    (values.checkpoint || values["training-time-checkpoint"])
  ) {
    throw new RangeError(
      `Cannot run tail_v2 as --checkpoint and --training-time-checkpoint take one task: current value of --task is "${values.task}"`,
    );
  }
  const spec: TailV2Spec = await loadTailV2Spec(values.spec);
  const allProfiles = Object.keys(spec.profiles);
  const profiles = checkNames(
    values.profiles ? parseList(values.profiles, "--profiles") : allProfiles,
    allProfiles,
    "--profiles",
  );
  const allArms = [...Object.keys(spec.controls), REFERENCE_ARM];
  const arms = checkNames(
    values.controls ? parseList(values.controls, "--controls") : allArms,
    allArms,
    "--controls",
  );
  if (!arms.includes("none")) {
    throw new RangeError(
      `Cannot run tail_v2 as --controls must include none (every arm is paired with it): current value is "${values.controls}"`,
    );
  }
  const methods = checkNames(
    parseList(values.methods, "--methods"),
    METHOD_NAMES,
    "--methods",
  ) as MethodName[];
  const compareText = values["compare-forecaster"];
  const compareProfiles = checkNames(
    values["compare-profiles"]
      ? parseList(values["compare-profiles"], "--compare-profiles")
      : profiles.slice(0, 1),
    profiles,
    "--compare-profiles",
  );
  return {
    help: false as const,
    tasks,
    spec,
    specPath: values.spec,
    profiles,
    arms,
    methods,
    forecaster: parseForecaster(values.forecaster),
    compare: compareText === "none" ? null : parseForecaster(compareText),
    compareProfiles,
    rollouts: parseIntFlag(values.rollouts, "--rollouts"),
    seed: parseIntFlag(values.seed, "--seed", 0),
    sMin: parseIntFlag(values["s-min"], "--s-min"),
    latencyCost: parseChoice(
      values["latency-cost"],
      "--latency-cost",
      LATENCY_COST_MODELS,
    ),
    checkpoint: values.checkpoint,
    trainingTime: values["training-time-checkpoint"],
    backend: parseBackendName(values.backend, "--backend"),
    out: values.out,
    force: values.force,
    summarize: values.summarize,
  };
}

/**
 * The tail_v2 command.
 *
 * @param argv Command-line arguments.
 * @param options Output sinks and a test override of the policy loading.
 * @returns Exit code: 0 done, 1 a run failed, 2 bad input (nothing written).
 *
 * @example
 * ```ts
 * import { tailV2Main } from "./tail_v2.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * assert.equal(await tailV2Main(["--help"], { stdout: (l) => lines.push(l) }), 0);
 * assert.match(lines[0]!, /^Usage:/);
 * ```
 */
export async function tailV2Main(
  argv: string[],
  options: TailV2MainOptions = {},
): Promise<number> {
  const name = "tail_v2.ts";
  const out = options.stdout ?? ((l: string) => console.log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  let p;
  try {
    p = await parse(argv);
  } catch (e) {
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
  if (p.help) {
    out(HELP);
    return 0;
  }
  const main = forecasterName(p.forecaster);
  const notes = [
    `Command: \`deno task tail_v2 ${argv.join(" ")}\``.replace(" `", "`"),
    `Latency cost: ${
      p.latencyCost === "flops" ? METHOD_COST_MODEL : "none"
    }. Spec: ${p.specPath}. s_min ${p.sMin}, seed ${p.seed}.`,
  ];
  if (p.summarize) {
    const s = await summarizeTailV2(p.out, { mainForecaster: main, notes });
    out(
      `${name}: summarised ${s.arms} arms into ${join(p.out, "summary.csv")}`,
    );
    return 0;
  }
  const needsTrainingTime = p.methods.includes("training_time");
  const load = options.policies ?? (async (task, ck) => {
    const plain = await loadPolicy(task, {
      checkpoint: ck.plain,
      backend: p.backend,
    });
    try {
      return {
        plain,
        trainingTime: ck.trainingTime === null ? null : await loadPolicy(
          task,
          { checkpoint: ck.trainingTime, backend: p.backend },
        ),
      };
    } catch (e) {
      plain.net.destroy?.();
      throw e;
    }
  });
  // LOAD EVERY TASK'S POLICIES FIRST (A MISSING CHECKPOINT FAILS BEFORE ANY RUN)
  const loaded: {
    task: Task;
    plain: LoadedPolicy;
    trainingTime: LoadedPolicy | null;
  }[] = [];
  const release = () => {
    for (const l of loaded) {
      l.plain.net.destroy?.();
      l.trainingTime?.net.destroy?.();
    }
  };
  try {
    for (const task of p.tasks) {
      const t = task.spec.name;
      const ck = {
        plain: p.checkpoint ?? defaultCheckpoint(t),
        trainingTime: needsTrainingTime
          ? p.trainingTime ?? defaultCheckpoint(t, "training_time")
          : null,
      };
      const l = await load(task, ck);
      loaded.push({ task, ...l });
      if (l.trainingTime && l.trainingTime.horizon !== l.plain.horizon) {
        throw new RangeError(
          `Cannot run tail_v2 on ${t} as both checkpoints must have the same chunk length: current values are ${l.plain.horizon} and ${l.trainingTime.horizon}`,
        );
      }
      if (p.sMin > l.plain.horizon) {
        throw new RangeError(
          `Cannot run tail_v2 as --s-min must be at most the chunk length ${l.plain.horizon} of ${t}: current value is "${p.sMin}"`,
        );
      }
    }
  } catch (e) {
    release();
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
  // RUN EVERY TASK, THEN SUMMARISE THE WHOLE FOLDER
  try {
    for (const { task, plain, trainingTime } of loaded) {
      const methods: TailV2Method[] = p.methods.map((m) => {
        const own = m === "training_time" ? trainingTime! : plain;
        const samplerFor = (x: MethodName): ChunkSampler => own.samplerFor(x);
        return {
          ...matrixMethod(m, samplerFor),
          checkpoint: own.checkpoint,
          net: own.net,
          latencyCost: methodLatencyCost(m, {
            model: p.latencyCost,
            net: own.net,
            naive: plain.net,
          }),
        };
      });
      const compareMethods = p.methods.filter((m) =>
        FORECAST_METHODS.includes(m)
      );
      await runTailV2(task, {
        spec: p.spec,
        profiles: p.profiles,
        arms: p.arms,
        methods,
        horizon: plain.horizon,
        sMin: p.sMin,
        forecaster: p.forecaster,
        compare: p.compare && compareMethods.length > 0
          ? {
            forecaster: p.compare,
            profiles: p.compareProfiles,
            methods: compareMethods,
          }
          : undefined,
        seed: p.seed,
        rollouts: p.rollouts,
        out: join(p.out, task.spec.name),
        force: p.force,
        progress: err,
        config: { spec: p.specPath, latencyCostModel: p.latencyCost },
        adapter: plain.adapter,
      });
    }
    const s = await summarizeTailV2(p.out, { mainForecaster: main, notes });
    out(`${name}: ${s.arms} arms; ${join(p.out, "summary.csv")}`);
    return 0;
  } catch (e) {
    err(`${name}: run failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    release();
  }
}
