/**
 * The delay sweep, the upstream paper's fixed-delay
 * experiment: for d = 0..4 and every execute horizon s from max(1, d) to
 * H − d, every method is evaluated with the `scan` evaluator and a fixed
 * delay d. Each s is a resumable matrix under `<out>/s_<s>/` (profiles
 * `fixed_<d>`); the points are merged into `<out>/sweep.csv` and drawn as
 * `<out>/sweep.svg` (solve rate vs delay per method, one panel per s).
 *
 * @module
 */
import { join } from "node:path";
import type { Task } from "../envs/types.ts";
import { writeTextFileAtomic } from "../io/atomic.ts";
import { resolveProfile } from "../latency/mod.ts";
import { sweepFigure } from "../plot/figures.ts";
import type { PolicyNet } from "../policy/net.ts";
import type { MethodName } from "../rtc/method_config.ts";
import { runMatrix } from "./matrix.ts";
import { fusedEngine } from "./fused_engine.ts";
import { formatResultsCsv, type ResultRow } from "./results.ts";
import { matrixMethod } from "./matrix_method.ts";
import type { ChunkSampler } from "../eval/types.ts";

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
 * ```ts
 * import { runSweep } from "./sweep.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import assert from "node:assert/strict";
 * const out = await Deno.makeTempDir();
 * const zeros = () => (req: { batch: number }) => Promise.resolve({ chunk: new Float32Array(req.batch * 8) });
 * const rows = await runSweep(REACH_AROUND, {
 *   samplerFor: zeros, horizon: 4, delays: [0, 1], methods: ["naive"], rollouts: 2, out, progress: () => {},
 * });
 * assert.equal(rows.length, 7); // (d, s) = (0, 1..4) and (1, 1..3), one seed
 * await Deno.remove(out, { recursive: true });
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
