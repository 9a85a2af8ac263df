/**
 * The seed-compatible evaluator (`scan`, `docs/SEMANTICS.md` §6), a faithful port of the
 * seed's `eval_flow.eval`:
 *
 * 1. the first chunk comes from the initial sampler (the seed: `naive`) at
 *    the reset observation (call counter 0);
 * 2. then `ceil(maxTimesteps / s)` iterations, each: sample a delay `d`
 *    (one per iteration shared by the batch, as the seed, or one per
 *    environment), clipped to [0, H]; compute the next chunk from the current
 *    observation (call counter = iteration + 1); execute `s` actions, position
 *    `i` from the old chunk if `i < d`, else from the new one; drop the first
 *    `s` actions of the new chunk (zero padding) and continue.
 *
 * A delay longer than `s` never stalls anything here (the seed's flaw): the
 * robot keeps executing the old chunk's prefix. Use `evaluateAsync` for the
 * faithful asynchronous timing.
 *
 * Delays: `profile.sampleAt(deriveDelaySeed(seed), stream, iteration)` with
 * stream 0 (shared) or the environment index (per environment); the
 * metrics' `d_p*` and `p_violate` use the clipped values (what was executed;
 * identical to the raw draws whenever the profile's maximum is ≤ H, as for
 * the seed's profiles).
 *
 * @module
 */
import { recordStep } from "../envs/episode_log.ts";
import { type CpuEvalOptions, firstChunk, startCpuEval } from "./cpu_eval.ts";
import { computeRunMetrics } from "./metrics.ts";
import { callSampler, type EvalResult, type EvalTask } from "./common.ts";

/**
 * Options for {@linkcode evaluateScan}.
 *
 * @example
 * ```ts
 * import type { ScanOptions } from "./scan.ts";
 * const describe = (o: ScanOptions): string => `${o.numEnvs} rollouts, H = ${o.horizon}, s = ${o.executeHorizon ?? 1}`;
 * ```
 */
export interface ScanOptions extends CpuEvalOptions {
  /** Execute horizon s (1..H). @default 1 */
  executeHorizon?: number;
  /** One delay per iteration for the whole batch (seed) or per environment. @default "shared" */
  delayMode?: "shared" | "per_env";
  /**
   * Execute with ACT temporal ensembling (method `temporal_ensembling`):
   * the executed action averages every chunk covering the step (a new chunk
   * joins at position d), weights `exp(−decay·i)`; reset on episode end.
   */
  temporalEnsemble?: { decay: number };
}

/**
 * Runs the seed-compatible `scan` evaluation.
 *
 * @param task The task (spec and CPU twin).
 * @param options Sampler, delay profile, seed, sizes.
 * @returns Metrics, sampled delays, the episode log and timing.
 * @throws {RangeError} On invalid sizes or a sampler returning a wrong-sized chunk.
 *
 * @example
 * ```ts
 * import { createNet, initParams, paramLayout, resolveModelConfig } from "../policy/mod.ts";
 * import { getBackend } from "../gpu/backend.ts";
 * const config = resolveModelConfig({ channelDim: 8, channelHiddenDim: 16, tokenHiddenDim: 8, numLayers: 1, actionChunkSize: 4 });
 * const dims = { obsDim: 9, actionDim: 2 };
 * const params = initParams(paramLayout(config, dims), { seed: 0 });
 * const net = await createNet(await getBackend({ backend: "cpu" }), { config, ...dims, params });
 * import { evaluateScan } from "./scan.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveMethodConfig, sampleChunk } from "../rtc/mod.ts";
 * import { resolveProfile, SEED_PROFILES } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const method = resolveMethodConfig({ method: "naive" });
 * const result = await evaluateScan(REACH_AROUND, {
 *   sampler: (req) => sampleChunk(net, req, method),
 *   profile: resolveProfile(SEED_PROFILES.long_tail),
 *   seed: 0, numEnvs: 2, horizon: 4, executeHorizon: 1,
 * });
 * assert.ok(result.metrics.returned_episode_solved >= 0);
 * ```
 */
