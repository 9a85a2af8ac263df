/**
 * Step A (`exp/run_stepA_baseline.ts`): the baseline sanity check of the
 * seed — method naive, fixed delay 0, execute horizon 1 — written to
 * `exp_runs/stepA_baseline/results.csv` (+ `config.json`) and a preview
 * animation of one rollout (`preview.gif`, the task's renderer; the seed
 * wrote an mp4).
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getTask } from "../envs/registry.ts";
import type { Task } from "../envs/types.ts";
import {
  writeFileAtomic,
  writeJsonAtomic,
  writeTextFileAtomic,
} from "../io/atomic.ts";
import { encodeGif, type GifFrame } from "../io/gif.ts";
import { checkOutputDir, prepareOutputDir } from "../io/out_dir.ts";
import { provenance } from "../io/provenance.ts";
import type { PolicyNet } from "../policy/net.ts";
import { errorLine, parseBackendFlag, parseIntFlag } from "./args.ts";
import { loadPolicy } from "../experiment/policy_loader.ts";
import { defaultCheckpoint, stepVariant } from "./checkpoints.ts";
import {
  formatResultsCsv,
  type ResultRow,
  resultRow,
} from "../experiment/results.ts";
import { evaluateScan } from "../eval/scan.ts";
import { canScanOnGpu, evaluateScanGpu } from "../eval/scan_gpu.ts";
import { resolveProfile } from "../latency/resolve.ts";
import { resolveMethodConfig } from "../rtc/method_config.ts";
import { createCpuStepper } from "../envs/wrapper.ts";
import type { ChunkSampler } from "../eval/types.ts";

/**
 * Options for {@linkcode runStepA}.
 *
 * @example
 * ```ts
 * import type { StepAOptions } from "./stepa.ts";
 * const rollouts = (o: StepAOptions): number => o.rollouts ?? 256;
 * ```
 */
export interface StepAOptions {
  /** The naive sampler of the policy. */
  sampler: ChunkSampler;
  /** The policy's net: a WebGPU net evaluates with the GPU-fused evaluator (the preview always runs on the CPU twin). */
  net?: PolicyNet;
  /** Chunk length H. */
  horizon: number;
  /** Rollouts. @default 256 */
  rollouts?: number;
  /** Seed. @default 0 */
  seed?: number;
  /** Output folder. @default "exp_runs/stepA_baseline" */
  out?: string;
  /** Write the preview animation. @default true */
  preview?: boolean;
  /** Preview frame size in px (task renderer default when unset). */
  previewSize?: number;
  /** Extra config for config.json. */
  config?: Record<string, unknown>;
  /** Adapter name for the provenance. */
  adapter?: string;
}

/**
 * Runs Step A and writes its files.
 *
 * @param task The task.
 * @param options Sampler, sizes, output folder.
 * @returns The result row and the files written.
 *
 * @example
 * ```ts ignore
 * const { row } = await runStepA(task, { sampler, horizon: 8 });
 * console.log(row.returned_episode_solved);
 * ```
 */
export async function runStepA(
  task: Task,
  options: StepAOptions,
): Promise<{ row: ResultRow; files: string[] }> {
  const out = options.out ?? "exp_runs/stepA_baseline";
  const rollouts = options.rollouts ?? 256;
  const seed = options.seed ?? 0;
  const fixed0 = { sampleAt: () => 0 };
  const t0 = performance.now();
  // EVALUATE: NAIVE, d = 0, s = 1 (GPU-FUSED WITH A WEBGPU NET)
  const naive = resolveMethodConfig({ method: "naive" });
  const fused = options.net !== undefined && canScanOnGpu(options.net, naive);
  const result = fused
    ? await evaluateScanGpu(task, {
      net: options.net!,
      method: naive,
      profile: resolveProfile({ kind: "fixed", delay: 0 }),
      seed,
      numEnvs: rollouts,
    })
    : await evaluateScan(task, {
      sampler: options.sampler,
      profile: fixed0,
      seed,
      numEnvs: rollouts,
      horizon: options.horizon,
      executeHorizon: 1,
    });
  const wall = (performance.now() - t0) / 1000;
  const row = {
    ...resultRow(result.metrics, {
      profile: "fixed_0",
      method: "naive",
      seed,
      level: task.spec.name,
      executeHorizon: 1,
      evaluator: "scan",
      rollouts,
      horizon: options.horizon,
    }),
    delay: "0",
  };
  const files: string[] = [];
  // PREVIEW: ONE ROLLOUT ON THE CPU TWIN UNTIL ITS FIRST EPISODE ENDS
  if (options.preview ?? true) {
    const stepper = createCpuStepper(task.cpu, { numEnvs: 1, seed });
    const size = options.previewSize;
    const render = () =>
      task.cpu.render(
        stepper.states[0]!,
        size ? { width: size, height: size } : undefined,
      );
    const frames: GifFrame[] = [];
    await evaluateScan(task, {
      sampler: (req) => {
        if (req.counter === 0) frames.push(render());
        return options.sampler(req);
      },
      profile: fixed0,
      seed,
      numEnvs: 1,
      horizon: options.horizon,
      executeHorizon: 1,
      stepper,
      onStep: () => {
        if (stepper.episodes[0] === 0) frames.push(render());
      },
    });
    const gif = join(out, "preview.gif");
    await writeFileAtomic(gif, encodeGif(frames, { delayMs: 50 }));
    files.push(gif);
  }
  const config = await provenance({
    task: task.spec.name,
    method: "naive",
    delay: 0,
    executeHorizon: 1,
    rollouts,
    seed,
    actionChunkSize: options.horizon,
    ...options.config,
  }, { adapter: options.adapter });
  const configPath = join(out, "config.json");
  await writeJsonAtomic(configPath, {
    ...config,
    engine: fused ? "webgpu-fused" : "cpu-orchestrated",
    timing: {
      wallSeconds: wall,
      samplerCalls: result.samplerCalls,
      msPerSamplerCall: Number.isFinite(result.samplerSeconds)
        ? (1000 * result.samplerSeconds) / Math.max(1, result.samplerCalls)
        : null,
    },
  });
  const csv = join(out, "results.csv");
  await writeTextFileAtomic(csv, formatResultsCsv([row]));
  files.push(configPath, csv);
  return { row, files };
}

