/**
 * tail_v2: does tail control help? For one task, every profile × arm
 * (each control of the spec, and the low-latency reference) × method runs
 * the `async` evaluator (RTC Algorithm 1, delays drawn per environment) on
 * ONE seed, so every arm shares the rollouts' initial states, action noise
 * and flow-noise coordinates (common random numbers); the delays of an arm
 * come from the same uniforms as control `none`'s (`tail_cap` and
 * `drop_spike` keep every draw at or below their threshold and change the
 * rest; `hedge` takes the minimum of its copy 0, which is `none`'s draw,
 * and k − 1 further copies; `drop_spike` replaces a spike with a re-draw
 * from further uniforms). Rollouts are the units of the paired comparisons
 * (`tail_v2_table.ts`): each environment draws its own delays, so rollouts
 * are independent.
 *
 * With cost-coupled latency (a method's `latencyCost`) a method's delays
 * are its arm's draws scaled by its compute cost relative to naive.
 *
 * The main forecaster runs the whole matrix; a comparison forecaster runs a
 * subset (some profiles, the methods that read the forecast).
 *
 * Layout under `out` (one task): `<forecaster>/<profile>.<arm>/<method>/seed_<n>/`
 * run folders (`runMatrix`: config.json, rollouts.csv, results.csv, plus
 * delays.csv, the histogram `delay,count` of every delay the run drew),
 * with `<forecaster>` the forecaster's name with `:` written `_`.
 *
 * @module
 */
import { join } from "node:path";
import type { Task } from "../envs/types.ts";
import { formatCsv } from "../io/csv.ts";
import { resolveForecaster } from "../latency/forecast.ts";
import type { ForecasterConfig } from "../latency/forecast.ts";
import { resolveProfile } from "../latency/resolve.ts";
import type { PolicyNet } from "../policy/net.ts";
import type { MethodName } from "../rtc/method_config.ts";
import type { EvalResult } from "../eval/common.ts";
import { fusedEngine } from "./fused_engine.ts";
import {
  type MatrixMethod,
  type MatrixPlan,
  type MatrixProfile,
  runMatrix,
} from "./matrix.ts";
import { armProfile, REFERENCE_ARM, type TailV2Spec } from "./tail_v2_spec.ts";

/**
 * One method of tail_v2: a matrix method (with its `latencyCost` when
 * cost-coupled) plus its checkpoint and, for the GPU-fused engine, its
 * WebGPU net.
 *
 * @example
 * ```ts
 * import type { TailV2Method } from "./tail_v2.ts";
 * const label = (m: TailV2Method): string => `${m.name} (${m.checkpoint})`;
 * ```
 */
export interface TailV2Method extends MatrixMethod {
  /** Path of the checkpoint its samplers use (recorded in config.json). */
  checkpoint: string;
  /** Its WebGPU net: runs GPU-fused where the method allows. */
  net?: PolicyNet;
}

/**
 * Options for {@linkcode runTailV2}.
 *
 * @example
 * ```ts
 * import type { TailV2Options } from "./tail_v2.ts";
 * const runs = (o: TailV2Options): number => o.methods.length * (o.arms?.length ?? 5);
 * ```
 */
export interface TailV2Options {
  /** Profiles, references and controls. */
  spec: TailV2Spec;
  /** Profiles to run. @default every profile of the spec */
  profiles?: readonly string[];
  /** Arms: control names and `reference`. @default every control, then `reference` */
  arms?: readonly string[];
  /** Methods (each with its own sampler, checkpoint, latency cost). */
  methods: readonly TailV2Method[];
  /** Chunk length H. */
  horizon: number;
  /** s_min of Algorithm 1. @default 1 */
  sMin?: number;
  /** The main forecaster. @default buffer_max:10 */
  forecaster?: ForecasterConfig;
  /** A second forecaster on a subset of the matrix, or none. */
  compare?: {
    forecaster: ForecasterConfig;
    profiles: readonly string[];
    methods: readonly string[];
  };
  /** The seed of every run (common random numbers). @default 0 */
  seed?: number;
  /** Rollouts per run. */
  rollouts: number;
  /** Output folder of this task. */
  out: string;
  /** Recompute finished runs. @default false */
  force?: boolean;
  /** Progress sink. @default console.error */
  progress?: (line: string) => void;
  /** Extra config for every config.json. */
  config?: Record<string, unknown>;
  /** Adapter name. */
  adapter?: string;
}

