/**
 * Step D: run the matrix profile × method × seed into run folders
 * (`<root>/<profile>/<method>/seed_<n>/{config.json,rollouts.csv,results.csv}`), resumable
 * and shardable, then merge every finished run into `<root>/results_all.csv`.
 *
 * - Resumable: a run whose `results.csv` exists is skipped (unless `force`);
 *   `results.csv` is written last and atomically, so a killed run leaves no
 *   results and is redone.
 * - Deterministic: the CSVs are byte-identical on a rerun (no timestamps; the
 *   inference timing goes to `config.json`).
 * - Shards: `shard = { index: i, count: n }` runs every n-th run starting at
 *   i (in profile, method, seed order); every shard merges what exists.
 *
 * @module
 */
import { join } from "node:path";
import { writeJsonAtomic, writeTextFileAtomic } from "../io/atomic.ts";
import { provenance } from "../io/provenance.ts";
import {
  CONFIG_FILE,
  isRunComplete,
  RESULTS_FILE,
  ROLLOUTS_FILE,
  runDirectory,
  type RunKey,
} from "../io/run_folder.ts";
import { evaluateAsync } from "../eval/async.ts";
import type { EvalResult, EvalTask } from "../eval/common.ts";
import { mergeRuns } from "./merge.ts";
import { formatResultsCsv, resultRow } from "./results.ts";
import { formatRolloutsCsv } from "./rollouts.ts";
import type { ResultRow } from "./results.ts";
import { evaluateScan } from "../eval/scan.ts";
import type { EnvStepper } from "../envs/wrapper.ts";
import { scaleProfile } from "../latency/scale.ts";
import type { ProfileConfig } from "../latency/types.ts";
import type {
  ChunkSampler,
  DelayForecaster,
  DelaySource,
} from "../eval/types.ts";

/**
 * A named delay profile of the matrix.
 *
 * @example
 * ```ts
 * import type { MatrixProfile } from "./matrix.ts";
 * const fixed0: MatrixProfile = { name: "fixed_0", profile: { sampleAt: () => 0 }, config: { kind: "fixed", delay: 0 } };
 * ```
 */
export interface MatrixProfile {
  /** Folder and CSV name. */
  name: string;
  /** The delay source. */
  profile: DelaySource;
  /** Its JSON config, recorded in config.json. */
  config?: unknown;
}

/**
 * A named method of the matrix.
 *
 * @example
 * ```ts
 * import type { MatrixMethod } from "./matrix.ts";
 * const zeros: MatrixMethod = {
 *   name: "zeros",
 *   sampler: (req) => Promise.resolve({ chunk: new Float32Array(req.batch * 8) }),
 * };
 * ```
 */
export interface MatrixMethod {
  /** Folder and CSV name. */
  name: string;
  /** Sampler of this method. */
  sampler: ChunkSampler;
  /** Sampler of the first chunk (the seed: naive). @default sampler */
  initialSampler?: ChunkSampler;
  /** Its JSON config, recorded in config.json. */
  config?: unknown;
  /** Execute with ACT temporal ensembling (method `temporal_ensembling`). */
  temporalEnsemble?: { decay: number };
  /**
   * Cost-coupled latency: every delay is the profile's draw with its latency
   * scaled by `scale` (`scaleProfile`; the profile needs its `config`),
   * recorded in config.json as `latency_scale` and `latency_cost`.
   * @default undefined (the profile's draws as they are; latency_scale 1)
   */
  latencyCost?: { scale: number; model: string; [key: string]: unknown };
}

/**
 * What to run.
 *
 * @example
 * ```ts
 * import type { MatrixPlan } from "./matrix.ts";
 * const runs = (p: MatrixPlan): number => p.profiles.length * p.methods.length * p.seeds.length;
 * ```
 */
export interface MatrixPlan {
  /** Output root, e.g. `exp_runs/tail_v1`. */
  root: string;
  /** Task name (the CSV `level` column). */
  level: string;
  /** The task. */
  task: EvalTask;
  /** Profiles (outer loop). */
  profiles: readonly MatrixProfile[];
  /** Methods (middle loop). */
  methods: readonly MatrixMethod[];
  /** Seeds (inner loop). */
  seeds: readonly number[];
  /** Rollouts per run. */
  rollouts: number;
  /** Chunk length H. */
  horizon: number;
  /** `scan`: the execute horizon s; `async`: s_min. */
  executeHorizon: number;
  /** Evaluator. */
  evaluator: "scan" | "async";
  /** Scan only: one delay per iteration (seed) or per environment. @default "shared" */
  delayMode?: "shared" | "per_env";
  /** Async only: forecaster factory or oracle. @default "oracle" */
  forecaster?: "oracle" | ((env: number) => DelayForecaster);
  /** Async only: what a starved environment executes. @default "hold" */
  starve?: "hold" | "zero";
  /** Stepper factory per seed (e.g. a WebGPU `VecEnv`); default: the CPU twin. */
  makeStepper?: (seed: number) => EnvStepper | Promise<EnvStepper>;
  /**
   * An evaluator that runs a whole run elsewhere (e.g. the GPU-fused
   * `evaluateScanGpu`); returns undefined where it does not apply (then the
   * CPU-orchestrated evaluator runs). Its name goes into config.json as
   * `engine`.
   */
  fused?: {
    name: string;
    run(key: RunKey): Promise<EvalResult> | undefined;
  };
  /** Extra resolved configuration written into every config.json. */
  config?: Record<string, unknown>;
  /**
   * Extra files of a run (name → text), written into its folder with
   * config.json and rollouts.csv, before results.csv.
   */
  runFiles?: (key: RunKey, result: EvalResult) => Record<string, string>;
  /** Adapter name for the provenance. @default "unknown" */
  adapter?: string;
}

