/**
 * Private test code shared by every task's parity test:
 * {@linkcode registerParityTests} registers both GPU tests of a task; roll a
 * task's CPU twin and its WGSL twin in lockstep from the same seeded starts
 * with the same action sequence (auto-reset to the next episode on done).
 *
 * Buffer layouts (row-major): actions `[envs, steps, A]`; states
 * `[envs, steps, S]` (the state *before* step t); outs `[envs, steps, 3]`
 * (reward, done, solved); obs `[envs, steps, O]`; experts `[envs, steps, A]`
 * (expert action at the state before step t).
 *
 * @module
 */

import { normal, uniform } from "../rng/rng.ts";
import { RNG_WGSL } from "../rng/rng_wgsl.ts";
import {
  createStorage,
  dispatch,
  getPipeline,
  readBuffer,
} from "../gpu/kernel.ts";
import type { Task } from "../envs/types.ts";
import assert from "node:assert/strict";
import { gpuTest } from "./gpu.ts";
import { compileMessages } from "../gpu/kernel.ts";
import { batchShader } from "../envs/batch_wgsl.ts";

/** A lockstep rollout record (see the module doc for layouts). */
export interface Rollout {
  actions: Float32Array;
  states: Float32Array;
  outs: Float32Array;
  obs: Float32Array;
  experts: Float32Array;
}

/** Rollout size and seed. */
export interface RolloutOptions {
  envs: number;
  steps: number;
  seed: number;
  /** Steps in which even environments follow the (noisy) expert before switching to random actions. @default steps */
  expertSteps?: number;
}

/**
 * Rolls the CPU twin. Envs with an even index act with the expert plus 0.1
 * noise, odd ones uniformly at random in [-1, 1]; the executed actions are
 * recorded so the GPU can replay them.
 */
export function cpuRollout(task: Task, opts: RolloutOptions): Rollout {
  const { envs, steps, seed } = opts;
  const expertSteps = opts.expertSteps ?? steps;
  const { stateDim: S, actionDim: A, obsDim: O } = task.spec;
  const r: Rollout = {
    actions: new Float32Array(envs * steps * A),
    states: new Float32Array(envs * steps * S),
    outs: new Float32Array(envs * steps * 3),
    obs: new Float32Array(envs * steps * O),
    experts: new Float32Array(envs * steps * A),
  };
  const s = new Float32Array(S), a = new Float32Array(A);
  const o = new Float32Array(O), out = new Float32Array(3);
  for (let e = 0; e < envs; e++) {
    let episode = 0;
    task.cpu.reset(s, { seed, env: e, episode });
    for (let t = 0; t < steps; t++) {
      const b = e * steps + t;
      r.states.set(s, b * S);
      task.cpu.observe(s, o);
      r.obs.set(o, b * O);
      task.cpu.expert(s, a, { seed, env: e, episode });
      r.experts.set(a, b * A);
      for (let i = 0; i < A; i++) {
        a[i] = e % 2 === 0 && t < expertSteps
          ? a[i]! + 0.1 * normal(seed + 1, e, t * 8 + i)
          : 2 * uniform(seed + 1, e, t * 8 + i) - 1;
      }
      r.actions.set(a, b * A);
      task.cpu.step(s, a, out);
      r.outs.set(out, b * 3);
      if (out[1]) task.cpu.reset(s, { seed, env: e, episode: ++episode });
    }
  }
  return r;
}

/** The WGSL kernel replaying `actions` through `task_step`. */
export function parityKernel(task: Task, opts: RolloutOptions): string {
  const { envs, steps, seed } = opts;
  return /* wgsl */ `${RNG_WGSL}
${task.wgsl}
@group(0) @binding(0) var<storage, read_write> actions: array<f32>;
@group(0) @binding(1) var<storage, read_write> states: array<f32>;
@group(0) @binding(2) var<storage, read_write> outs: array<f32>;
@group(0) @binding(3) var<storage, read_write> obs: array<f32>;
@group(0) @binding(4) var<storage, read_write> experts: array<f32>;
const N_ENVS: u32 = ${envs}u;
const N_STEPS: u32 = ${steps}u;
const SEED: u32 = ${seed}u;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= N_ENVS) { return; }
  var episode = 0u;
  var s = task_reset(SEED, e, episode);
  for (var t = 0u; t < N_STEPS; t++) {
    let b = e * N_STEPS + t;
    for (var i = 0u; i < TASK_STATE_DIM; i++) { states[b * TASK_STATE_DIM + i] = s[i]; }
    var o = task_observe(&s);
    for (var i = 0u; i < TASK_OBS_DIM; i++) { obs[b * TASK_OBS_DIM + i] = o[i]; }
    var x = task_expert(&s, SEED, e, episode);
    var a: array<f32, TASK_ACTION_DIM>;
    for (var i = 0u; i < TASK_ACTION_DIM; i++) {
      experts[b * TASK_ACTION_DIM + i] = x[i];
      a[i] = actions[b * TASK_ACTION_DIM + i];
    }
    let r = task_step(&s, a);
    outs[b * 3u] = r.x;
    outs[b * 3u + 1u] = r.y;
    outs[b * 3u + 2u] = r.z;
    if (r.y > 0.5) {
      episode += 1u;
      s = task_reset(SEED, e, episode);
    }
  }
}
`;
}

