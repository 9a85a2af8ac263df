/**
 * WebGPU implementation of {@linkcode VecEnv}: the states, episode counters
 * and log stay in storage buffers; each step call is one dispatch of
 * `step_envs` (see `batch_wgsl.ts`) that runs `steps` steps of every
 * environment through the wrapper's `eval_step`.
 *
 * @module
 */

import {
  createStorage,
  createUniform,
  dispatch,
  getPipeline,
  readBuffer,
  writeBuffer,
} from "../gpu/kernel.ts";
import type { StepOutput, VecEnv } from "./batch.ts";
import { BATCH_PARAMS, BATCH_WORKGROUP, batchShader } from "./batch_wgsl.ts";
import type { RolloutLog } from "./episode_log.ts";
import type { Task } from "./types.ts";
import { ACTION_NOISE_SALT } from "./wrapper.ts";
import { decodeGpuLog, gpuLogStride } from "./wrapper_wgsl.ts";

/**
 * N environments stepped by one WebGPU kernel (create it with
 * `createVecEnv`, which picks this class for a `webgpu` backend).
 *
 * @example
 * ```ts ignore
 * import { GpuVecEnv } from "./batch_gpu.ts";
 * import { REACH_AROUND } from "./reach_around/mod.ts";
 * const adapter = await navigator.gpu.requestAdapter();
 * const device = await adapter!.requestDevice();
 * const env = new GpuVecEnv(REACH_AROUND, device, { n: 256, seed: 0, noiseStd: 0.1 });
 * await env.reset();
 * await env.stepExpert(100);
 * console.log(await env.log());
 * ```
 */
export class GpuVecEnv implements VecEnv {
  /** The task. */
  readonly task: Task;
  /** Number of environments. */
  readonly n: number;
  /** Run seed. */
  readonly seed: number;
  /** Action-noise standard deviation. */
  readonly noiseStd: number;
  /** Always `"webgpu"`. */
  readonly backend = "webgpu" as const;
  readonly #device: GPUDevice;
  readonly #resetPipeline: GPUComputePipeline;
  readonly #stepPipeline: GPUComputePipeline;
  readonly #params: GPUBuffer;
  readonly #states: GPUBuffer;
  readonly #episodes: GPUBuffer;
  readonly #logs: GPUBuffer;
  readonly #obs: GPUBuffer;
  #actions: GPUBuffer;
  #results: GPUBuffer;
  #capacity = 1;
  #t = 0;

