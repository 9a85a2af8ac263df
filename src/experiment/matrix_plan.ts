/**
 * The plan of a matrix run: named profiles and methods, seeds, sizes and
 * evaluator settings ({@linkcode MatrixPlan}), its runs in order
 * ({@linkcode planRuns}) and shard specs ({@linkcode parseShard}).
 *
 * @module
 */
import { runDirectory, type RunKey } from "../io/run_folder.ts";
import { maxDelay } from "../latency/max_delay.ts";
import { scaleProfile } from "../latency/scale.ts";
import type { ProfileConfig } from "../latency/types.ts";
import type { EvalResult, EvalTask } from "../eval/common.ts";
import type { EnvStepper } from "../envs/wrapper.ts";
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
 * import type { MatrixProfile } from "./matrix_plan.ts";
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
 * import type { MatrixMethod } from "./matrix_plan.ts";
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
 * import type { MatrixPlan } from "./matrix_plan.ts";
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
  /**
   * What else determines the results and is not in the fields above (e.g.
   * the checkpoint's content hash, the policy backend, the settings of a
   * custom forecaster or stepper), added to every run's fingerprint: a
   * finished run is reused only when its fingerprint matches.
   * @default {}
   */
  identity?: Record<string, unknown>;
  /** Adapter name for the provenance. @default "unknown" */
  adapter?: string;
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
 * import { planRuns } from "./matrix_plan.ts";
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
 * import { parseShard } from "./matrix_plan.ts";
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

/**
 * How the `scan` evaluator clips a profile's delays to the chunk length H:
 * a delay above H executes like H (SEMANTICS.md §6), so a profile that can
 * draw one is clipped, and the run's `config.json` records it as
 * `delayClip`. Undefined when nothing is clipped (an `async` plan, a
 * profile bounded by H, or a delay source whose bound is unknown).
 *
 * @param plan The plan.
 * @param profile The profile's name.
 * @returns `{ at: H, profileMax }` (`profileMax`: the largest delay the
 *   profile draws, or `"unbounded"`), or undefined.
 *
 * @example
 * ```ts
 * import { scanDelayClip } from "./matrix_plan.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const config = { kind: "fixed" as const, delay: 6 };
 * const plan = {
 *   root: "unused", level: "reach_around", task: REACH_AROUND,
 *   profiles: [{ name: "fixed_6", profile: resolveProfile(config), config }],
 *   methods: [{ name: "zeros", sampler: () => Promise.resolve({ chunk: new Float32Array(8) }) }],
 *   seeds: [0], rollouts: 2, horizon: 4, executeHorizon: 1, evaluator: "scan" as const,
 * };
 * assert.deepEqual(scanDelayClip(plan, "fixed_6"), { at: 4, profileMax: 6 });
 * assert.equal(scanDelayClip({ ...plan, evaluator: "async" }, "fixed_6"), undefined);
 * ```
 */
export function scanDelayClip(
  plan: MatrixPlan,
  profile: string,
  method?: string,
): { at: number; profileMax: number | "unbounded" } | undefined {
  if (plan.evaluator !== "scan") return undefined;
  const p = plan.profiles.find((x) => x.name === profile);
  const m = plan.methods.find((x) => x.name === method);
  const max = p ? maxDelay(m ? profileOf(p, m) : p.profile) : undefined;
  if (max === undefined || max <= plan.horizon) return undefined;
  return {
    at: plan.horizon,
    profileMax: Number.isFinite(max) ? max : "unbounded",
  };
}

/**
 * The delay source of a run: the profile, latency-scaled for a cost-coupled
 * method (`MatrixMethod.latencyCost`).
 *
 * @param p The profile.
 * @param m The method.
 * @returns The delay source the run draws from.
 * @throws {RangeError} If the method scales latency and the profile has no config.
 *
 * @example
 * ```ts
 * import { resolveProfile } from "../latency/mod.ts";
 * import { profileOf } from "./matrix_plan.ts";
 * import assert from "node:assert/strict";
 * const config = { kind: "fixed" as const, delay: 2 };
 * const p = { name: "fixed_2", profile: resolveProfile(config), config };
 * const m = { name: "slow", sampler: () => Promise.reject(), latencyCost: { scale: 1.5, model: "flops" } };
 * assert.equal(profileOf(p, m).sampleAt(0, 0, 0), 3);
 * ```
 */
export function profileOf(p: MatrixProfile, m: MatrixMethod): DelaySource {
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