/**
 * The name of a forecaster config: `oracle`, `buffer_max:<b>` or
 * `quantile:<q>:<window>` (with `:<initial>` when set).
 *
 * @param config The forecaster config.
 * @returns Its name.
 *
 * @example
 * ```ts
 * import { forecasterName } from "./tail_v2.ts";
 * import assert from "node:assert/strict";
 * assert.equal(forecasterName({ kind: "quantile", q: 0.9, window: 20 }), "quantile:0.9:20");
 * assert.equal(forecasterName({ kind: "buffer_max", size: 10 }), "buffer_max:10");
 * ```
 */
export function forecasterName(config: ForecasterConfig): string {
  const init = "initial" in config && config.initial !== undefined
    ? `:${config.initial}`
    : "";
  switch (config.kind) {
    case "oracle":
      return "oracle";
    case "buffer_max":
      return `buffer_max:${config.size}${init}`;
    case "quantile":
      return `quantile:${config.q}:${config.window}${init}`;
  }
}

/**
 * Formats the delays a run drew as `delays.csv`: `delay,count`, one row per
 * distinct delay in increasing order.
 *
 * @param delays The run's delays (control steps).
 * @returns CSV text.
 *
 * @example
 * ```ts
 * import { formatDelaysCsv } from "./tail_v2.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatDelaysCsv(Int32Array.of(2, 1, 2)), "delay,count\r\n1,1\r\n2,2\r\n");
 * ```
 */
export function formatDelaysCsv(delays: ArrayLike<number>): string {
  const counts = new Map<number, number>();
  for (let i = 0; i < delays.length; i++) {
    counts.set(delays[i]!, (counts.get(delays[i]!) ?? 0) + 1);
  }
  const rows = [...counts.entries()].sort((a, b) => a[0] - b[0]).map((
    [delay, count],
  ) => ({ delay, count }));
  return formatCsv(rows, {
    columns: ["delay", "count"],
    integerColumns: ["delay", "count"],
  });
}

function armsOf(options: TailV2Options): string[] {
  return [
    ...(options.arms ?? [...Object.keys(options.spec.controls), REFERENCE_ARM]),
  ];
}

/** The matrix profiles of a set of profiles × arms (arms a profile lacks are left out). */
function matrixProfiles(
  spec: TailV2Spec,
  profiles: readonly string[],
  arms: readonly string[],
): MatrixProfile[] {
  const out: MatrixProfile[] = [];
  for (const profile of profiles) {
    for (const arm of arms) {
      if (arm === REFERENCE_ARM && !spec.references[profile]) continue;
      const config = armProfile(spec, { profile, arm });
      out.push({
        name: `${profile}.${arm}`,
        profile: resolveProfile(config),
        config,
      });
    }
  }
  return out;
}