/**
 * Options for {@linkcode runMatrix}.
 *
 * @example
 * ```ts
 * import type { MatrixRunOptions } from "./matrix.ts";
 * const options: MatrixRunOptions = { shard: { index: 0, count: 2 }, force: false };
 * ```
 */
export interface MatrixRunOptions {
  /** Recompute runs whose results exist. @default false */
  force?: boolean;
  /** Run only every `count`-th run starting at `index`. */
  shard?: { index: number; count: number };
  /** Progress lines (runs done/total, ETA). @default console.error */
  progress?: (line: string) => void;
  /** Directory where git is asked for the commit. @default Deno.cwd() */
  gitCwd?: string;
}

/**
 * What {@linkcode runMatrix} did.
 *
 * @example
 * ```ts
 * import type { MatrixReport } from "./matrix.ts";
 * const line = (r: MatrixReport): string => `${r.ran.length}/${r.total} ran, ${r.skipped.length} skipped`;
 * ```
 */
export interface MatrixReport {
  /** Runs of this shard. */
  total: number;
  /** Runs computed now. */
  ran: RunKey[];
  /** Runs skipped because their results existed. */
  skipped: RunKey[];
  /** Path of the merged `results_all.csv`. */
  resultsAll: string;
  /** Rows of the merged file. */
  rows: ResultRow[];
}

function fail(field: string, rule: string, value: unknown): never {
  throw new RangeError(
    `Cannot run matrix as ${field} must be ${rule}: current value is ${
      JSON.stringify(value)
    }`,
  );
}

/**
 * Checks a plan: non-empty, duplicate-free lists, valid seeds and sizes.
 *
 * @param plan The plan.
 * @returns The runs in order (profile, method, seed).
 * @throws {RangeError} Naming the field and value.
 *
 * @example
 * ```ts
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const zeros = (req: { batch: number }) =>
 *   Promise.resolve({ chunk: new Float32Array(req.batch * 4 * 2) });
 * const config = { kind: "fixed" as const, delay: 1 };
 * const plan = {
 *   root: "unused", level: "reach_around", task: REACH_AROUND,
 *   profiles: [{ name: "fixed_1", profile: resolveProfile(config), config }],
 *   methods: [{ name: "zeros", sampler: zeros }],
 *   seeds: [0, 1], rollouts: 2, horizon: 4, executeHorizon: 1, evaluator: "scan" as const,
 * };
 * import { planRuns } from "./matrix.ts";
 * assert.deepEqual(planRuns(plan).map((k) => k.seed), [0, 1]);
 * assert.throws(() => planRuns({ ...plan, seeds: [] }), RangeError);
 * ```
 */
export function planRuns(plan: MatrixPlan): RunKey[] {
  const names = (list: readonly { name: string }[], field: string) => {
    if (list.length === 0) fail(field, "a non-empty list", []);
    const seen = new Set<string>();
    for (const { name } of list) {
      if (seen.has(name)) fail(field, "free of duplicates", name);
      seen.add(name);
    }
  };
  names(plan.profiles, "profiles");
  names(plan.methods, "methods");
  for (const m of plan.methods) {
    for (const p of plan.profiles) profileOf(p, m); // scalable latency
  }
  if (plan.seeds.length === 0) fail("seeds", "a non-empty list", []);
  if (new Set(plan.seeds).size !== plan.seeds.length) {
    fail("seeds", "free of duplicates", plan.seeds);
  }
  for (const s of plan.seeds) {
    if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) {
      fail("seeds", "integers in [0, 2^32)", s);
    }
  }
  if (!Number.isInteger(plan.rollouts) || plan.rollouts < 1) {
    fail("rollouts", "a positive integer", plan.rollouts);
  }
  if (
    !Number.isInteger(plan.executeHorizon) || plan.executeHorizon < 1 ||
    plan.executeHorizon > plan.horizon
  ) {
    fail(
      "executeHorizon",
      `an integer in [1, ${plan.horizon}]`,
      plan.executeHorizon,
    );
  }
  const runs: RunKey[] = [];
  for (const p of plan.profiles) {
    for (const m of plan.methods) {
      for (const seed of plan.seeds) {
        const key = { profile: p.name, method: m.name, seed };
        runDirectory(plan.root, key); // validates folder names
        runs.push(key);
      }
    }
  }
  return runs;
}

