/**
 * The delay sweep (`scripts/sweep.ts`), the upstream paper's fixed-delay
 * experiment: for d = 0..4 and every execute horizon s from max(1, d) to
 * H − d, every method is evaluated with the `scan` evaluator and a fixed
 * delay d. Each s is a resumable matrix under `<out>/s_<s>/` (profiles
 * `fixed_<d>`); the points are merged into `<out>/sweep.csv` and drawn as
 * `<out>/sweep.svg` (solve rate vs delay per method, one panel per s).
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseBackendName } from "../gpu/backend.ts";
import { getTask } from "../envs/registry.ts";
import type { Task } from "../envs/types.ts";
import { writeTextFileAtomic } from "../io/atomic.ts";
import { resolveProfile } from "../latency/mod.ts";
import { sweepFigure } from "../plot/figures.ts";
import type { PolicyNet } from "../policy/net.ts";
import type { MethodName } from "../rtc/method_config.ts";
import {
  errorLine,
  parseChoice,
  parseIntFlag,
  parseList,
  parseSeeds,
} from "./cli_args.ts";
import { runMatrix } from "./matrix.ts";
import { loadPolicy } from "./policy_loader.ts";
import { fusedEngine } from "./fused_engine.ts";
import { formatResultsCsv, type ResultRow } from "./results.ts";
import { matrixMethod, STEPD_METHODS } from "./stepd.ts";
import type { ChunkSampler } from "./types.ts";

/**
 * The (d, s) grid: d in `delays`, s from max(1, d) to H − d.
 *
 * @param horizon Chunk length H.
 * @param delays The delays.
 * @returns `[d, s]` pairs, by s then d.
 *
 * @example
 * ```ts
 * import { sweepGrid } from "./sweep.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(sweepGrid(4, [0, 1, 2]), [[0, 1], [1, 1], [0, 2], [1, 2], [2, 2], [0, 3], [1, 3], [0, 4]]);
 * ```
 */
export function sweepGrid(
  horizon: number,
  delays: readonly number[],
): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 1; s <= horizon; s++) {
    for (const d of delays) {
      if (s >= Math.max(1, d) && s <= horizon - d) out.push([d, s]);
    }
  }
  return out;
}

/**
 * Options for {@linkcode runSweep}.
 *
 * @example
 * ```ts
 * import type { SweepOptions } from "./sweep.ts";
 * const points = (o: SweepOptions): number => (o.delays?.length ?? 5) * o.methods.length;
 * ```
 */
export interface SweepOptions {
  /** Sampler per method. */
  samplerFor: (method: MethodName) => ChunkSampler;
  /** Chunk length H. */
  horizon: number;
  /** Methods. */
  methods: readonly MethodName[];
  /** Delays. @default [0, 1, 2, 3, 4] */
  delays?: readonly number[];
  /** Seeds. @default [0] */
  seeds?: readonly number[];
  /** Rollouts per point. */
  rollouts: number;
  /** Output folder. */
  out: string;
  /** Recompute finished points. @default false */
  force?: boolean;
  /** Progress sink. @default console.error */
  progress?: (line: string) => void;
  /** Extra config for config.json. */
  config?: Record<string, unknown>;
  /** Adapter name. */
  adapter?: string;
  /** A WebGPU net: points of methods with a GPU-fused path run on `evaluateScanGpu`. */
  net?: PolicyNet;
}

/**
 * Runs the sweep and writes `sweep.csv` and `sweep.svg`.
 *
 * @param task The task.
 * @param options Samplers, grid, sizes, output.
 * @returns The merged rows.
 *
 * @example
 * ```ts ignore
 * const rows = await runSweep(task, { samplerFor, horizon: 8, methods: ["naive", "realtime"], rollouts: 64, out: "exp_runs/sweep" });
 * ```
 */
export async function runSweep(
  task: Task,
  options: SweepOptions,
): Promise<ResultRow[]> {
  const grid = sweepGrid(options.horizon, options.delays ?? [0, 1, 2, 3, 4]);
  const naive = options.samplerFor("naive");
  const methods = options.methods.map((m) => ({
    ...matrixMethod(m, options.samplerFor),
    initialSampler: naive,
  }));
  const rows: ResultRow[] = [];
  for (const s of [...new Set(grid.map(([, s]) => s))]) {
    const profiles = grid.filter(([, gs]) => gs === s).map(([d]) => {
      const config = { kind: "fixed" as const, delay: d };
      return { name: `fixed_${d}`, profile: resolveProfile(config), config };
    });
    const report = await runMatrix({
      root: join(options.out, `s_${s}`),
      level: task.spec.name,
      task,
      profiles,
      methods,
      seeds: options.seeds ?? [0],
      rollouts: options.rollouts,
      horizon: options.horizon,
      executeHorizon: s,
      evaluator: "scan",
      fused: options.net?.backend === "webgpu"
        ? fusedEngine(task, {
          net: options.net,
          profiles,
          rollouts: options.rollouts,
          evaluator: "scan",
          executeHorizon: s,
        })
        : undefined,
      config: options.config,
      adapter: options.adapter,
    }, { force: options.force, progress: options.progress });
    rows.push(...report.rows.map((r) => ({ ...r, delay: r.profile.slice(6) })));
  }
  await writeTextFileAtomic(
    join(options.out, "sweep.csv"),
    formatResultsCsv(rows),
  );
  // MEAN OVER SEEDS PER (method, d, s)
  const points = new Map<
    string,
    { n: number; solved: number; row: ResultRow }
  >();
  for (const r of rows) {
    const key = `${r.method}|${r.delay}|${r.execute_horizon}`;
    const p = points.get(key) ?? { n: 0, solved: 0, row: r };
    p.n++;
    p.solved += Number(r.returned_episode_solved);
    points.set(key, p);
  }
  await writeTextFileAtomic(
    join(options.out, "sweep.svg"),
    sweepFigure([...points.values()].map((p) => ({
      method: p.row.method,
      delay: Number(p.row.delay),
      execute_horizon: p.row.execute_horizon,
      solved: p.solved / p.n,
    }))),
  );
  return rows;
}