  /**
   * Compiles (or reuses) the kernel and allocates the buffers.
   *
   * @param task The task.
   * @param device The device.
   * @param options Resolved options.
   */
  constructor(
    task: Task,
    device: GPUDevice,
    options: { n: number; seed: number; noiseStd: number },
  ) {
    this.task = task;
    this.n = options.n;
    this.seed = options.seed;
    this.noiseStd = options.noiseStd;
    this.#device = device;
    const code = batchShader(task);
    const label = `envs/${task.spec.name}`;
    this.#resetPipeline = getPipeline(device, {
      code,
      entryPoint: "reset_envs",
      label,
    });
    this.#stepPipeline = getPipeline(device, {
      code,
      entryPoint: "step_envs",
      label,
    });
    const { stateDim, obsDim, actionDim } = task.spec;
    this.#params = createUniform(device, new Uint8Array(BATCH_PARAMS.size));
    this.#states = createStorage(device, { size: 4 * this.n * stateDim });
    this.#episodes = createStorage(device, { size: 4 * this.n });
    this.#logs = createStorage(device, {
      size: 4 * this.n * gpuLogStride(actionDim),
    });
    this.#obs = createStorage(device, { size: 4 * this.n * obsDim });
    this.#actions = createStorage(device, { size: 4 * this.n * actionDim });
    this.#results = createStorage(device, { size: 4 * this.n * 3 });
  }

  /** Global step counter. */
  get tGlobal(): number {
    return this.#t;
  }

  #ensureCapacity(steps: number): void {
    if (steps <= this.#capacity) return;
    this.#actions.destroy();
    this.#results.destroy();
    this.#capacity = steps;
    this.#actions = createStorage(this.#device, {
      size: 4 * steps * this.n * this.task.spec.actionDim,
    });
    this.#results = createStorage(this.#device, {
      size: 4 * steps * this.n * 3,
    });
  }

  #writeParams(steps: number, useExpert: boolean): void {
    writeBuffer(
      this.#device,
      this.#params,
      BATCH_PARAMS.pack({
        n: this.n,
        seed: this.seed,
        noise_seed: (this.seed ^ ACTION_NOISE_SALT) >>> 0,
        t_global: this.#t,
        steps,
        use_expert: useExpert ? 1 : 0,
        noise_std: this.noiseStd,
        pad: 0,
      }),
    );
  }

  async #readObs(): Promise<Float32Array> {
    return new Float32Array(
      await readBuffer(
        this.#device,
        this.#obs,
        4 * this.n * this.task.spec.obsDim,
      ),
    );
  }

  /** Resets every environment to episode 0. */
  async reset(): Promise<Float32Array> {
    this.#t = 0;
    this.#writeParams(0, false);
    dispatch(this.#device, [{
      pipeline: this.#resetPipeline,
      buffers: [
        this.#params,
        this.#states,
        this.#episodes,
        this.#logs,
        this.#obs,
      ],
      workgroups: [Math.ceil(this.n / BATCH_WORKGROUP)],
    }]);
    return await this.#readObs();
  }

  /** Executes `steps` given actions per environment. */
  step(
    actions: Float32Array,
    options: { steps?: number } = {},
  ): Promise<StepOutput> {
    const steps = options.steps ?? 1;
    const need = steps * this.n * this.task.spec.actionDim;
    if (!Number.isInteger(steps) || steps < 1 || actions.length < need) {
      throw new RangeError(
        `Cannot step environments as actions must hold steps * n * actionDim = ${need} values: current length is ${actions.length} (steps ${steps})`,
      );
    }
    this.#ensureCapacity(steps);
    writeBuffer(this.#device, this.#actions, actions.subarray(0, need));
    return this.#run(steps, false);
  }

  /** Executes `steps` expert steps per environment. */
  stepExpert(steps: number): Promise<StepOutput> {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new RangeError(
        `Cannot step environments as steps must be a positive integer: current value is ${steps}`,
      );
    }
    this.#ensureCapacity(steps);
    return this.#run(steps, true);
  }

  async #run(steps: number, useExpert: boolean): Promise<StepOutput> {
    this.#writeParams(steps, useExpert);
    dispatch(this.#device, [{
      pipeline: this.#stepPipeline,
      buffers: [
        this.#params,
        this.#states,
        this.#episodes,
        this.#logs,
        this.#obs,
        this.#actions,
        this.#results,
      ],
      workgroups: [Math.ceil(this.n / BATCH_WORKGROUP)],
    }]);
    this.#t += steps;
    const results = new Float32Array(
      await readBuffer(this.#device, this.#results, 4 * steps * this.n * 3),
    );
    return { obs: await this.#readObs(), results };
  }

  /** Copy of the states. */
  async states(): Promise<Float32Array> {
    return new Float32Array(
      await readBuffer(
        this.#device,
        this.#states,
        4 * this.n * this.task.spec.stateDim,
      ),
    );
  }

  /** Copy of the episode counters. */
  async episodes(): Promise<Uint32Array> {
    return new Uint32Array(
      await readBuffer(this.#device, this.#episodes, 4 * this.n),
    );
  }

  /** The first-episode log. */
  async log(): Promise<RolloutLog> {
    const A = this.task.spec.actionDim;
    const raw = new Float32Array(
      await readBuffer(this.#device, this.#logs, 4 * this.n * gpuLogStride(A)),
    );
    return decodeGpuLog(raw, { numEnvs: this.n, actionDim: A, steps: this.#t });
  }

  /** Destroys the buffers. */
  destroy(): void {
    for (
      const b of [
        this.#params,
        this.#states,
        this.#episodes,
        this.#logs,
        this.#obs,
        this.#actions,
        this.#results,
      ]
    ) b.destroy();
  }
}
