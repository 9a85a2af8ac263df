/**
 * WGSL of the GPU-fused `async` evaluator (`async_gpu.ts`): RTC Algorithm 1
 * per environment (one invocation each), the GPU twin of `async.ts` with the
 * CPU twin stepper: landing, starting inferences (delay draw, forecast,
 * frozen prefix), execution with starvation, stepping and the rollout log.
 *
 * Bindings: the standard ones of `fused_run.ts` (`ctrl` is `[N, ASYNC_CTRL
 * + W]` u32, see {@linkcode ASYNC_CTRL_FIELDS}, W = the forecaster's ring;
 * `prev` holds `A_cur[s:H]` of starting environments; `delays` `[N, T]`,
 * environment `e`'s i-th inference at `e·T + i`), then 9 `chunk` `[N, H,
 * A]` (the chunk being executed), 10 `flight` `[N, H, A]` (the chunk in
 * flight), then with temporal ensembling `ens` (`temporal_ensemble_wgsl.ts`),
 * with a quantile forecaster `qtab` (`src/latency/quantile_wgsl.ts`) and
 * with BID `bidw` and, with forward contrast, `bidweak`
 * (`src/rtc/bid_wgsl.ts`).
 *
 * @module
 */
import { defineStruct, type StructLayout } from "../gpu/struct.ts";
import { temporalEnsembleWgsl } from "../rtc/temporal_ensemble_wgsl.ts";
import { quantileWgsl } from "../latency/quantile_wgsl.ts";
import { bidBindings, bidWgsl, type BidWgslDims } from "../rtc/bid_wgsl.ts";
import { FUSED_WORKGROUP, fusedHeaderWgsl } from "./fused_run.ts";

/**
 * The ring the GPU path allocates for a forecaster ring (buffer_max size,
 * quantile window) W in a run of T control steps: `min(W, T + 1)`. A run
 * pushes at most T + 1 delays (buffer_max's initial 0 and at most one
 * landing per control step), so a ring of T + 1 never wraps and holds
 * exactly what a ring of any W ≥ T + 1 holds: the forecasts are identical,
 * and `ctrl` and the quantile table (`2·ring·(T + 1)` f32) grow with
 * min(W, T + 1), not with W.
 *
 * @param window The configured ring W (integer ≥ 1).
 * @param numSteps Control steps T of the run.
 * @returns The allocated ring size.
 *
 * @example
 * ```ts
 * import { asyncRing } from "./async_gpu_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(asyncRing(10, 100), 10);
 * assert.equal(asyncRing(100000, 100), 101);
 * ```
 */
export function asyncRing(window: number, numSteps: number): number {
  return Math.min(window, numSteps + 1);
}

/**
 * Offsets of the per-environment controller fields in `ctrl` (u32 each);
 * the forecaster's ring follows at `ring`.
 *
 * @example
 * ```ts
 * import { ASYNC_CTRL_FIELDS } from "./async_gpu_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ASYNC_CTRL_FIELDS.starved, 9);
 * ```
 */
export const ASYNC_CTRL_FIELDS = Object.freeze({
  episode: 0,
  step: 1,
  t: 2,
  busy: 3,
  landAt: 4,
  flightS: 5,
  flightD: 6,
  inferences: 7,
  sumS: 8,
  starved: 9,
  starting: 10,
  ringNext: 11,
  ringCount: 12,
  ring: 13,
});

/**
 * Uniforms of the async kernels (constant for a run). `forecaster`: 0
 * oracle, 1 buffer_max (ring of `ring` delays, initial value 0), 2
 * quantile (ring of `ring` delays, `initial` while empty).
 *
 * @example
 * ```ts
 * import { ASYNC_PARAMS } from "./async_gpu_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(ASYNC_PARAMS.size, 48);
 * ```
 */
export const ASYNC_PARAMS: StructLayout<
  | "n"
  | "seed"
  | "noise_seed"
  | "delay_seed"
  | "s_min"
  | "hold"
  | "noise_std"
  | "forecaster"
  | "ring"
  | "steps"
  | "initial"
> = defineStruct("AsyncParams", {
  n: "u32",
  seed: "u32",
  noise_seed: "u32",
  delay_seed: "u32",
  s_min: "u32",
  hold: "u32",
  noise_std: "f32",
  forecaster: "u32",
  ring: "u32",
  steps: "u32",
  initial: "u32",
});

