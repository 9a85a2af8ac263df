/**
 * Test helper: steps a task's WGSL twin and CPU twin in lockstep from the
 * same reset with the same actions and reports the largest differences.
 *
 * @module
 */

import {
  compileMessages,
  createStorage,
  dispatch,
  getPipeline,
  readBuffer,
} from "../gpu/kernel.ts";
import { RNG_WGSL } from "../rng/rng_wgsl.ts";
import { uniform } from "../rng/rng.ts";
import { addActionNoise } from "./batch.ts";
import type { Task } from "./types.ts";

/** Largest absolute differences between the twins. */
export interface ParityReport {
  /** Compiler warnings and errors of the parity shader. */
  compile: string[];
  /** Max |state difference| right after reset. */
  reset: number;
  /** Max |state difference| over all steps. */
  state: number;
  /** Max |(reward, done, solved) difference| over all steps. */
  result: number;
  /** Max |observation difference| over all steps. */
  obs: number;
  /** Max |expert action difference| over all steps (GPU expert on GPU state vs CPU expert on CPU state). */
  expert: number;
  /** Number of steps where the CPU twin reported done (for coverage). */
  dones: number;
}

function shader(task: Task, n: number, steps: number): string {
  const { stateDim: S, obsDim: O, actionDim: A } = task.spec;
  return /* wgsl */ `
${RNG_WGSL}
${task.wgsl}
@group(0) @binding(0) var<storage, read> actions: array<f32>;
@group(0) @binding(1) var<storage, read_write> traj: array<f32>;
@group(0) @binding(2) var<storage, read_write> res: array<f32>;
@group(0) @binding(3) var<storage, read_write> obs: array<f32>;
@group(0) @binding(4) var<storage, read_write> exp: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let e = gid.x;
  if (e >= ${n}u) { return; }
  var s = task_reset(${SEED}u, e, 0u);
  for (var i = 0u; i < ${S}u; i++) { traj[e * ${S}u + i] = s[i]; }
  for (var j = 0u; j < ${steps}u; j++) {
    let ex = task_expert(&s, ${SEED}u, e, 0u);
    for (var i = 0u; i < ${A}u; i++) { exp[(j * ${n}u + e) * ${A}u + i] = ex[i]; }
    var a: array<f32, TASK_ACTION_DIM>;
    for (var i = 0u; i < ${A}u; i++) { a[i] = actions[(j * ${n}u + e) * ${A}u + i]; }
    let r = task_step(&s, a);
    for (var i = 0u; i < ${S}u; i++) { traj[((j + 1u) * ${n}u + e) * ${S}u + i] = s[i]; }
    res[(j * ${n}u + e) * 3u] = r.x;
    res[(j * ${n}u + e) * 3u + 1u] = r.y;
    res[(j * ${n}u + e) * 3u + 2u] = r.z;
    let o = task_observe(&s);
    for (var i = 0u; i < ${O}u; i++) { obs[(j * ${n}u + e) * ${O}u + i] = o[i]; }
  }
}
`;
}

const SEED = 20251125;

/**
 * Runs both twins for `steps` steps of `n` environments (no auto-reset, the
 * physics continues past done). Actions are the CPU expert's plus noise of
 * std `noiseStd` (or, with `randomActions`, uniform in [-1, 1] plus that
 * noise), recorded on the CPU and replayed on the GPU.
 *
 * @param device The device.
 * @param task The task.
 * @param options Environments, steps and action noise.
 * @returns The largest differences.
 *
 * @example
 * ```ts ignore
 * import { checkParity } from "./_parity.ts";
 * import { REACH_AROUND } from "./reach_around/mod.ts";
 * const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
 * console.log(await checkParity(device, REACH_AROUND, { n: 64, steps: 100, noiseStd: 0.3 }));
 * ```
 */
export async function checkParity(
  device: GPUDevice,
  task: Task,
  options: {
    n: number;
    steps: number;
    noiseStd: number;
    randomActions?: boolean;
  },
): Promise<ParityReport> {
  const { n, steps, noiseStd } = options;
  const { stateDim: S, obsDim: O, actionDim: A } = task.spec;
  const cpu = task.cpu;
  // CPU TWIN
  const traj = new Float32Array((steps + 1) * n * S);
  const res = new Float32Array(steps * n * 3);
  const obs = new Float32Array(steps * n * O);
  const exp = new Float32Array(steps * n * A);
  const actions = new Float32Array(steps * n * A);
  let dones = 0;
  for (let e = 0; e < n; e++) {
    const key = { seed: SEED, env: e, episode: 0 };
    const s = new Float32Array(S);
    cpu.reset(s, key);
    traj.set(s, e * S);
    const a = new Float32Array(A);
    for (let j = 0; j < steps; j++) {
      const k = j * n + e;
      cpu.expert(s, a, key);
      exp.set(a, k * A);
      if (options.randomActions) {
        for (let i = 0; i < A; i++) {
          a[i] = 2 * uniform(SEED, e, 1 << 20 | (j * 8 + i)) - 1;
        }
      }
      addActionNoise(a, { seed: SEED, env: e, t: j, noiseStd });
      actions.set(a, k * A);
      cpu.step(s, a, res.subarray(3 * k, 3 * k + 3));
      dones += res[3 * k + 1]!;
      traj.set(s, ((j + 1) * n + e) * S);
      cpu.observe(s, obs.subarray(k * O, (k + 1) * O));
    }
  }
  // WGSL TWIN
  const code = shader(task, n, steps);
  const compile = await compileMessages(device, code);
  const bufs = [
    createStorage(device, { data: actions }),
    createStorage(device, { size: traj.byteLength }),
    createStorage(device, { size: res.byteLength }),
    createStorage(device, { size: obs.byteLength }),
    createStorage(device, { size: exp.byteLength }),
  ];
  dispatch(device, [{
    pipeline: getPipeline(device, { code }),
    buffers: bufs,
    workgroups: [Math.ceil(n / 64)],
  }]);
  const read = async (i: number, len: number) =>
    new Float32Array(await readBuffer(device, bufs[i]!, 4 * len));
  const gTraj = await read(1, traj.length);
  const gRes = await read(2, res.length);
  const gObs = await read(3, obs.length);
  const gExp = await read(4, exp.length);
  for (const b of bufs) b.destroy();
  const maxDiff = (
    x: Float32Array,
    y: Float32Array,
    from = 0,
    to = x.length,
  ) => {
    let m = 0;
    for (let i = from; i < to; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
    return Number.isNaN(m) ? Infinity : m;
  };
  return {
    compile,
    reset: maxDiff(traj, gTraj, 0, n * S),
    state: maxDiff(traj, gTraj),
    result: maxDiff(res, gRes),
    obs: maxDiff(obs, gObs),
    expert: maxDiff(exp, gExp),
    dones,
  };
}
