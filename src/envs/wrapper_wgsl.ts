/**
 * The evaluation wrapper in WGSL, the twin of the CPU stepper
 * (`wrapper.ts`) and `recordStep` (`episode_log.ts`): smoothness of the
 * executed action, action noise, the task step, the first-episode log and
 * auto-reset, as one function `eval_step`. Used by the batched environments
 * (`batch_wgsl.ts`) and the GPU-fused evaluators (`src/eval/scan_gpu_wgsl.ts`,
 * `src/eval/async_gpu_wgsl.ts`), plus the decoder of the log they read back.
 *
 * @module
 */
import { createRolloutLog, type RolloutLog } from "./episode_log.ts";

/**
 * Field offsets of one environment's row in the GPU `logs` buffer; `prev1`
 * and `prev2` (the last two executed actions, `A` floats each) follow at
 * `GPU_LOG.prev1` and `GPU_LOG.prev1 + A`.
 *
 * @example
 * ```ts
 * import { GPU_LOG } from "./wrapper_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(GPU_LOG.firstSolved, 3);
 * ```
 */
export const GPU_LOG = Object.freeze({
  firstDone: 0,
  firstReturn: 1,
  firstLength: 2,
  firstSolved: 3,
  maxDelta: 4,
  maxDdelta: 5,
  maxDeltaFirst: 6,
  maxDdeltaFirst: 7,
  prev1: 8,
});

/**
 * Floats per environment in the `logs` buffer for action size `A`.
 *
 * @param actionDim Action size A.
 * @returns `8 + 2·A`.
 *
 * @example
 * ```ts
 * import { gpuLogStride } from "./wrapper_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(gpuLogStride(6), 20);
 * ```
 */
export function gpuLogStride(actionDim: number): number {
  return GPU_LOG.prev1 + 2 * actionDim;
}

/**
 * WGSL of `fn eval_step(e, t, a, s, ep) -> vec3<f32>`: one control step of
 * environment `e` at global step `t` executing action `a` (before noise)
 * from state `s` with episode counter `ep` (both updated; auto-reset on
 * done); returns the step's `(reward, done, solved)` (before the reset). Expects in
 * scope: the task's WGSL, RNG_WGSL, `logs: array<f32>` (read-write storage)
 * and uniforms `params.noise_seed: u32`, `params.noise_std: f32`,
 * `params.seed: u32`.
 *
 * @param actionDim Action size A.
 * @returns WGSL source.
 *
 * @example
 * ```ts
 * import { evalStepWgsl } from "./wrapper_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(evalStepWgsl(2), /fn eval_step/);
 * ```
 */