/**
 * Builds the async shader: entry points `async_reset`, `async_begin` (land
 * due inferences, start new ones: delay draw, forecast, call record and
 * frozen prefix) and `async_execute` (take the sampled chunks of starting
 * environments, land zero-delay ones, execute or starve, step, log). With
 * `temporalDecay` (method `temporal_ensembling`, as `evaluateAsync` with
 * `temporalEnsemble`): the initial chunk joins the ensemble at step 0, a
 * landing chunk joins with the step its inference started, the executed
 * action is the ensemble's average (none covering the step: starve) and the
 * ensemble is reset on episode end.
 *
 * @param dims The task's WGSL, the delay profile's WGSL, chunk length H,
 *   action size A, ring size W (≥ 1), the ACT decay of temporal
 *   ensembling (null or absent: plain execution) and, for a quantile
 *   forecaster, its q and the largest delay the ring can hold (binding
 *   `qtab` holds `quantileTable` of them), and for `bid` the number of
 *   candidates, the observation size and the forward contrast's k
 *   (`bidWgsl`'s entry points; with k the weak candidates are bound last,
 *   as `bidweak`).
 * @returns The WGSL source.
 *
 * @example
 * ```ts
 * import { asyncShader } from "./async_gpu_wgsl.ts";
 * import { REACH_AROUND } from "../envs/reach_around/mod.ts";
 * import { profileWgsl } from "../latency/profile_wgsl.ts";
 * import assert from "node:assert/strict";
 * const code = asyncShader({
 *   taskWgsl: REACH_AROUND.wgsl,
 *   profileWgsl: profileWgsl({ kind: "fixed", delay: 1 }),
 *   horizon: 4,
 *   actionDim: REACH_AROUND.spec.actionDim,
 *   ring: 10,
 * });
 * assert.match(code, /fn async_execute/);
 * ```
 */
