/**
 * The asynchronous evaluator (`async`, `docs/SEMANTICS.md` §7): RTC's Algorithm 1 run
 * per environment in simulated control steps.
 *
 * Per environment, a controller executes one action per control step; one
 * inference worker runs at a time. Let `t` count the steps executed since
 * the current chunk's index 0 (starved steps included, as `t` in Algorithm
 * 1). At every control step k, in this order:
 *
 * 1. LAND: an inference started at step k0 with true delay d lands when
 *    `k = k0 + d`: the new chunk replaces the old, `t ← t − s` (so `t = d`:
 *    the new chunk's first d positions were already covered by the old one),
 *    and the forecaster observes d.
 * 2. START: if the worker is idle and `t ≥ s_min`: `s = t`, the request gets
 *    the observation at step k, `prevChunk = A_cur[s:H]` (zero-padded), the
 *    forecast `d̂` clamped to `[0, max(0, H − s)]` (the frozen prefix is
 *    clamped to the actions still available), and `executeHorizon =
 *    min(s, H)`; the true delay `d = profile.sampleAt(deriveDelaySeed(seed),
 *    env, i)` (i = that environment's inference index, unclipped). A delay
 *    of 0 lands at once (step 1 again).
 * 3. EXECUTE: `A_cur[t]` if `t < H`, else the environment STARVES: it holds
 *    its last action (or emits zeros) and the step is counted; `t ← t + 1`.
 *
 * The initial chunk (initial sampler, call counter 0) is available at reset
 * with no delay, like the seed. Requests are batched: at a step where some
 * environments start an inference, one sampler call covers exactly those
 * rows (call counter = k + 1, `streams` = their environment indices, so an
 * environment's sampling noise does not depend on which others start). Environments auto-reset on done and keep their chunk
 * stream, as upstream. `p_violate` uses `H − s_min`; `p_starve` is the
 * faithful stall measure.
 *
 * @module
 */
import { recordStep } from "../envs/episode_log.ts";
import { type CpuEvalOptions, firstChunk, startCpuEval } from "./cpu_eval.ts";
import { computeRunMetrics } from "./metrics.ts";
import type { DelayForecaster } from "./types.ts";
import {
  callSampler,
  checkInt,
  type EvalResult,
  type EvalTask,
} from "./common.ts";

/**
 * Options for {@linkcode evaluateAsync}.
 *
 * @example
 * ```ts
 * import type { AsyncOptions } from "./async.ts";
 * const describe = (o: AsyncOptions): string => `${o.numEnvs} rollouts, s_min = ${o.sMin ?? 1}`;
 * ```
 */
export interface AsyncOptions extends CpuEvalOptions {
  /** Minimum executed actions before the next inference starts (≥ 1). @default 1 */
  sMin?: number;
  /**
   * Delay forecaster per environment, or `"oracle"` (the true delay).
   * @default "oracle"
   */
  forecaster?: "oracle" | ((env: number) => DelayForecaster);
  /** What a starved environment executes. @default "hold" */
  starve?: "hold" | "zero";
  /** Control steps to simulate. @default task.spec.maxTimesteps */
  numSteps?: number;
  /**
   * Execute with ACT temporal ensembling (method `temporal_ensembling`): a
   * landed chunk joins the ensemble with its start step; the executed action
   * averages every chunk covering the step (weights `exp(−decay·i)`); no
   * covering chunk means starvation; reset on episode end.
   */
  temporalEnsemble?: { decay: number };
}

/**
 * Runs the asynchronous (Algorithm 1) evaluation.
 *
 * @param task The task (spec and CPU twin).
 * @param options Sampler, delay profile, forecaster, sizes.
 * @returns Metrics (with `p_starve`, `mean_s`, `n_inferences`), delays, log, timing.
 * @throws {RangeError} On invalid sizes or a wrong-sized chunk.
 *
 * @example
 * ```ts
 * import { createNet, initParams, paramLayout, resolveModelConfig } from "../policy/mod.ts";
 * import { getBackend } from "../gpu/backend.ts";
 * const config = resolveModelConfig({ channelDim: 8, channelHiddenDim: 16, tokenHiddenDim: 8, numLayers: 1, actionChunkSize: 4 });
 * const dims = { obsDim: 9, actionDim: 2 };
 * const params = initParams(paramLayout(config, dims), { seed: 0 });
 * const net = await createNet(await getBackend({ backend: "cpu" }), { config, ...dims, params });
 * import { evaluateAsync } from "./async.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveMethodConfig, sampleChunk } from "../rtc/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const method = resolveMethodConfig({ method: "naive" });
 * const result = await evaluateAsync(REACH_AROUND, {
 *   sampler: (req) => sampleChunk(net, req, method),
 *   profile: resolveProfile({ kind: "fixed", delay: 3 }),
 *   seed: 0, numEnvs: 2, horizon: 4, sMin: 1,
 * });
 * assert.ok(result.metrics.p_starve > 0); // a delay of 3 outlasts a chunk of 4 started after 1
 * ```
 */
