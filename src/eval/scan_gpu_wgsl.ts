/**
 * WGSL of the GPU-fused `scan` evaluator (`scan_gpu.ts`): environment
 * stepping with action noise and auto-reset, delay sampling, chunk
 * bookkeeping and the per-environment rollout log, one invocation per
 * environment. The GPU twin of `scan.ts` + the wrapper (`src/envs/wrapper.ts`, `episode_log.ts`)
 * (same RNG coordinates, same order of operations).
 *
 * Bindings (group 0): 0 `params: ScanParams` (uniform), 1 `states`
 * `[N, TASK_STATE_DIM]` f32, 2 `ctrl` `[N]` of `vec4<u32>` (episode,
 * iteration, starved steps, unused), 3 `logs` `[N, gpuLogStride(A)]` f32 (`src/envs/wrapper_wgsl.ts`), 4
 * `obs` `[N, TASK_OBS_DIM]` (the sampler's input), 5 `calls` `[N]` of
 * `vec4<u32>` (the sampler's call counter, stream, delay, s), 6 `prev`
 * `[N, H, A]` (the chunk being executed; the sampler's previous chunk), 7
 * `next` `[N, H, A]` (the sampler's output), 8 `delays` (i32, one per
 * iteration, or per iteration and environment), and with temporal
 * ensembling 9 `ens` (`temporal_ensemble_wgsl.ts`: the per-environment
 * ring of the last H chunks and their start steps), with BID `bidw`
 * and, with forward contrast, `bidweak` (`src/rtc/bid_wgsl.ts`).
 *
 * @module
 */

import { defineStruct, type StructLayout } from "../gpu/struct.ts";
import { temporalEnsembleWgsl } from "../rtc/temporal_ensemble_wgsl.ts";
import { bidBindings, bidWgsl, type BidWgslDims } from "../rtc/bid_wgsl.ts";
import { FUSED_WORKGROUP, fusedHeaderWgsl } from "./fused_run.ts";

/**
 * Uniforms of the scan kernels (constant for a run).
 *
 * @example
 * ```ts
 * import { SCAN_PARAMS } from "./scan_gpu_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(SCAN_PARAMS.size, 48);
 * ```
 */
export const SCAN_PARAMS: StructLayout<
  | "n"
  | "seed"
  | "noise_seed"
  | "delay_seed"
  | "s"
  | "per_env"
  | "noise_std"
  | "pad0"
  | "pad1"
> = defineStruct("ScanParams", {
  n: "u32",
  seed: "u32",
  noise_seed: "u32",
  delay_seed: "u32",
  s: "u32",
  per_env: "u32",
  noise_std: "f32",
  pad0: "u32",
  pad1: "u32",
});

/**
 * Builds the scan shader: entry points `scan_reset` (reset every
 * environment; the inputs of the initial chunk), `scan_begin` (sample this
 * iteration's delay, fill the sampler's call record) and `scan_execute`
 * (execute `s` actions, old chunk before the delay, new one after; step,
 * log, auto-reset; shift the new chunk into `prev`). With `temporalDecay`
 * (method `temporal_ensembling`, as `evaluateScan` with
 * `temporalEnsemble`): the initial chunk joins the ensemble at step 0, the
 * new chunk joins at position d (or after the s steps when d ≥ s) with
 * start step `it·s`, every executed action is the ensemble's average (none
 * covering the step: hold the last action, counted as starved) and the
 * ensemble is reset on episode end.
 *
 * @param dims The task's WGSL (`Task.wgsl`), the delay profile's WGSL
 *   (`profileWgsl`), chunk length H, action size A and the ACT decay of
 *   temporal ensembling (null or absent: plain execution), and for `bid`
 *   the number of candidates, the observation size and the forward
 *   contrast's k (entry points `bid_prepare`, `bid_select` of `bidWgsl`;
 *   with k the weak candidates are bound last, as `bidweak`).
 * @returns The WGSL source.
 *
 * @example
 * ```ts
 * import { scanShader } from "./scan_gpu_wgsl.ts";
 * import { REACH_AROUND } from "../envs/reach_around/mod.ts";
 * import { profileWgsl } from "../latency/profile_wgsl.ts";
 * import assert from "node:assert/strict";
 * const code = scanShader({
 *   taskWgsl: REACH_AROUND.wgsl,
 *   profileWgsl: profileWgsl({ kind: "fixed", delay: 1 }),
 *   horizon: 4,
 *   actionDim: REACH_AROUND.spec.actionDim,
 * });
 * assert.match(code, /fn scan_execute/);
 * ```
 */
