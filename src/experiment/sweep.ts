/**
 * The delay sweep, the RTC paper's fixed-delay experiment: for each delay
 * d (default 0..4) with execute horizon s = max(d, 1), every method runs
 * the `scan` evaluator with a fixed delay d, and the scripted expert gives
 * the two bounds (delay-blind and prefix-aware, `bounds.ts`).
 *
 * Common random numbers: every method at a point runs the same seed, so
 * rollout r of every method starts from the same state with the same action
 * noise, flow noise and delays; `sweep.csv` reports each method's
 * difference to naive paired by rollout (`sweep_table.ts`).
 *
 * Layout under `out` (one task): `d<d>_s<s>/fixed_<d>/<method>/seed_<n>/`
 * run folders (resumable matrices, `runMatrix`; a method with fewer
 * rollouts in `d<d>_s<s>_n<rollouts>/`), then `sweep.csv`, `bounds.csv` and
 * `sweep.svg`.
 *
 * @module
 */
import { join } from "node:path";
import type { Task } from "../envs/types.ts";
import { createCpuStepper } from "../envs/wrapper.ts";
import { evaluateScan } from "../eval/scan.ts";
import { writeTextFileAtomic } from "../io/atomic.ts";
import { ROLLOUTS_FILE, runDirectory } from "../io/run_folder.ts";
import { resolveProfile } from "../latency/mod.ts";
import { sweepFigure } from "../plot/sweep_figure.ts";
import type { PolicyNet } from "../policy/net.ts";
import type { MethodName } from "../rtc/method_config.ts";
import { expertChunkSampler } from "./bounds.ts";
import { fusedEngine } from "./fused_engine.ts";
import { type MatrixMethod, type MatrixPlan, runMatrix } from "./matrix.ts";
import { parseRolloutsCsv } from "./rollouts.ts";
import {
  type BoundsPoint,
  boundsPoint,
  formatBoundsCsv,
  formatSweepCsv,
  type SweepPoint,
  sweepPoints,
} from "./sweep_table.ts";

/**
 * One method of a sweep: a matrix method plus the checkpoint it samples
 * from (and, for the GPU-fused engine, its WebGPU net).
 *
 * @example
 * ```ts
 * import type { SweepMethod } from "./sweep.ts";
 * const label = (m: SweepMethod): string => `${m.name} (${m.checkpoint})`;
 * ```
 */
export interface SweepMethod extends MatrixMethod {
  /** Path of the checkpoint its samplers use (recorded in sweep.csv). */
  checkpoint: string;
  /** Its WebGPU net: the point runs GPU-fused when the method allows. */
  net?: PolicyNet;
  /**
   * Rollouts of this method when fewer than the sweep's (a costly method);
   * paired with naive's first rollouts. @default the sweep's rollouts
   */
  rollouts?: number;
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
  /** Methods; one must be named `naive` (the reference of the paired differences). */
  methods: readonly SweepMethod[];
  /** Chunk length H. */
  horizon: number;
  /** Delays d (each with s = max(d, 1) ≤ H − d). @default [0, 1, 2, 3, 4] */
  delays?: readonly number[];
  /** Seed of every point (common random numbers). @default 0 */
  seed?: number;
  /** Rollouts per point. */
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
  /** Also evaluate the expert bounds. @default true */
  bounds?: boolean;
}

/**
 * The execute horizon of a sweep point: s = max(d, 1).
 *
 * @param delay The delay d.
 * @returns s.
 *
 * @example
 * ```ts
 * import { sweepExecuteHorizon } from "./sweep.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([0, 1, 3].map(sweepExecuteHorizon), [1, 1, 3]);
 * ```
 */
export function sweepExecuteHorizon(delay: number): number {
  return Math.max(1, delay);
}

/**
 * Checks that every delay has an execute horizon: max(d, 1) ≤ H − d.
 *
 * @param delays The delays d.
 * @param horizon Chunk length H.
 * @throws {RangeError} Naming the first delay without one.
 *
 * @example
 * ```ts
 * import { checkSweepDelays } from "./sweep.ts";
 * import assert from "node:assert/strict";
 * checkSweepDelays([0, 1, 2, 3, 4], 8);
 * assert.throws(() => checkSweepDelays([5], 8), /current value is 5/);
 * ```
 */
export function checkSweepDelays(
  delays: readonly number[],
  horizon: number,
): void {
  const H = horizon;
  for (const d of delays) {
    if (!Number.isInteger(d) || d < 0 || sweepExecuteHorizon(d) > H - d) {
      throw new RangeError(
        `Cannot sweep as every delay d must be an integer with max(d, 1) <= H - d for H = ${H}: current value is ${d}`,
      );
    }
  }
}

function checkOptions(options: SweepOptions): number[] {
  const delays = [...(options.delays ?? [0, 1, 2, 3, 4])];
  checkSweepDelays(delays, options.horizon);
  if (!options.methods.some((m) => m.name === "naive")) {
    throw new RangeError(
      `Cannot sweep as the methods must include naive: current methods are ${
        options.methods.map((m) => m.name).join(",")
      }`,
    );
  }
  return delays;
}