/** Replays `actions` on the GPU and returns the GPU's record. */
export async function gpuRollout(
  device: GPUDevice,
  task: Task,
  actions: Float32Array,
  opts: RolloutOptions,
): Promise<Rollout> {
  const { envs, steps } = opts;
  const { stateDim: S, actionDim: A, obsDim: O } = task.spec;
  const sizes = [S, 3, O, A].map((d) => envs * steps * d);
  const bufs = [
    createStorage(device, { data: actions }),
    ...sizes.map((n) => createStorage(device, { size: 4 * n })),
  ];
  dispatch(device, [{
    pipeline: getPipeline(device, { code: parityKernel(task, opts) }),
    buffers: bufs,
    workgroups: [Math.ceil(envs / 64)],
  }]);
  const read = async (i: number) =>
    new Float32Array(await readBuffer(device, bufs[i]!, 4 * sizes[i - 1]!));
  const r: Rollout = {
    actions,
    states: await read(1),
    outs: await read(2),
    obs: await read(3),
    experts: await read(4),
  };
  for (const b of bufs) b.destroy();
  return r;
}

/** Largest absolute difference of two equally long arrays, and where. */
export function maxAbsDiff(
  a: Float32Array,
  b: Float32Array,
): { diff: number; index: number } {
  let diff = 0, index = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= diff)) {
      diff = d;
      index = i;
    }
  }
  return { diff, index };
}

/** Largest allowed |CPU − GPU| of states, observations and expert actions. */
const PARITY_ATOL = 1e-4;
const PARITY_OPTS = { envs: 64, steps: 100, seed: 11 };

/** Per-task settings of {@linkcode registerParityTests}. */
export interface ParityTestOptions {
  /**
   * Steps in which even environments follow the expert before random
   * actions (a task whose expert balances an unstable equilibrium amplifies
   * float32 differences in open-loop replay). @default 100
   */
  expertSteps?: number;
}

/**
 * Registers a task's two GPU tests: its parity kernel compiles cleanly, and
 * the CPU and WGSL twins agree over 100 steps with auto-resets (step outputs
 * exactly, with -0 a mismatch; states, observations and expert actions within
 * `PARITY_ATOL`).
 *
 * @param name The name the tests use (e.g. `LANDER`).
 * @param task The task.
 */
export function registerParityTests(
  name: string,
  task: Task,
  options: ParityTestOptions = {},
): void {
  const opts = { ...PARITY_OPTS, expertSteps: options.expertSteps };
  gpuTest(`${name}.wgsl compiles cleanly`, async (device) => {
    assert.deepEqual(
      await compileMessages(device, parityKernel(task, opts)),
      [],
    );
    assert.deepEqual(
      await compileMessages(device, batchShader(task)),
      [],
    );
  });

  gpuTest(`${name} CPU and WGSL twins agree over 100 steps`, async (device) => {
    const cpu = cpuRollout(task, opts);
    const gpu = await gpuRollout(device, task, cpu.actions, opts);
    let dones = 0;
    for (let i = 0; i < cpu.outs.length; i++) {
      if (!Object.is(cpu.outs[i], gpu.outs[i])) { // -0 counts as a mismatch
        assert.fail(`outs[${i}]: cpu ${cpu.outs[i]} gpu ${gpu.outs[i]}`);
      }
      if (i % 3 === 1) dones += cpu.outs[i]!;
    }
    assert.ok(
      dones > 10,
      `only ${dones} episodes ended: the test covers no resets`,
    );
    for (const k of ["states", "obs", "experts"] as const) {
      const { diff, index } = maxAbsDiff(cpu[k], gpu[k]);
      assert.ok(diff <= PARITY_ATOL, `${k}[${index}]: |cpu − gpu| = ${diff}`);
    }
  });
}
