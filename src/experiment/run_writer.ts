/**
 * One run of a matrix: evaluate it ({@linkcode evaluateRun}) and write its
 * folder ({@linkcode computeRun}): `config.json` (resolved configuration,
 * provenance, fingerprint, timing), `rollouts.csv`, then `results.csv`,
 * whose presence marks the run finished.
 *
 * @module
 */
import { join } from "node:path";
import { writeJsonAtomic, writeTextFileAtomic } from "../io/atomic.ts";
import { provenance } from "../io/provenance.ts";
import {
  CONFIG_FILE,
  RESULTS_FILE,
  ROLLOUTS_FILE,
  runDirectory,
  type RunKey,
} from "../io/run_folder.ts";
import { evaluateAsync } from "../eval/async.ts";
import type { EvalResult } from "../eval/common.ts";
import { evaluateScan } from "../eval/scan.ts";
import { canonicalJson, type RunFingerprint } from "./fingerprint.ts";
import { type MatrixPlan, profileOf, scanDelayClip } from "./matrix_plan.ts";
import { formatResultsCsv, type ResultRow, resultRow } from "./results.ts";
import { formatRolloutsCsv } from "./rollouts.ts";

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
 * import { evaluateRun } from "./run_writer.ts";
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
 * Options for {@linkcode computeRun}.
 *
 * @example
 * ```ts
 * import type { ComputeRunOptions } from "./run_writer.ts";
 * const options: ComputeRunOptions = { key: { profile: "p", method: "m", seed: 0 }, fingerprint: {} };
 * ```
 */
export interface ComputeRunOptions {
  /** Profile, method, seed. */
  key: RunKey;
  /** The run's fingerprint, recorded in `config.json`. */
  fingerprint: RunFingerprint;
  /** Directory where git is asked for the commit. @default Deno.cwd() */
  gitCwd?: string;
}

/**
 * Evaluates one run and writes its folder: `config.json`, `rollouts.csv`,
 * then `results.csv` (each atomically; the last marks the run finished).
 *
 * @param plan The plan.
 * @param options The run, the fingerprint to record and the git directory.
 * @returns The result row and the wall time in seconds.
 *
 * @example
 * ```ts
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * import { computeRun } from "./run_writer.ts";
 * const zeros = (req: { batch: number }) =>
 *   Promise.resolve({ chunk: new Float32Array(req.batch * 4 * 2) });
 * const config = { kind: "fixed" as const, delay: 1 };
 * const plan = {
 *   root: await Deno.makeTempDir(), level: "reach_around", task: REACH_AROUND,
 *   profiles: [{ name: "fixed_1", profile: resolveProfile(config), config }],
 *   methods: [{ name: "zeros", sampler: zeros }],
 *   seeds: [0], rollouts: 2, horizon: 4, executeHorizon: 1, evaluator: "scan" as const,
 * };
 * const { row } = await computeRun(plan, { key: { profile: "fixed_1", method: "zeros", seed: 0 }, fingerprint: {} });
 * assert.equal(row.d_p50, 1);
 * await Deno.remove(plan.root, { recursive: true });
 * ```
 */
export async function computeRun(
  plan: MatrixPlan,
  options: ComputeRunOptions,
): Promise<{ row: ResultRow; wall: number }> {
  const { key } = options;
  const dir = runDirectory(plan.root, key);
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
        forecaster: typeof plan.forecaster === "function" ? "custom" : "oracle",
        starve: plan.starve ?? "hold",
      }
      : {
        executeHorizon: plan.executeHorizon,
        delayMode: plan.delayMode ?? "shared",
        delayClip: scanDelayClip(plan, key.profile, key.method),
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
    fingerprint: JSON.parse(canonicalJson(options.fingerprint)),
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
  return { row, wall };
}