/**
 * Runs the sweep of one task and writes `sweep.csv`, `bounds.csv` and
 * `sweep.svg` into `out`. Finished runs are skipped (unless `force`), so an
 * interrupted sweep resumes.
 *
 * @param task The task.
 * @param options Methods, delays, sizes, output.
 * @returns The sweep points and the bounds.
 * @throws {RangeError} On a delay without a valid s, or without naive.
 *
 * @example
 * ```ts
 * import { runSweep } from "./sweep.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import assert from "node:assert/strict";
 * const out = await Deno.makeTempDir();
 * const zeros = (req: { batch: number }) => Promise.resolve({ chunk: new Float32Array(req.batch * 8) });
 * const r = await runSweep(REACH_AROUND, {
 *   methods: [{ name: "naive", sampler: zeros, checkpoint: "none" }],
 *   horizon: 4, delays: [0, 1, 2], rollouts: 2, out, progress: () => {},
 * });
 * assert.deepEqual(r.points.map((p) => [p.delay, p.execute_horizon]), [[0, 1], [1, 1], [2, 2]]);
 * assert.equal(r.bounds.length, 3);
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function runSweep(
  task: Task,
  options: SweepOptions,
): Promise<{ points: SweepPoint[]; bounds: BoundsPoint[] }> {
  const delays = checkOptions(options);
  const name = task.spec.name;
  const seed = options.seed ?? 0;
  const progress = options.progress ?? ((l: string) => console.error(l));
  const points: SweepPoint[] = [];
  const bounds: BoundsPoint[] = [];
  for (const [i, d] of delays.entries()) {
    const s = sweepExecuteHorizon(d);
    const config = { kind: "fixed" as const, delay: d };
    const profiles = [{
      name: `fixed_${d}`,
      profile: resolveProfile(config),
      config,
    }];
    // EVALUATE EVERY METHOD ON THE SAME SEED (ONE MATRIX PER ROLLOUT COUNT)
    const groups = new Map<number, SweepMethod[]>();
    for (const m of options.methods) {
      const n = m.rollouts ?? options.rollouts;
      groups.set(n, [...(groups.get(n) ?? []), m]);
    }
    const rootOf = (n: number) =>
      join(
        options.out,
        n === options.rollouts ? `d${d}_s${s}` : `d${d}_s${s}_n${n}`,
      );
    for (const [n, methods] of groups) {
      const plan: MatrixPlan = {
        root: rootOf(n),
        level: name,
        task,
        profiles,
        methods,
        seeds: [seed],
        rollouts: n,
        horizon: options.horizon,
        executeHorizon: s,
        evaluator: "scan",
        fused: fusedDispatch(
          task,
          { ...options, methods, rollouts: n },
          profiles,
          s,
        ),
        config: options.config,
        adapter: options.adapter,
      };
      await runMatrix(plan, {
        force: options.force,
        progress: (l) =>
          progress(`${name} d=${d} (${i + 1}/${delays.length}) ${l}`),
      });
    }
    // PAIR EVERY METHOD WITH NAIVE, ROLLOUT BY ROLLOUT
    const outcomes = await Promise.all(options.methods.map(async (m) => {
      const file = join(
        runDirectory(rootOf(m.rollouts ?? options.rollouts), {
          profile: `fixed_${d}`,
          method: m.name,
          seed,
        }),
        ROLLOUTS_FILE,
      );
      return {
        method: m.name,
        checkpoint: m.checkpoint,
        outcomes: parseRolloutsCsv(await Deno.readTextFile(file), file),
      };
    }));
    points.push(
      ...sweepPoints({ task: name, delay: d, executeHorizon: s }, outcomes),
    );
    // EXPERT BOUNDS
    if (options.bounds ?? true) {
      const solved = async (bound: "stale" | "prefix") => {
        const stepper = createCpuStepper(task.cpu, {
          numEnvs: options.rollouts,
          seed,
        });
        const r = await evaluateScan(task, {
          sampler: expertChunkSampler(stepper, {
            horizon: options.horizon,
            bound,
          }),
          stepper,
          profile: profiles[0]!.profile,
          seed,
          numEnvs: options.rollouts,
          horizon: options.horizon,
          executeHorizon: s,
        });
        return r.log.firstSolved;
      };
      bounds.push(
        boundsPoint({ task: name, delay: d, executeHorizon: s }, {
          stale: await solved("stale"),
          prefix: await solved("prefix"),
        }),
      );
    }
  }
  await writeSweepTables(options.out, points, bounds);
  return { points, bounds };
}

/**
 * Writes a sweep's tables and figure into a folder (atomically):
 * `sweep.csv`, `bounds.csv` and `sweep.svg`.
 *
 * @param out The folder (a task's, or the root of several tasks).
 * @param points The sweep points.
 * @param bounds The expert bounds.
 * @returns The paths written.
 *
 * @example
 * ```ts ignore
 * await writeSweepTables("exp_runs/sweep", allPoints, allBounds);
 * ```
 */
export async function writeSweepTables(
  out: string,
  points: readonly SweepPoint[],
  bounds: readonly BoundsPoint[],
): Promise<string[]> {
  const files: [string, string][] = [
    ["sweep.csv", formatSweepCsv(points)],
    ["bounds.csv", formatBoundsCsv(bounds)],
    ["sweep.svg", sweepFigure(points, bounds)],
  ];
  for (const [name, text] of files) {
    await writeTextFileAtomic(join(out, name), text);
  }
  return files.map(([name]) => join(out, name));
}

/** Runs a point GPU-fused for the methods whose own net is a WebGPU net. */
function fusedDispatch(
  task: Task,
  options: SweepOptions,
  profiles: MatrixPlan["profiles"],
  s: number,
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
          profile: resolveProfile(p.config as { kind: "fixed"; delay: number }),
        })),
        rollouts: options.rollouts,
        evaluator: "scan",
        executeHorizon: s,
      }),
    );
  }
  if (engines.size === 0) return undefined;
  return {
    name: "webgpu-fused",
    run: (key) => engines.get(key.method as MethodName)?.run(key),
  };
}
