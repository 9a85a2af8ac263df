/**
 * WGSL of the GPU-fused `scan` evaluator (`scan_gpu.ts`): environment
 * stepping with action noise and auto-reset, delay sampling, chunk
 * bookkeeping and the per-environment rollout log, one invocation per
 * environment. The GPU twin of `scan.ts` + `stepper.ts` + `rollout_log.ts`
 * (same RNG coordinates, same order of operations).
 *
 * Bindings (group 0): 0 `params: ScanParams` (uniform), 1 `states`
 * `[N, TASK_STATE_DIM]` f32, 2 `ctrl` `[N]` of `vec2<u32>` (episode,
 * iteration), 3 `logs` `[N, gpuLogStride(A)]` f32 (`rollout_log_wgsl.ts`), 4
 * `obs` `[N, TASK_OBS_DIM]` (the sampler's input), 5 `calls` `[N]` of
 * `vec4<u32>` (the sampler's call counter, stream, delay, s), 6 `prev`
 * `[N, H, A]` (the chunk being executed; the sampler's previous chunk), 7
 * `next` `[N, H, A]` (the sampler's output), 8 `delays` (i32, one per
 * iteration, or per iteration and environment).
 *
 * @module
 */

import { defineStruct, type StructLayout } from "../gpu/struct.ts";
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
 * log, auto-reset; shift the new chunk into `prev`).
 *
 * @param dims The task's WGSL (`Task.wgsl`), the delay profile's WGSL
 *   (`profileWgsl`), chunk length H and action size A.
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
}): string {
  return /* wgsl */ `
${
    fusedHeaderWgsl({
      ...dims,
      paramsWgsl: SCAN_PARAMS.wgsl,
      paramsType: "ScanParams",
      ctrlType: "vec2<u32>",
      extra: [],
    })
  }
@compute @workgroup_size(${FUSED_WORKGROUP})
fn scan_reset(@builtin(global_invocation_id) gid: vec3<u32>) {
  fused_bind_all();
  let e = gid.x;
  if (e >= params.n) { return; }
  var s = task_reset(params.seed, e, 0u);
  ctrl[e] = vec2<u32>(0u, 0u);
  for (var i = 0u; i < LOG; i++) { logs[e * LOG + i] = 0.0; }
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
  let stream = select(0u, e, params.per_env != 0u);
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
  let d = calls[e].z;
  for (var i = 0u; i < params.s; i++) {
    // THE EXECUTED ACTION: OLD CHUNK BEFORE THE DELAY, NEW ONE AFTER
    var a: array<f32, TASK_ACTION_DIM>;
    let src = e * HA + i * A;
    for (var j = 0u; j < A; j++) {
      if (i < d) { a[j] = prev[src + j]; } else { a[j] = next[src + j]; }
    }
    eval_step(e, it * params.s + i, a, &s, &ep);
  }
  ctrl[e] = vec2<u32>(ep, it + 1u);
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
