/**
 * The Step D command (`exp/run_stepD_tail_v1.ts`):
 * argument parsing, validation, loading the checkpoint, and the matrix run.
 * Bad input gives one `error:` line on stderr and exit code 2 before
 * anything is written; a failure during the runs gives exit code 1.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getTask } from "../envs/registry.ts";
import {
  resolveForecaster,
  resolveProfile,
  SEED_PROFILES,
} from "../latency/mod.ts";
import type { PolicyNet } from "../policy/net.ts";
import { METHOD_NAMES, type MethodName } from "../rtc/method_config.ts";
import {
  errorLine,
  type ForecasterSpec,
  parseBackendFlag,
  parseChoice,
  parseForecaster,
  parseIntFlag,
  parseList,
  parseSeeds,
} from "./args.ts";
import {
  type MatrixPlan,
  parseShard,
  planRuns,
  runMatrix,
} from "../experiment/matrix.ts";
import { RunConflictError } from "../experiment/fingerprint.ts";
import { checkOutputDir } from "../io/out_dir.ts";
import type { ResultRow } from "../experiment/results.ts";
import { loadPolicy } from "../experiment/policy_loader.ts";
import { STEPD_DEFAULTS, type StepDDefaults } from "./stepd_defaults.ts";
import {
  delayClipNotices,
  mergeRequested,
  prepareRuns,
  readProfiles,
  writeCombined,
} from "./stepd_io.ts";
import { defaultCheckpoint, stepVariant } from "./checkpoints.ts";
import { fusedEngine, isFusable } from "../experiment/fused_engine.ts";
import {
  LATENCY_COST_MODELS,
  matrixMethod,
  methodLatencyCost,
} from "../experiment/matrix_method.ts";
import type { CostNet } from "../rtc/method_cost.ts";
import { resolveModelConfig, SMALL_MODEL_CONFIG } from "../policy/config.ts";
import type { ChunkSampler } from "../eval/types.ts";

export { STEPD_DEFAULTS, type StepDDefaults } from "./stepd_defaults.ts";

function usage(name: string, d: StepDDefaults): string {
  return `Usage: deno run -A ${name} [options]

Runs the matrix profile x method x seed and writes
  <out>/<profile>/<method>/seed_<n>/{results.csv,config.json} and <out>/results_all.csv
(with several tasks: <out>/<task>/... per task and all rows in <out>/results_all.csv).
A finished run (results.csv present) is reused only when it was made with the
same settings (its fingerprint in config.json); otherwise the command stops
with an error naming the first differing setting, unless --force. Concurrent
commands on one --out split the runs between them.

Options:
  --task <list>            task(s), e.g. reach_around,lander (default ${d.task})
  --profiles <list|file>   preset names (${
    Object.keys(SEED_PROFILES).join(", ")
  })
                           or a JSON file {name: profile config} (default ${d.profiles})
  --methods <list>         ${METHOD_NAMES.join(", ")} (default ${d.methods})
  --evaluator scan|async   seed-compatible scan or asynchronous Algorithm 1 (default ${d.evaluator})
  --seeds <spec>           e.g. 0-4 or 0,2,5 (default ${d.seeds})
  --rollouts <n>           environments per run (default ${d.rollouts})
  --execute-horizon <s>    scan: s; async: s_min (default ${d.executeHorizon})
  --delay-mode shared|per_env   scan: one delay per iteration or per environment (default shared)
  --forecaster <spec>      async: oracle, buffer_max:<b>, quantile:<q>:<window> (default ${d.forecaster})
  --starve hold|zero       async: action while starved (default hold)
  --latency-cost none|flops  cost-coupled latency: flops scales each method's delays by
                           its FLOPs per chunk over naive's (realtime ~1.38, bid 16;
                           docs/SEMANTICS.md §8); none draws the profile as is (default ${
    d.latencyCost ?? "none"
  })
  --checkpoint <path>      policy of a single task (default exp_runs/checkpoints/<task>/plain_h4.safetensors,
                           the seed's chunk length H = 4, where it exists, else plain.safetensors, H = 8)
  --backend cpu|webgpu|native|auto   policy backend (default auto: GPU, else the faster of native and llvmpipe)
  --env-backend auto|cpu|webgpu   where environments, delays and bookkeeping run:
                           webgpu = the GPU-fused evaluator (one readback per run;
                           every method and forecaster, rings <= 64); cpu = CPU twin
                           with one GPU call per chunk; auto = webgpu when the policy
                           runs on WebGPU, else cpu (default auto)
  --out <dir>              output root (default ${d.out})
  --shard i/n              run every n-th run starting at i
  --force                  recompute finished runs
  --merge                  only rebuild <out>/results_all.csv from the run folders
                           the other flags request (each run finished, same settings)
  -h, --help               show this help`;
}

/**
 * Options for {@linkcode stepDMain}.
 *
 * @example
 * ```ts
 * import type { StepDMainOptions } from "./stepd.ts";
 * const options: StepDMainOptions = { name: "run_stepD_async.ts", stderr: () => {} };
 * ```
 */