export function asyncShader(dims: {
  taskWgsl: string;
  profileWgsl: string;
  horizon: number;
  actionDim: number;
  ring: number;
  temporalDecay?: number | null;
  quantile?: { q: number; maxDelay: number } | null;
  bid?: BidWgslDims | null;
}): string {
  const F = ASYNC_CTRL_FIELDS;
  const te = dims.temporalDecay ?? null;
  const { horizon, actionDim } = dims;
  const ifTe = (code: string) => te === null ? "" : code;
  const qt = dims.quantile ?? null;
  const extra = ["chunk", "flight"];
  if (te !== null) extra.push("ens");
  if (qt !== null) extra.push("qtab");
  extra.push(...bidBindings(dims.bid));
  return /* wgsl */ `
${
    fusedHeaderWgsl({
      ...dims,
      paramsWgsl: ASYNC_PARAMS.wgsl,
      paramsType: "AsyncParams",
      ctrlType: "u32",
      extra,
    })
  }
const CTRL: u32 = ${F.ring + dims.ring}u;
${dims.bid ? bidWgsl(dims.bid) : ""}${
    ifTe(`${temporalEnsembleWgsl({ horizon, actionDim, decay: te ?? 0 })}
// A CHUNK JOINS THE ENSEMBLE: src 0 = chunk, 1 = flight
fn te_join(e: u32, start: u32, src: u32) {
  let dst = te_claim(e, start);
  for (var k = 0u; k < HA; k++) {
    if (src == 0u) { ens[dst + k] = chunk[e * HA + k]; } else { ens[dst + k] = flight[e * HA + k]; }
  }
}`)
  }

// FORECASTER: RING OF THE LAST params.ring OBSERVED DELAYS
fn ring_push(c: u32, d: u32) {
  let nx = ctrl[c + ${F.ringNext}u];
  ctrl[c + ${F.ring}u + nx] = d;
  ctrl[c + ${F.ringNext}u] = (nx + 1u) % params.ring;
  ctrl[c + ${F.ringCount}u] = min(ctrl[c + ${F.ringCount}u] + 1u, params.ring);
}

${
    qt === null ? "" : `${
      quantileWgsl({
        window: dims.ring,
        maxDelay: qt.maxDelay,
        table: "qtab",
        ring: "ring_at",
      })
    }
fn ring_at(c: u32, i: u32) -> u32 { return ctrl[c + ${F.ring}u + i]; }
`
  }
fn forecast(c: u32, d: u32) -> u32 {
  if (params.forecaster == 0u) { return d; }
${
    qt === null ? "" : `  if (params.forecaster == 2u) {
    let n = ctrl[c + ${F.ringCount}u];
    if (n == 0u) { return params.initial; }
    return quantile_forecast(c, n);
  }
`
  }  var m = 0u;
  for (var i = 0u; i < ctrl[c + ${F.ringCount}u]; i++) {
    m = max(m, ctrl[c + ${F.ring}u + i]);
  }
  return m;
}

// THE INFERENCE IN FLIGHT LANDS: NEW CHUNK, t <- t - s, THE FORECASTER SEES d
fn land(e: u32, c: u32) {
  for (var k = 0u; k < HA; k++) { chunk[e * HA + k] = flight[e * HA + k]; }
${
    ifTe(`  // joins with its start step k0 = landAt - d
  te_join(e, ctrl[c + ${F.landAt}u] - ctrl[c + ${F.flightD}u], 1u);
`)
  }  ctrl[c + ${F.t}u] = ctrl[c + ${F.t}u] - ctrl[c + ${F.flightS}u];
  ring_push(c, ctrl[c + ${F.flightD}u]);
  ctrl[c + ${F.busy}u] = 0u;
}

@compute @workgroup_size(${FUSED_WORKGROUP})
fn async_reset(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let e = gid.x;
  if (e >= params.n) { return; }
  let c = e * CTRL;
  for (var i = 0u; i < CTRL; i++) { ctrl[c + i] = 0u; }
  // buffer_max starts from one observation of the initial value 0
  if (params.forecaster != 2u) { ring_push(c, 0u); }
${
    ifTe("  te_reset(e);\n")
  }  for (var i = 0u; i < LOG; i++) { logs[e * LOG + i] = 0.0; }
  for (var k = 0u; k < HA; k++) {
    prev[e * HA + k] = 0.0;
    flight[e * HA + k] = 0.0;
  }
  calls[e] = vec4<u32>(0u, e, 0u, params.s_min);
  var s = task_reset(params.seed, e, 0u);
  fused_store(e, &s);
}

@compute @workgroup_size(${FUSED_WORKGROUP})
fn async_begin(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let e = gid.x;
  if (e >= params.n) { return; }
  let c = e * CTRL;
  let k = ctrl[c + ${F.step}u];
${
    ifTe(
      "  if (k == 0u) { te_join(e, 0u, 0u); } // THE INITIAL CHUNK AT STEP 0\n",
    )
  }  // LAND AN INFERENCE DUE NOW
  if (ctrl[c + ${F.busy}u] != 0u && ctrl[c + ${F.landAt}u] == k) { land(e, c); }
  // START AN INFERENCE
  let t = ctrl[c + ${F.t}u];
  if (ctrl[c + ${F.busy}u] != 0u || t < params.s_min) {
    ctrl[c + ${F.starting}u] = 0u;
    calls[e] = vec4<u32>(k + 1u, e, 0u, 0u);
    return;
  }
  let s = min(t, H);
  for (var j = 0u; j < HA; j++) {
    var v = 0.0;
    if (s * A + j < HA) { v = chunk[e * HA + s * A + j]; }
    prev[e * HA + j] = v;
  }
  let n_inf = ctrl[c + ${F.inferences}u];
  let d = u32(max(sample_delay(params.delay_seed, e, n_inf), 0));
  delays[e * params.steps + n_inf] = i32(d);
  ctrl[c + ${F.inferences}u] = n_inf + 1u;
  ctrl[c + ${F.sumS}u] = ctrl[c + ${F.sumS}u] + t;
  let d_hat = min(forecast(c, d), H - s);
  ctrl[c + ${F.flightS}u] = t;
  ctrl[c + ${F.flightD}u] = d;
  ctrl[c + ${F.landAt}u] = k + d;
  ctrl[c + ${F.busy}u] = 1u;
  ctrl[c + ${F.starting}u] = 1u;
  calls[e] = vec4<u32>(k + 1u, e, d_hat, s);
}

@compute @workgroup_size(${FUSED_WORKGROUP})
fn async_execute(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let e = gid.x;
  if (e >= params.n) { return; }
  let c = e * CTRL;
  // THE SAMPLED CHUNK OF A STARTING ENVIRONMENT (A ZERO DELAY LANDS AT ONCE)
  if (ctrl[c + ${F.starting}u] != 0u) {
    for (var j = 0u; j < HA; j++) { flight[e * HA + j] = next[e * HA + j]; }
    if (ctrl[c + ${F.flightD}u] == 0u) { land(e, c); }
  }
  // EXECUTE A_cur[t]${
    te === null ? "" : " (TEMPORAL ENSEMBLING: THE CHUNKS COVERING k)"
  }, OR STARVE (HOLD THE LAST ACTION OR ZERO)
  let i = ctrl[c + ${F.t}u];
  let k = ctrl[c + ${F.step}u];
  var a: array<f32, TASK_ACTION_DIM>;
${
    te === null
      ? `  let fresh = i < H;
  if (fresh) {
    for (var j = 0u; j < A; j++) { a[j] = chunk[e * HA + i * A + j]; }
  }`
      : "  let fresh = te_action(e, k, &a) > 0u;"
  }
  if (!fresh) {
    if (params.hold != 0u) {
      for (var j = 0u; j < A; j++) { a[j] = logs[e * LOG + LOG_P1 + j]; }
    } else {
      for (var j = 0u; j < A; j++) { a[j] = 0.0; }
    }
    ctrl[c + ${F.starved}u] = ctrl[c + ${F.starved}u] + 1u;
  }
  ctrl[c + ${F.t}u] = i + 1u;
  var s: array<f32, TASK_STATE_DIM>;
  for (var j = 0u; j < TASK_STATE_DIM; j++) {
    s[j] = states[e * TASK_STATE_DIM + j];
  }
  var ep = ctrl[c + ${F.episode}u];
  eval_step(e, k, a, &s, &ep);
${
    ifTe(`  if (ep != ctrl[c + ${F.episode}u]) { te_reset(e); }
`)
  }  ctrl[c + ${F.episode}u] = ep;
  ctrl[c + ${F.step}u] = k + 1u;
  fused_store(e, &s);
}
`;
}