export function evalStepWgsl(actionDim: number): string {
  const A = actionDim;
  const L = GPU_LOG;
  return /* wgsl */ `
const LOG: u32 = ${gpuLogStride(A)}u;
const LOG_P1: u32 = ${L.prev1}u;
const LOG_P2: u32 = ${L.prev1 + A}u;

fn eval_step(
  e: u32,
  t: u32,
  a_in: array<f32, TASK_ACTION_DIM>,
  s: ptr<function, array<f32, TASK_STATE_DIM>>,
  ep: ptr<function, u32>,
) -> vec3<f32> {
  var a = a_in;
  let lg = e * LOG;
  // SMOOTHNESS OF THE EXECUTED ACTIONS (BEFORE NOISE)
  let in_first = logs[lg + ${L.firstDone}u] == 0.0;
  if (t >= 1u) {
    var d1 = 0.0;
    var d2 = 0.0;
    for (var j = 0u; j < TASK_ACTION_DIM; j++) {
      let p1 = logs[lg + LOG_P1 + j];
      let p2 = logs[lg + LOG_P2 + j];
      d1 += (a[j] - p1) * (a[j] - p1);
      let dd = a[j] - 2.0 * p1 + p2;
      d2 += dd * dd;
    }
    d1 = sqrt(d1);
    d2 = sqrt(d2);
    logs[lg + ${L.maxDelta}u] = max(logs[lg + ${L.maxDelta}u], d1);
    if (in_first) { logs[lg + ${L.maxDeltaFirst}u] = max(logs[lg + ${L.maxDeltaFirst}u], d1); }
    if (t >= 2u) {
      logs[lg + ${L.maxDdelta}u] = max(logs[lg + ${L.maxDdelta}u], d2);
      if (in_first) { logs[lg + ${L.maxDdeltaFirst}u] = max(logs[lg + ${L.maxDdeltaFirst}u], d2); }
    }
  }
  for (var j = 0u; j < TASK_ACTION_DIM; j++) {
    logs[lg + LOG_P2 + j] = logs[lg + LOG_P1 + j];
    logs[lg + LOG_P1 + j] = a[j];
  }
  // ACTION NOISE, STEP
  if (params.noise_std > 0.0) {
    for (var j = 0u; j < TASK_ACTION_DIM; j++) {
      a[j] = a[j] + params.noise_std * rng_normal(params.noise_seed, e, t * 8u + j, 0u);
    }
  }
  let r = task_step(s, a);
  // FIRST-EPISODE LOG, AUTO-RESET
  if (in_first) {
    logs[lg + ${L.firstReturn}u] += r.x;
    logs[lg + ${L.firstLength}u] += 1.0;
    if (r.y > 0.5) {
      logs[lg + ${L.firstDone}u] = 1.0;
      logs[lg + ${L.firstSolved}u] = select(0.0, 1.0, r.z > 0.5);
    }
  }
  if (r.y > 0.5) {
    *ep = *ep + 1u;
    *s = task_reset(params.seed, e, *ep);
  }
  return r;
}
`;
}

/**
 * Decodes the GPU `logs` buffer into a {@linkcode RolloutLog}.
 *
 * @param logs The buffer's floats `[N, gpuLogStride(A)]`.
 * @param options Number of environments, action size, steps recorded.
 * @returns The log.
 *
 * @example
 * ```ts
 * import { decodeGpuLog, GPU_LOG, gpuLogStride } from "./wrapper_wgsl.ts";
 * import assert from "node:assert/strict";
 * const raw = new Float32Array(2 * gpuLogStride(1));
 * raw[gpuLogStride(1) + GPU_LOG.firstSolved] = 1;
 * const log = decodeGpuLog(raw, { numEnvs: 2, actionDim: 1, steps: 10 });
 * assert.deepEqual([...log.firstSolved], [0, 1]);
 * ```
 */
export function decodeGpuLog(
  logs: Float32Array,
  options: { numEnvs: number; actionDim: number; steps: number },
): RolloutLog {
  const { numEnvs: N, actionDim: A } = options;
  const stride = gpuLogStride(A);
  const log = createRolloutLog(N, { actionDim: A });
  const L = GPU_LOG;
  for (let e = 0; e < N; e++) {
    const row = logs.subarray(e * stride, (e + 1) * stride);
    log.firstDone[e] = row[L.firstDone]! > 0.5 ? 1 : 0;
    log.firstReturn[e] = row[L.firstReturn]!;
    log.firstLength[e] = row[L.firstLength]!;
    log.firstSolved[e] = row[L.firstSolved]! > 0.5 ? 1 : 0;
    log.maxDelta[e] = row[L.maxDelta]!;
    log.maxDdelta[e] = row[L.maxDdelta]!;
    log.maxDeltaFirst[e] = row[L.maxDeltaFirst]!;
    log.maxDdeltaFirst[e] = row[L.maxDdeltaFirst]!;
    log.prev1.set(row.subarray(L.prev1, L.prev1 + A), e * A);
    log.prev2.set(row.subarray(L.prev1 + A, L.prev1 + 2 * A), e * A);
  }
  log.steps = options.steps;
  return log;
}