/**
 * The `scripts/sweep.ts` command.
 *
 * @param argv Command-line arguments.
 * @param options Output sinks and test overrides (`samplerFor`, `horizon`).
 * @returns Exit code: 0 done, 1 failed, 2 bad input.
 *
 * @example
 * ```ts ignore
 * Deno.exit(await sweepMain(Deno.args));
 * ```
 */
export async function sweepMain(
  argv: string[],
  options: {
    stdout?: (line: string) => void;
    stderr?: (line: string) => void;
    samplerFor?: (method: MethodName) => ChunkSampler;
    horizon?: number;
  } = {},
): Promise<number> {
  const name = "sweep.ts";
  const out = options.stdout ?? ((l: string) => console.log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  let net: PolicyNet | undefined;
  let run: () => Promise<ResultRow[]>;
  let outDir: string;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        task: { type: "string", default: "reach_around" },
        checkpoint: { type: "string" },
        methods: { type: "string", default: STEPD_METHODS.join(",") },
        delays: { type: "string", default: "0-4" },
        seeds: { type: "string", default: "0" },
        rollouts: { type: "string", default: "128" },
        out: { type: "string", default: "exp_runs/sweep" },
        backend: { type: "string" },
        force: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      out(`Usage: deno run -A scripts/${name} [options]

Fixed-delay sweep (scan evaluator): d in --delays, s from max(1, d) to H - d,
every method. Writes <out>/s_<s>/... run folders (resumable), <out>/sweep.csv
and <out>/sweep.svg (solve rate vs delay).

Options:
  --task <name>          task (default reach_around)
  --checkpoint <path>    policy (default exp_runs/checkpoints/<task>/plain.safetensors)
  --methods <list>       default ${STEPD_METHODS.join(",")}
  --delays <spec>        default 0-4
  --seeds <spec>         default 0
  --rollouts <n>         default 128
  --out <dir>            default exp_runs/sweep
  --backend cpu|webgpu|native|auto   policy backend
  --force                recompute finished points`);
      return 0;
    }
    const task = getTask(values.task);
    const methods = parseList(values.methods, "--methods").map((m) =>
      parseChoice(m, "--methods", STEPD_METHODS)
    );
    const delays = parseSeeds(values.delays, "--delays");
    const seeds = parseSeeds(values.seeds);
    const rollouts = parseIntFlag(values.rollouts, "--rollouts");
    const backend = values.backend === undefined
      ? undefined
      : parseBackendName(values.backend, "--backend");
    let samplerFor = options.samplerFor;
    let horizon = options.horizon ?? 4;
    let adapter = "test sampler";
    let checkpoint: string | null = null;
    if (!samplerFor) {
      const policy = await loadPolicy(task, {
        checkpoint: values.checkpoint,
        backend,
      });
      net = policy.net;
      samplerFor = policy.samplerFor;
      horizon = policy.horizon;
      adapter = policy.adapter;
      checkpoint = policy.checkpoint;
    }
    if (sweepGrid(horizon, delays).length === 0) {
      throw new RangeError(
        `Cannot sweep as no (d, s) pair has max(1, d) <= s <= H - d for H = ${horizon}: current value is "${values.delays}"`,
      );
    }
    outDir = values.out;
    const sf = samplerFor;
    run = () =>
      runSweep(task, {
        samplerFor: sf,
        horizon,
        methods,
        delays,
        seeds,
        rollouts,
        out: values.out,
        force: values.force,
        progress: err,
        config: { checkpoint },
        adapter,
        net,
      });
  } catch (e) {
    net?.destroy?.();
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
  try {
    const rows = await run();
    out(
      `${name}: ${rows.length} points in ${join(outDir, "sweep.csv")} and ${
        join(outDir, "sweep.svg")
      }`,
    );
    return 0;
  } catch (e) {
    err(`${name}: run failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    net?.destroy?.();
  }
}