/**
 * Runs tail_v2 for one task (resumable: finished runs are skipped unless
 * `force`).
 *
 * @param task The task.
 * @param options Spec, methods, forecasters, sizes, output.
 * @returns The matrix roots written, one per forecaster.
 * @throws {RangeError} If the arms lack `none`, or a profile, arm or
 *   method is unknown (before anything is written).
 *
 * @example
 * ```ts
 * import { runTailV2 } from "./tail_v2.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import assert from "node:assert/strict";
 * const out = await Deno.makeTempDir();
 * const zeros = (req: { batch: number }) => Promise.resolve({ chunk: new Float32Array(req.batch * 8) });
 * const spec = {
 *   profiles: { p: { kind: "fixed" as const, delay: 3 } },
 *   references: { p: { kind: "fixed" as const, delay: 1 } },
 *   controls: { none: [], tail_cap: [{ kind: "tail_cap" as const, cap: 2 }] },
 * };
 * const r = await runTailV2(REACH_AROUND, {
 *   spec, methods: [{ name: "naive", sampler: zeros, checkpoint: "none" }],
 *   horizon: 4, rollouts: 2, out, progress: () => {},
 * });
 * assert.deepEqual(r.roots, [`${out}/buffer_max_10`]);
 * assert.ok(await Deno.stat(`${out}/buffer_max_10/p.reference/naive/seed_0/delays.csv`));
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function runTailV2(
  task: Task,
  options: TailV2Options,
): Promise<{ roots: string[] }> {
  const spec = options.spec;
  const arms = armsOf(options);
  if (!arms.includes("none")) {
    throw new RangeError(
      `Cannot run tail_v2 as the arms must include none (the uncontrolled arm every other is paired with): current value is "${
        arms.join(",")
      }"`,
    );
  }
  const profiles = [...(options.profiles ?? Object.keys(spec.profiles))];
  const main = options.forecaster ?? { kind: "buffer_max", size: 10 };
  const passes = [{
    forecaster: main,
    profiles,
    methods: options.methods,
  }];
  if (options.compare) {
    const names = new Set(options.compare.methods);
    passes.push({
      forecaster: options.compare.forecaster,
      profiles: [...options.compare.profiles],
      methods: options.methods.filter((m) => names.has(m.name)),
    });
    for (const m of names) {
      if (!options.methods.some((x) => x.name === m)) {
        throw new RangeError(
          `Cannot run tail_v2 as every compared method must be a method of the run: current value is "${m}"`,
        );
      }
    }
  }
  // PLAN EVERY PASS FIRST (INVALID INPUT FAILS BEFORE ANY RUN)
  const plans = passes.filter((p) => p.methods.length > 0).map((pass) => {
    const name = forecasterName(pass.forecaster);
    const root = join(options.out, name.replaceAll(":", "_"));
    const mprofiles = matrixProfiles(spec, pass.profiles, arms);
    const fc = pass.forecaster;
    const plan: MatrixPlan = {
      root,
      level: task.spec.name,
      task,
      profiles: mprofiles,
      methods: pass.methods,
      seeds: [options.seed ?? 0],
      rollouts: options.rollouts,
      horizon: options.horizon,
      executeHorizon: options.sMin ?? 1,
      evaluator: "async",
      forecaster: fc.kind === "oracle" ? "oracle" : () => resolveForecaster(fc),
      fused: fusedDispatch(task, options, mprofiles, fc),
      config: {
        ...options.config,
        forecaster: fc,
        checkpoints: Object.fromEntries(
          pass.methods.map((m) => [m.name, m.checkpoint]),
        ),
      },
      runFiles: (_key, result: EvalResult) => ({
        "delays.csv": formatDelaysCsv(result.delays),
      }),
      adapter: options.adapter,
    };
    return { name, plan };
  });
  const progress = options.progress ?? ((l: string) => console.error(l));
  for (const { name, plan } of plans) {
    await runMatrix(plan, {
      force: options.force,
      progress: (l) => progress(`${task.spec.name} ${name} ${l}`),
    });
  }
  return { roots: plans.map((p) => p.plan.root) };
}

/** Runs a run GPU-fused for the methods whose own net is a WebGPU net. */
function fusedDispatch(
  task: Task,
  options: TailV2Options,
  profiles: readonly MatrixProfile[],
  forecaster: ForecasterConfig,
): MatrixPlan["fused"] {
  const engines = new Map<string, NonNullable<MatrixPlan["fused"]>>();
  for (const m of options.methods) {
    if (m.net?.backend !== "webgpu") continue;
    engines.set(
      m.name,
      fusedEngine(task, {
        net: m.net,
        profiles: profiles.map((p) => ({
          name: p.name,
          profile: resolveProfile(
            p.config as Parameters<typeof resolveProfile>[0],
          ),
        })),
        rollouts: options.rollouts,
        evaluator: "async",
        executeHorizon: options.sMin ?? 1,
        forecaster,
        latencyScale: { [m.name]: m.latencyCost?.scale ?? 1 },
      }),
    );
  }
  if (engines.size === 0) return undefined;
  return {
    name: "webgpu-fused",
    run: (key) => engines.get(key.method as MethodName)?.run(key),
  };
}