/**
 * Options for {@linkcode stepAMain}.
 *
 * @example
 * ```ts
 * import type { StepAMainOptions } from "./stepa.ts";
 * const options: StepAMainOptions = { stdout: () => {}, stderr: () => {} };
 * ```
 */
export interface StepAMainOptions {
  /** Where help and results go. @default console.log */
  stdout?: (line: string) => void;
  /** Where errors go. @default console.error */
  stderr?: (line: string) => void;
  /** Test override: a naive sampler instead of a checkpoint. */
  sampler?: ChunkSampler;
  /** Chunk length with `sampler`. @default 4 */
  horizon?: number;
}

/**
 * Runs the Step A command.
 *
 * @param argv Command-line arguments.
 * @param options Output sinks and test overrides.
 * @returns Exit code: 0 done, 1 failed, 2 bad input.
 *
 * @example
 * ```ts
 * import { stepAMain } from "./stepa.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * assert.equal(await stepAMain(["--help"], { stdout: (l) => lines.push(l) }), 0);
 * assert.match(lines[0]!, /^Usage:/);
 * ```
 */
export async function stepAMain(
  argv: string[],
  options: StepAMainOptions = {},
): Promise<number> {
  const name = "run_stepA_baseline.ts";
  const out = options.stdout ?? ((l: string) => console.log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  let net: PolicyNet | undefined;
  let run: () => Promise<{ row: ResultRow; files: string[] }>;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        task: { type: "string", default: "reach_around" },
        checkpoint: { type: "string" },
        rollouts: { type: "string", default: "256" },
        seed: { type: "string", default: "0" },
        out: { type: "string", default: "exp_runs/stepA_baseline" },
        backend: { type: "string" },
        "no-preview": { type: "boolean", default: false },
        "preview-size": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      out(`Usage: deno run -A exp/${name} [options]

Baseline sanity check (naive, d = 0, s = 1): writes <out>/results.csv,
<out>/config.json and <out>/preview.gif (one rollout, the task renderer).

Options:
  --task <name>          task (default reach_around)
  --checkpoint <path>    policy (default exp_runs/checkpoints/<task>/plain_h4.safetensors)
  --rollouts <n>         rollouts (default 256)
  --seed <n>             seed (default 0)
  --out <dir>            output folder (default exp_runs/stepA_baseline)
  --backend cpu|webgpu|native|auto   policy backend (default auto: GPU, else the faster of native and llvmpipe)
  --preview-size <px>    preview frame size (default: the renderer's)
  --no-preview           skip the animation`);
      return 0;
    }
    const task = getTask(values.task);
    const rollouts = parseIntFlag(values.rollouts, "--rollouts");
    const seed = parseIntFlag(values.seed, "--seed", 0);
    const previewSize = values["preview-size"] === undefined
      ? undefined
      : parseIntFlag(values["preview-size"], "--preview-size", 8);
    const backend = parseBackendFlag(values.backend);
    await checkOutputDir(values.out);
    let sampler: ChunkSampler;
    let horizon: number;
    let adapter = "test sampler";
    let checkpoint: string | null = null;
    if (options.sampler) {
      sampler = options.sampler;
      horizon = options.horizon ?? 4;
    } else {
      const policy = await loadPolicy(task, {
        checkpoint: values.checkpoint ??
          defaultCheckpoint(task.spec.name, await stepVariant(task.spec.name)),
        backend,
      });
      net = policy.net;
      sampler = policy.samplerFor("naive");
      horizon = policy.horizon;
      adapter = policy.adapter;
      checkpoint = policy.checkpoint;
    }
    run = async () => {
      await prepareOutputDir(values.out);
      return await runStepA(task, {
        sampler,
        net,
        horizon,
        rollouts,
        seed,
        out: values.out,
        preview: !values["no-preview"],
        previewSize,
        config: { checkpoint },
        adapter,
      });
    };
  } catch (e) {
    net?.destroy?.();
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
  try {
    const { row, files } = await run();
    out(
      `${name}: solved ${row.returned_episode_solved} [${row.solved_ci_low}, ${row.solved_ci_high}], return ${row.returned_episode_returns}, length ${row.returned_episode_lengths}`,
    );
    for (const f of files) out(`${name}: wrote ${f}`);
    return 0;
  } catch (e) {
    err(`${name}: run failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    net?.destroy?.();
  }
}