/**
 * Parses a shard spec `i/n` (0 ≤ i < n).
 *
 * @param text The spec.
 * @returns `{ index, count }`.
 * @throws {RangeError} If it is not of the form `i/n` with 0 ≤ i < n.
 *
 * @example
 * ```ts
 * import { parseShard } from "./matrix.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseShard("1/4"), { index: 1, count: 4 });
 * assert.throws(() => parseShard("4/4"), RangeError);
 * ```
 */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) {
    throw new RangeError(
      `Cannot parse --shard as it must be i/n with 0 <= i < n: current value is "${text}"`,
    );
  }
  return { index, count };
}

function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, "0")}m`
    : m > 0
    ? `${m}m${String(r).padStart(2, "0")}s`
    : `${r}s`;
}

/**
 * Evaluates one run of the plan (no files).
 *
 * @param plan The plan.
 * @param key Profile, method, seed.
 * @returns The evaluation result.
 *
 * @example
 * ```ts
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const zeros = (req: { batch: number }) =>
 *   Promise.resolve({ chunk: new Float32Array(req.batch * 4 * 2) });
 * const config = { kind: "fixed" as const, delay: 1 };
 * const plan = {
 *   root: "unused", level: "reach_around", task: REACH_AROUND,
 *   profiles: [{ name: "fixed_1", profile: resolveProfile(config), config }],
 *   methods: [{ name: "zeros", sampler: zeros }],
 *   seeds: [0, 1], rollouts: 2, horizon: 4, executeHorizon: 1, evaluator: "scan" as const,
 * };
 * import { evaluateRun } from "./matrix.ts";
 * const result = await evaluateRun(plan, { profile: "fixed_1", method: "zeros", seed: 0 });
 * assert.equal(result.metrics.d_p50, 1);
 * ```
 */
export async function evaluateRun(
  plan: MatrixPlan,
  key: RunKey,
): Promise<EvalResult> {
  return (await evaluateRunWithEngine(plan, key)).result;
}

/** The delay source of a run: the profile, latency-scaled for a cost-coupled method. */
function profileOf(p: MatrixProfile, m: MatrixMethod): DelaySource {
  const scale = m.latencyCost?.scale ?? 1;
  if (scale === 1) return p.profile;
  if (p.config === undefined) {
    fail(
      `profiles (${p.name}).config`,
      "a profile config to scale the latency of method " + m.name,
      undefined,
    );
  }
  return scaleProfile(p.config as ProfileConfig, scale);
}

async function evaluateRunWithEngine(
  plan: MatrixPlan,
  key: RunKey,
): Promise<{ result: EvalResult; engine: string }> {
  const fused = plan.fused?.run(key);
  if (fused) return { result: await fused, engine: plan.fused!.name };
  const p = plan.profiles.find((x) => x.name === key.profile)!;
  const m = plan.methods.find((x) => x.name === key.method)!;
  const profile = profileOf(p, m);
  const stepper = plan.makeStepper
    ? await plan.makeStepper(key.seed)
    : undefined;
  const common = {
    sampler: m.sampler,
    initialSampler: m.initialSampler,
    profile,
    seed: key.seed,
    numEnvs: plan.rollouts,
    horizon: plan.horizon,
    stepper,
    temporalEnsemble: m.temporalEnsemble,
  };
  const result = plan.evaluator === "async"
    ? await evaluateAsync(plan.task, {
      ...common,
      sMin: plan.executeHorizon,
      forecaster: plan.forecaster,
      starve: plan.starve,
    })
    : await evaluateScan(plan.task, {
      ...common,
      executeHorizon: plan.executeHorizon,
      delayMode: plan.delayMode,
    });
  return {
    result,
    engine: plan.makeStepper
      ? "cpu-orchestrated, custom stepper"
      : "cpu-orchestrated",
  };
}

/**
 * Runs (this shard of) the matrix, skipping finished runs, then merges all
 * finished runs into `results_all.csv`.
 *
 * @param plan What to run.
 * @param options Force, shard, progress sink.
 * @returns What ran, what was skipped, and the merged rows.
 * @throws {RangeError} If the plan is invalid (before anything is written).
 *
 * @example
 * ```ts
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const zeros = (req: { batch: number }) =>
 *   Promise.resolve({ chunk: new Float32Array(req.batch * 4 * 2) });
 * const config = { kind: "fixed" as const, delay: 1 };
 * const plan = {
 *   root: await Deno.makeTempDir(), level: "reach_around", task: REACH_AROUND,
 *   profiles: [{ name: "fixed_1", profile: resolveProfile(config), config }],
 *   methods: [{ name: "zeros", sampler: zeros }],
 *   seeds: [0, 1], rollouts: 2, horizon: 4, executeHorizon: 1, evaluator: "scan" as const,
 * };
 * import { runMatrix } from "./matrix.ts";
 * const report = await runMatrix(plan, { progress: () => {} });
 * assert.equal(report.ran.length, 2);
 * const again = await runMatrix(plan, { progress: () => {} }); // finished runs are skipped
 * assert.equal(again.skipped.length, 2);
 * await Deno.remove(plan.root, { recursive: true });
 * ```
 */
export async function runMatrix(
  plan: MatrixPlan,
  options: MatrixRunOptions = {},
): Promise<MatrixReport> {
  const all = planRuns(plan);
  const shard = options.shard ?? { index: 0, count: 1 };
  const runs = all.filter((_, i) => i % shard.count === shard.index);
  const progress = options.progress ?? ((l: string) => console.error(l));
  const ran: RunKey[] = [];
  const skipped: RunKey[] = [];
  let spent = 0;
  for (const [i, key] of runs.entries()) {
    const label = `${key.profile}/${key.method}/seed_${key.seed}`;
    const dir = runDirectory(plan.root, key);
    if (!options.force && await isRunComplete(plan.root, key)) {
      skipped.push(key);
      progress(
        `[${i + 1}/${runs.length}] ${label}: skipped (results.csv exists)`,
      );
      continue;
    }
    const t0 = performance.now();
    // EVALUATE
    const { result, engine } = await evaluateRunWithEngine(plan, key);
    const wall = (performance.now() - t0) / 1000;
    const row = resultRow(result.metrics, {
      profile: key.profile,
      method: key.method,
      seed: key.seed,
      level: plan.level,
      executeHorizon: plan.executeHorizon,
      evaluator: plan.evaluator,
      rollouts: plan.rollouts,
      horizon: plan.horizon,
    });
    // WRITE config.json AND rollouts.csv, THEN results.csv (ITS PRESENCE MARKS THE RUN DONE)
    const p = plan.profiles.find((x) => x.name === key.profile)!;
    const m = plan.methods.find((x) => x.name === key.method)!;
    const config = {
      run: key,
      task: plan.level,
      evaluator: plan.evaluator,
      rollouts: plan.rollouts,
      actionChunkSize: plan.horizon,
      ...(plan.evaluator === "async"
        ? {
          sMin: plan.executeHorizon,
          forecaster: typeof plan.forecaster === "function"
            ? "custom"
            : "oracle",
          starve: plan.starve ?? "hold",
        }
        : {
          executeHorizon: plan.executeHorizon,
          delayMode: plan.delayMode ?? "shared",
        }),
      profile: p.config ?? null,
      method: m.config ?? null,
      latency_scale: m.latencyCost?.scale ?? 1,
      latency_cost: m.latencyCost ?? "none",
      ...plan.config,
    };
    const prov = await provenance(config, {
      adapter: plan.adapter,
      cwd: options.gitCwd,
    });
    await writeJsonAtomic(join(dir, CONFIG_FILE), {
      ...prov,
      engine,
      timing: {
        wallSeconds: wall,
        samplerCalls: result.samplerCalls,
        samplerSeconds: Number.isFinite(result.samplerSeconds)
          ? result.samplerSeconds
          : null,
        msPerSamplerCall:
          result.samplerCalls > 0 && Number.isFinite(result.samplerSeconds)
            ? (1000 * result.samplerSeconds) / result.samplerCalls
            : null,
      },
    });
    await writeTextFileAtomic(
      join(dir, ROLLOUTS_FILE),
      formatRolloutsCsv(result.log),
    );
    for (
      const [file, text] of Object.entries(plan.runFiles?.(key, result) ?? {})
    ) {
      await writeTextFileAtomic(join(dir, file), text);
    }
    await writeTextFileAtomic(join(dir, RESULTS_FILE), formatResultsCsv([row]));
    ran.push(key);
    spent += wall;
    const left = runs.length - i - 1;
    const eta = (spent / ran.length) * left;
    progress(
      `[${i + 1}/${runs.length}] ${label}: solved ${
        row.returned_episode_solved!.toFixed(3)
      }, p_starve ${row.p_starve!.toFixed(3)} (${fmtDuration(wall)}) ETA ${
        fmtDuration(eta)
      }`,
    );
  }
  const merged = await mergeRuns(plan.root);
  return { total: runs.length, ran, skipped, ...merged };
}