export interface StepDMainOptions {
  /** Script name for messages. @default "run_stepD_tail_v1.ts" */
  name?: string;
  /** Defaults (a preset may override some). @default STEPD_DEFAULTS */
  defaults?: StepDDefaults;
  /** Where help and the final line go. @default console.log */
  stdout?: (line: string) => void;
  /** Where progress and errors go. @default console.error */
  stderr?: (line: string) => void;
  /** Sampler override for tests: called per method instead of loading a checkpoint. */
  samplerFor?: (method: MethodName) => ChunkSampler;
  /** Chunk length H when `samplerFor` is given. @default 4 */
  horizon?: number;
}

/**
 * Runs the Step D command.
 *
 * @param argv Command-line arguments.
 * @param options Script name, defaults, output sinks, test overrides.
 * @returns The exit code: 0 done, 1 a run failed, 2 bad input (nothing written).
 *
 * @example
 * ```ts
 * import { stepDMain } from "./stepd.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * assert.equal(await stepDMain(["--help"], { stdout: (l) => lines.push(l) }), 0);
 * assert.match(lines[0]!, /^Usage:/);
 * ```
 */
export async function stepDMain(
  argv: string[],
  options: StepDMainOptions = {},
): Promise<number> {
  const name = options.name ?? "run_stepD_tail_v1.ts";
  const d = options.defaults ?? STEPD_DEFAULTS;
  const out = options.stdout ?? ((l: string) => console.log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  const plans: MatrixPlan[] = [];
  const nets: PolicyNet[] = [];
  const release = () => nets.forEach((n) => n.destroy?.());
  let shard: { index: number; count: number } | undefined;
  let force = false;
  let root: string;
  try {
    // PARSE AND VALIDATE (NOTHING WRITTEN YET)
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        task: { type: "string", default: d.task },
        profiles: { type: "string", default: d.profiles },
        methods: { type: "string", default: d.methods },
        evaluator: { type: "string", default: d.evaluator },
        seeds: { type: "string", default: d.seeds },
        rollouts: { type: "string", default: String(d.rollouts) },
        "execute-horizon": {
          type: "string",
          default: String(d.executeHorizon),
        },
        "delay-mode": { type: "string", default: "shared" },
        forecaster: { type: "string", default: d.forecaster },
        starve: { type: "string", default: "hold" },
        "latency-cost": { type: "string", default: d.latencyCost ?? "none" },
        checkpoint: { type: "string" },
        backend: { type: "string" },
        "env-backend": { type: "string", default: "auto" },
        out: { type: "string", default: d.out },
        shard: { type: "string" },
        force: { type: "boolean", default: false },
        merge: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      out(usage(name, d));
      return 0;
    }
    root = values.out;
    const tasks = parseList(values.task, "--task").map(getTask);
    const names = tasks.map((t) => t.spec.name);
    if (new Set(names).size !== names.length) {
      throw new RangeError(
        `Cannot run as --task must not repeat a task: current value is "${values.task}"`,
      );
    }
    if (values.checkpoint !== undefined && tasks.length > 1) {
      throw new RangeError(
        `Cannot run as --checkpoint needs a single --task: current value is "${values.task}"`,
      );
    }
    const rootOf = (task: string) => tasks.length > 1 ? join(root, task) : root;
    const evaluator = parseChoice(
      values.evaluator,
      "--evaluator",
      [
        "scan",
        "async",
      ] as const,
    );
    const methodNames = parseList(values.methods, "--methods").map((m) =>
      parseChoice(m, "--methods", METHOD_NAMES)
    );
    const seeds = parseSeeds(values.seeds);
    const rollouts = parseIntFlag(values.rollouts, "--rollouts");
    const executeHorizon = parseIntFlag(
      values["execute-horizon"],
      "--execute-horizon",
    );
    const delayMode = parseChoice(
      values["delay-mode"],
      "--delay-mode",
      [
        "shared",
        "per_env",
      ] as const,
    );
    const starve = parseChoice(
      values.starve,
      "--starve",
      [
        "hold",
        "zero",
      ] as const,
    );
    const fspec: ForecasterSpec = parseForecaster(values.forecaster);
    const latencyCost = parseChoice(
      values["latency-cost"],
      "--latency-cost",
      LATENCY_COST_MODELS,
    );
    shard = values.shard === undefined ? undefined : parseShard(values.shard);
    force = values.force;
    const backendName = parseBackendFlag(values.backend);
    const envChoice = parseChoice(
      values["env-backend"],
      "--env-backend",
      ["auto", "cpu", "webgpu"] as const,
    );
    const profileConfigs = await readProfiles(values.profiles);
    await checkOutputDir(root, { create: !values.merge });
    const profileList = Object.entries(profileConfigs).map(([n, config]) => ({
      name: n,
      profile: resolveProfile(config),
      config,
    }));

    for (const task of tasks) {
      // POLICY: CHECKPOINT (OR TEST SAMPLERS)
      let horizon: number;
      let samplerFor: (m: MethodName) => ChunkSampler;
      let adapter = "test sampler";
      let checkpointPath: string | null = null;
      let checkpointSha256: string | null = null;
      let net: PolicyNet | undefined;
      if (options.samplerFor) {
        horizon = options.horizon ?? 4;
        samplerFor = options.samplerFor;
      } else {
        const t = task.spec.name;
        const policy = await loadPolicy(task, {
          checkpoint: values.checkpoint ??
            defaultCheckpoint(t, await stepVariant(t)),
          backend: backendName,
        });
        net = policy.net;
        nets.push(net);
        checkpointPath = policy.checkpoint;
        checkpointSha256 = policy.checkpointSha256;
        horizon = policy.horizon;
        adapter = policy.adapter;
        samplerFor = policy.samplerFor;
      }
      if (executeHorizon > horizon) {
        throw new RangeError(
          `Cannot run as --execute-horizon must be at most the chunk length ${horizon} of ${task.spec.name}: current value is "${executeHorizon}"`,
        );
      }
      const naive = samplerFor("naive");
      // COST-COUPLED LATENCY: EACH METHOD'S FLOPS OVER NAIVE'S (TEST SAMPLERS: THE SMALL MODEL)
      const costNet: CostNet = net ?? {
        config: resolveModelConfig({
          ...SMALL_MODEL_CONFIG,
          actionChunkSize: horizon,
        }),
        obsDim: task.spec.obsDim,
        actionDim: task.spec.actionDim,
      };
      const costOf = (m: MethodName) =>
        methodLatencyCost(m, { model: latencyCost, net: costNet });
      // WHERE ENVIRONMENTS RUN: GPU-FUSED EVALUATOR OR CPU TWIN
      const gpuNet = net?.backend === "webgpu" ? net : undefined;
      if (envChoice === "webgpu" && !gpuNet) {
        throw new RangeError(
          `Cannot use --env-backend webgpu as the policy does not run on WebGPU (no adapter, --backend cpu or a test sampler): current value is "webgpu"`,
        );
      }
      const useFused = envChoice !== "cpu" && gpuNet !== undefined;
      const engine = gpuNet && {
        net: gpuNet,
        profiles: profileList,
        rollouts,
        evaluator,
        executeHorizon,
        delayMode,
        forecaster: fspec,
        starve,
        latencyScale: Object.fromEntries(
          methodNames.map((m) => [m, costOf(m)?.scale ?? 1]),
        ),
      };
      if (useFused && engine && plans.length === 0) {
        const cpuOnly = methodNames.filter((m) => !isFusable(m, engine));
        if (cpuOnly.length > 0) {
          err(
            `${name}: ${cpuOnly.join(", ")} ${
              evaluator === "async"
                ? `(or forecaster ${values.forecaster}) `
                : ""
            }have no GPU-fused path: CPU twin environments, one GPU call per chunk`,
          );
        }
      }
      const plan: MatrixPlan = {
        root: rootOf(task.spec.name),
        level: task.spec.name,
        task,
        profiles: profileList,
        methods: methodNames.map((m) => ({
          ...matrixMethod(m, samplerFor),
          initialSampler: naive,
          latencyCost: costOf(m),
        })),
        seeds,
        rollouts,
        horizon,
        executeHorizon,
        evaluator,
        delayMode,
        starve,
        forecaster: fspec.kind === "oracle"
          ? "oracle"
          : () => resolveForecaster(fspec),
        fused: useFused && engine ? fusedEngine(task, engine) : undefined,
        config: {
          checkpoint: checkpointPath,
          forecaster: evaluator === "async" ? fspec : undefined,
          envBackend: useFused ? "webgpu" : "cpu",
          actionNoise: 0.1,
        },
        identity: {
          checkpointSha256,
          policyBackend: net?.backend ?? "test sampler",
          envBackend: useFused ? "webgpu" : "cpu",
          actionNoise: 0.1,
          forecaster: evaluator === "async" ? fspec : undefined,
        },
        adapter,
      };
      planRuns(plan); // duplicate seeds etc. are input errors too
      plans.push(plan);
    }
    if (values.merge) {
      const merged = await mergeRequested(root, plans);
      if (merged.legacy > 0) {
        err(
          `${name}: notice: ${merged.legacy} run(s) have no fingerprint (made by an older version): checked on their task, evaluator, execute horizon, rollouts and chunk length only`,
        );
      }
      out(
        `${name}: merged ${merged.rows.length} runs into ${merged.resultsAll}`,
      );
      release();
      return 0;
    }
    for (const notice of delayClipNotices(plans)) {
      err(`${name}: notice: ${notice}`);
    }
    // BEFORE ANY WORK: --out USABLE, FINISHED RUNS MADE WITH THESE SETTINGS
    const removed = await prepareRuns(plans, { root, force });
    if (removed.length > 0) {
      err(
        `${name}: removed ${removed.length} temporary file(s) left by a killed writer`,
      );
    }
  } catch (e) {
    release();
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
  // RUN (ONE MATRIX PER TASK)
  try {
    const rows: ResultRow[] = [];
    let ran = 0, skipped = 0, pending = 0, resultsAll = "";
    for (const plan of plans) {
      const prefix = plans.length > 1 ? `${plan.level}: ` : "";
      const report = await runMatrix(plan, {
        force,
        shard,
        progress: (line) => err(prefix + line),
      });
      for (const row of report.rows) rows.push(row);
      ran += report.ran.length;
      skipped += report.skipped.length;
      pending += report.pending.length;
      resultsAll = report.resultsAll;
    }
    if (plans.length > 1) resultsAll = await writeCombined(root, rows);
    out(
      `${name}: ${ran} run(s) computed, ${skipped} skipped; ${rows.length} rows in ${resultsAll}${
        pending > 0
          ? ` (${pending} run(s) of other shards not finished yet: --merge once they are)`
          : ""
      }`,
    );
    return 0;
  } catch (e) {
    // A damaged file or a conflicting run met while running: one line.
    if (e instanceof RunConflictError || e instanceof SyntaxError) {
      err(`${name}: error: ${errorLine(e)}`);
      return 2;
    }
    err(`${name}: run failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    release();
  }
}