export async function evaluateAsync(
  task: EvalTask,
  options: AsyncOptions,
): Promise<EvalResult> {
  const { spec } = task;
  const run = startCpuEval(task, options, {
    field: "sMin",
    value: options.sMin,
  });
  const T = checkInt(options.numSteps ?? spec.maxTimesteps, "numSteps", 1);
  const { numEnvs: N, horizon: H, actionDim: A, window: sMin, seed } = run;
  const { stepper, stats, log, ens, delaySeed } = run;
  const CH = H * A;
  const hold = (options.starve ?? "hold") === "hold";
  const sampler = options.sampler;
  const fc = options.forecaster ?? "oracle";
  const forecasters = fc === "oracle"
    ? null
    : Array.from({ length: N }, (_, e) => fc(e));

  // PER-ENVIRONMENT CONTROLLER STATE
  const t = new Int32Array(N); // steps executed since the chunk's index 0
  const busy = new Uint8Array(N); // an inference is in flight
  const landAt = new Int32Array(N); // control step at which it lands
  const flightS = new Int32Array(N); // its s
  const flightD = new Int32Array(N); // its true delay
  const flightChunk = new Float32Array(N * CH);
  const nInf = new Int32Array(N); // inferences started (initial chunk excluded)
  const delays: number[] = [];
  let sumS = 0;
  let starvedSteps = 0;
  const last = new Float32Array(N * A);
  const actions = new Float32Array(N * A);
  const starved = new Uint8Array(N);
  const O = spec.obsDim;
  const reqObs = new Float32Array(N * O);
  const reqPrev = new Float32Array(N * CH);
  const reqDelay = new Int32Array(N);
  const reqS = new Int32Array(N);

  // FIRST CHUNK AT THE RESET OBSERVATION
  let { obs, chunk } = await firstChunk(run, options);
  const flightStart = new Int32Array(N);

  const land = (e: number) => {
    chunk.set(flightChunk.subarray(e * CH, (e + 1) * CH), e * CH);
    ens?.add(e, flightChunk.subarray(e * CH, (e + 1) * CH), flightStart[e]!);
    t[e] = t[e]! - flightS[e]!;
    if (forecasters) forecasters[e]!.observe(flightD[e]!);
    busy[e] = 0;
  };

  for (let k = 0; k < T; k++) {
    // LAND INFERENCES DUE NOW
    for (let e = 0; e < N; e++) {
      if (busy[e] && landAt[e] === k) land(e);
    }
    // START INFERENCES (ONE BATCHED CALL FOR THE STARTING ENVIRONMENTS)
    const rows: number[] = [];
    for (let e = 0; e < N; e++) {
      if (busy[e] || t[e]! < sMin) continue;
      const s = Math.min(t[e]!, H);
      const r = rows.length;
      rows.push(e);
      const base = e * CH;
      reqObs.set(obs.subarray(e * O, (e + 1) * O), r * O);
      reqPrev.fill(0, r * CH, (r + 1) * CH);
      reqPrev.set(chunk.subarray(base + s * A, base + CH), r * CH);
      reqS[r] = s;
      const d = Math.max(
        0,
        Math.trunc(options.profile.sampleAt(delaySeed, e, nInf[e]!)),
      );
      nInf[e] = nInf[e]! + 1;
      delays.push(d);
      sumS += t[e]!;
      const dHat = forecasters ? forecasters[e]!.predict(d) : d;
      reqDelay[r] = Math.min(Math.max(Math.trunc(dHat), 0), H - s);
      flightS[e] = t[e]!;
      flightStart[e] = k;
      flightD[e] = d;
      landAt[e] = k + d;
      busy[e] = 1;
    }
    if (rows.length > 0) {
      const B = rows.length;
      const next = await callSampler(sampler, {
        request: {
          batch: B,
          obs: reqObs.slice(0, B * O),
          prevChunk: reqPrev.slice(0, B * CH),
          delay: reqDelay.slice(0, B),
          executeHorizon: reqS.slice(0, B),
          seed,
          counter: k + 1,
          streams: Uint32Array.from(rows),
        },
        rowLength: CH,
        stats,
      });
      for (let r = 0; r < B; r++) {
        const e = rows[r]!;
        flightChunk.set(next.subarray(r * CH, (r + 1) * CH), e * CH);
        if (flightD[e] === 0) land(e);
      }
    }
    // EXECUTE ONE ACTION (OR STARVE)
    for (let e = 0; e < N; e++) {
      const i = t[e]!;
      if (ens) {
        const a = actions.subarray(e * A, (e + 1) * A);
        starved[e] = ens.actionAt(e, k, a) === 0 ? 1 : 0;
        if (starved[e]) {
          if (hold) a.set(last.subarray(e * A, (e + 1) * A));
          else a.fill(0);
          starvedSteps++;
        }
      } else if (i < H) {
        actions.set(
          chunk.subarray(e * CH + i * A, e * CH + (i + 1) * A),
          e * A,
        );
        starved[e] = 0;
      } else {
        if (hold) actions.set(last.subarray(e * A, (e + 1) * A), e * A);
        else actions.fill(0, e * A, (e + 1) * A);
        starved[e] = 1;
        starvedSteps++;
      }
      t[e] = i + 1;
    }
    last.set(actions);
    const outcome = await stepper.step(actions);
    if (ens) {
      for (let e = 0; e < N; e++) if (outcome.done[e]) ens.reset(e);
    }
    recordStep(log, { actions, outcome });
    obs = outcome.obs;
    options.onStep?.({ step: k, actions, starved, stepper });
  }

  let started = 0;
  for (let e = 0; e < N; e++) started += nInf[e]!;
  const metrics = computeRunMetrics(log, {
    delays: Int32Array.from(delays),
    horizon: H,
    executeHorizon: sMin,
    starvedSteps,
    totalSteps: T * N,
    meanS: started > 0 ? sumS / started : NaN,
    inferences: started + N,
  });
  return {
    metrics,
    delays: Int32Array.from(delays),
    log,
    samplerCalls: stats.calls,
    samplerSeconds: stats.seconds,
    steps: T,
  };
}