export function scanShader(dims: {
  taskWgsl: string;
  profileWgsl: string;
  horizon: number;
  actionDim: number;
  temporalDecay?: number | null;
  bid?: BidWgslDims | null;
}): string {
  const te = dims.temporalDecay ?? null;
  const bid = dims.bid ?? null;
  const extra = [...(te === null ? [] : ["ens"]), ...bidBindings(bid)];
  const { horizon, actionDim } = dims;
  const ifTe = (code: string) => te === null ? "" : code;
  return /* wgsl */ `
${
    fusedHeaderWgsl({
      ...dims,
      paramsWgsl: SCAN_PARAMS.wgsl,
      paramsType: "ScanParams",
      ctrlType: "vec4<u32>",
      extra,
    })
  }
${bid ? bidWgsl(bid) : ""}
${
    ifTe(`${temporalEnsembleWgsl({ horizon, actionDim, decay: te ?? 0 })}
// A CHUNK JOINS THE ENSEMBLE: src 0 = prev, 1 = next
fn te_join(e: u32, start: u32, src: u32) {
  let dst = te_claim(e, start);
  for (var k = 0u; k < HA; k++) {
    if (src == 0u) { ens[dst + k] = prev[e * HA + k]; } else { ens[dst + k] = next[e * HA + k]; }
  }
}`)
  }
@compute @workgroup_size(${FUSED_WORKGROUP})
fn scan_reset(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let e = gid.x;
  if (e >= params.n) { return; }
  var s = task_reset(params.seed, e, 0u);
  ctrl[e] = vec4<u32>(0u);
${
    ifTe("  te_reset(e);\n")
  }  for (var i = 0u; i < LOG; i++) { logs[e * LOG + i] = 0.0; }
  for (var i = 0u; i < HA; i++) { prev[e * HA + i] = 0.0; }
  calls[e] = vec4<u32>(0u, e, 0u, params.s);
  fused_store(e, &s);
}

@compute @workgroup_size(${FUSED_WORKGROUP})
fn scan_begin(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let e = gid.x;
  if (e >= params.n) { return; }
  let it = ctrl[e].y;
${
    ifTe(
      "  if (it == 0u) { te_join(e, 0u, 0u); } // THE INITIAL CHUNK AT STEP 0\n",
    )
  }  let stream = select(0u, e, params.per_env != 0u);
  let d = u32(clamp(sample_delay(params.delay_seed, stream, it), 0, i32(H)));
  if (params.per_env != 0u) {
    delays[it * params.n + e] = i32(d);
  } else if (e == 0u) {
    delays[it] = i32(d);
  }
  calls[e] = vec4<u32>(it + 1u, e, d, params.s);
}

@compute @workgroup_size(${FUSED_WORKGROUP})
fn scan_execute(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let e = gid.x;
  if (e >= params.n) { return; }
  var s: array<f32, TASK_STATE_DIM>;
  for (var i = 0u; i < TASK_STATE_DIM; i++) {
    s[i] = states[e * TASK_STATE_DIM + i];
  }
  let c = ctrl[e];
  var ep = c.x;
  let it = c.y;
  var starved = c.z;
  let d = calls[e].z;
  let t0 = it * params.s;
  for (var i = 0u; i < params.s; i++) {
    var a: array<f32, TASK_ACTION_DIM>;
${
    te === null
      ? `    // THE EXECUTED ACTION: OLD CHUNK BEFORE THE DELAY, NEW ONE AFTER
    let src = e * HA + i * A;
    for (var j = 0u; j < A; j++) {
      if (i < d) { a[j] = prev[src + j]; } else { a[j] = next[src + j]; }
    }
    eval_step(e, t0 + i, a, &s, &ep);`
      : `    // TEMPORAL ENSEMBLING: THE NEW CHUNK JOINS AT POSITION d
    if (i == d) { te_join(e, t0, 1u); }
    if (te_action(e, t0 + i, &a) == 0u) {
      for (var j = 0u; j < A; j++) { a[j] = logs[e * LOG + LOG_P1 + j]; }
      starved++;
    }
    let ep0 = ep;
    eval_step(e, t0 + i, a, &s, &ep);
    if (ep != ep0) { te_reset(e); }`
  }
  }
${
    ifTe("  if (d >= params.s) { te_join(e, t0, 1u); }\n")
  }  ctrl[e] = vec4<u32>(ep, it + 1u, starved, 0u);
  fused_store(e, &s);
  // SHIFT: THE NEW CHUNK WITHOUT ITS FIRST s ACTIONS, ZERO-PADDED
  let keep = (H - params.s) * A;
  for (var k = 0u; k < HA; k++) {
    var v = 0.0;
    if (k < keep) { v = next[e * HA + params.s * A + k]; }
    prev[e * HA + k] = v;
  }
}
`;
}
