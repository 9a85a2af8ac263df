/**
 * The batched-environment kernel: RNG_WGSL + a task's WGSL + the wrapper's
 * `eval_step` (`wrapper_wgsl.ts`) + two entry points, `reset_envs` and
 * `step_envs` (one invocation per environment).
 *
 * Bindings (group 0): 0 `params: BatchParams` (uniform), 1 `states`
 * `[N, TASK_STATE_DIM]`, 2 `episodes` `[N]` (u32), 3 `logs`
 * `[N, gpuLogStride(A)]` (the wrapper's log, see `GPU_LOG`), 4 `obs`
 * `[N, TASK_OBS_DIM]`, 5 `actions` `[steps, N, TASK_ACTION_DIM]` (read
 * only; ignored when `use_expert` is 1), 6 `results` `[steps, N, 3]`.
 * `reset_envs` uses bindings 0-4 only.
 *
 * @module
 */

import { defineStruct, type StructLayout } from "../gpu/struct.ts";
import { RNG_WGSL } from "../rng/rng_wgsl.ts";
import type { Task } from "./types.ts";
import { evalStepWgsl, gpuLogStride } from "./wrapper_wgsl.ts";

/** Workgroup size of the batched-environment kernels. */
export const BATCH_WORKGROUP = 64;

/**
 * Uniform parameters of a dispatch.
 *
 * @example
 * ```ts
 * import { BATCH_PARAMS } from "./batch_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(BATCH_PARAMS.size, 32);
 * ```
 */
export const BATCH_PARAMS: StructLayout<
  | "n"
  | "seed"
  | "noise_seed"
  | "t_global"
  | "steps"
  | "use_expert"
  | "noise_std"
  | "pad"
> = defineStruct("BatchParams", {
  n: "u32",
  seed: "u32",
  noise_seed: "u32",
  t_global: "u32",
  steps: "u32",
  use_expert: "u32",
  noise_std: "f32",
  pad: "u32",
});

/**
 * WGSL of `fn <name>(e, s)`: writes environment `e`'s state `s` into
 * `states` `[N, TASK_STATE_DIM]` and its observation into `obs` `[N,
 * TASK_OBS_DIM]` (both storage arrays the caller declares; shared by the
 * batched environments and the GPU-fused evaluators).
 *
 * @param name The function name.
 * @returns WGSL source.
 *
 * @example
 * ```ts
 * import { storeStateWgsl } from "./batch_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(storeStateWgsl("store"), /fn store\(e: u32/);
 * ```
 */
export function storeStateWgsl(name: string): string {
  return /* wgsl */ `fn ${name}(e: u32, s: ptr<function, array<f32, TASK_STATE_DIM>>) {
  for (var i = 0u; i < TASK_STATE_DIM; i++) {
    states[e * TASK_STATE_DIM + i] = (*s)[i];
  }
  let o = task_observe(s);
  for (var i = 0u; i < TASK_OBS_DIM; i++) {
    obs[e * TASK_OBS_DIM + i] = o[i];
  }
}
`;
}

/**
 * Builds the batched-environment shader of a task.
 *
 * @param task The task (its WGSL twin and action size).
 * @returns The full shader source with entry points `reset_envs` and `step_envs`.
 *
 * @example
 * ```ts
 * import { batchShader } from "./batch_wgsl.ts";
 * import { REACH_AROUND } from "./reach_around/mod.ts";
 * import assert from "node:assert/strict";
 * assert.match(batchShader(REACH_AROUND), /fn step_envs/);
 * ```
 */
export function batchShader(task: Task): string {
  const stride = gpuLogStride(task.spec.actionDim);
  return /* wgsl */ `
${RNG_WGSL}
${task.wgsl}
${BATCH_PARAMS.wgsl}

@group(0) @binding(0) var<uniform> params: BatchParams;
@group(0) @binding(1) var<storage, read_write> states: array<f32>;
@group(0) @binding(2) var<storage, read_write> episodes: array<u32>;
@group(0) @binding(3) var<storage, read_write> logs: array<f32>;
@group(0) @binding(4) var<storage, read_write> obs: array<f32>;
@group(0) @binding(5) var<storage, read> actions: array<f32>;
@group(0) @binding(6) var<storage, read_write> results: array<f32>;

${storeStateWgsl("batch_store")}
${evalStepWgsl(task.spec.actionDim)}

@compute @workgroup_size(${BATCH_WORKGROUP})
fn reset_envs(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= params.n) { return; }
  var s = task_reset(params.seed, e, 0u);
  episodes[e] = 0u;
  for (var i = 0u; i < ${stride}u; i++) {
    logs[e * ${stride}u + i] = 0.0;
  }
  batch_store(e, &s);
}

@compute @workgroup_size(${BATCH_WORKGROUP})
fn step_envs(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= params.n) { return; }
  var s: array<f32, TASK_STATE_DIM>;
  for (var i = 0u; i < TASK_STATE_DIM; i++) {
    s[i] = states[e * TASK_STATE_DIM + i];
  }
  var ep = episodes[e];
  for (var j = 0u; j < params.steps; j++) {
    var a: array<f32, TASK_ACTION_DIM>;
    if (params.use_expert != 0u) {
      a = task_expert(&s, params.seed, e, ep);
    } else {
      let base = (j * params.n + e) * TASK_ACTION_DIM;
      for (var i = 0u; i < TASK_ACTION_DIM; i++) {
        a[i] = actions[base + i];
      }
    }
    let r = eval_step(e, params.t_global + j, a, &s, &ep);
    let ri = (j * params.n + e) * 3u;
    results[ri] = r.x;
    results[ri + 1u] = r.y;
    results[ri + 2u] = r.z;
  }
  episodes[e] = ep;
  batch_store(e, &s);
}
`;
}