export async function evaluateScan(
  task: EvalTask,
  options: ScanOptions,
): Promise<EvalResult> {
  const { spec } = task;
  const run = startCpuEval(task, options, {
    field: "executeHorizon",
    value: options.executeHorizon,
  });
  const { numEnvs: N, horizon: H, actionDim: A, window: s, seed } = run;
  const { stepper, stats, log, ens, delaySeed } = run;
  const perEnv = (options.delayMode ?? "shared") === "per_env";
  const sampler = options.sampler;
  const iterations = Math.ceil(spec.maxTimesteps / s);
  const delays = new Int32Array(iterations * (perEnv ? N : 1));
  const dRow = new Int32Array(N);
  const sRow = new Int32Array(N).fill(s);
  const actions = new Float32Array(N * A);
  const starved = new Uint8Array(N);
  const chunkSize = H * A;
  const last = new Float32Array(N * A);
  let starvedSteps = 0;

  // FIRST CHUNK (naive in the seed) AT THE RESET OBSERVATION
  let { obs, chunk } = await firstChunk(run, options);
  let step = 0;
  for (let it = 0; it < iterations; it++) {
    const t0 = step;
    // SAMPLE DELAYS
    for (let e = 0; e < N; e++) {
      if (perEnv || e === 0) {
        const raw = options.profile.sampleAt(delaySeed, perEnv ? e : 0, it);
        dRow[e] = Math.min(Math.max(Math.trunc(raw), 0), H);
        delays[perEnv ? it * N + e : it] = dRow[e]!;
      } else {
        dRow[e] = dRow[0]!;
      }
    }
    // NEXT CHUNK FROM THE CURRENT OBSERVATION
    const next = await callSampler(sampler, {
      request: {
        batch: N,
        obs: obs.slice(),
        prevChunk: chunk.slice(),
        delay: dRow.slice(),
        executeHorizon: sRow.slice(),
        seed,
        counter: it + 1,
      },
      rowLength: chunkSize,
      stats,
    });
    // EXECUTE s ACTIONS: OLD IF i < d ELSE NEW
    for (let i = 0; i < s; i++) {
      for (let e = 0; e < N; e++) {
        const off = e * chunkSize + i * A;
        if (!ens) {
          const src = i < dRow[e]! ? chunk : next;
          actions.set(src.subarray(off, off + A), e * A);
          continue;
        }
        // TEMPORAL ENSEMBLING: THE NEW CHUNK JOINS AT POSITION d
        if (i === dRow[e]) {
          ens.add(e, next.subarray(e * chunkSize, (e + 1) * chunkSize), t0);
        }
        const a = actions.subarray(e * A, (e + 1) * A);
        starved[e] = ens.actionAt(e, step, a) === 0 ? 1 : 0;
        if (starved[e]) {
          a.set(last.subarray(e * A, (e + 1) * A));
          starvedSteps++;
        }
      }
      last.set(actions);
      const outcome = await stepper.step(actions);
      if (ens) {
        for (let e = 0; e < N; e++) if (outcome.done[e]) ens.reset(e);
      }
      recordStep(log, { actions, outcome });
      obs = outcome.obs;
      options.onStep?.({ step, actions, starved, stepper });
      step++;
    }
    if (ens) {
      for (let e = 0; e < N; e++) {
        if (dRow[e]! >= s) {
          ens.add(e, next.subarray(e * chunkSize, (e + 1) * chunkSize), t0);
        }
      }
    }
    // SHIFT: DROP THE FIRST s ACTIONS, PAD WITH ZEROS
    chunk = new Float32Array(N * chunkSize);
    for (let e = 0; e < N; e++) {
      const base = e * chunkSize;
      chunk.set(next.subarray(base + s * A, base + chunkSize), base);
    }
  }

  const metrics = computeRunMetrics(log, {
    delays,
    horizon: H,
    executeHorizon: s,
    starvedSteps,
    totalSteps: step * N,
    meanS: s,
    inferences: stats.calls * N,
  });
  return {
    metrics,
    delays,
    log,
    samplerCalls: stats.calls,
    samplerSeconds: stats.seconds,
    steps: step,
  };
}
