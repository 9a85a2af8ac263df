/**
 * The WebGPU {@linkcode PolicyNet}: orchestration of the kernels in
 * `net_wgsl.ts`. Buffers (inputs, forward tape, backward scratch, weight
 * gradient partials, one staging buffer) are allocated once per batch size
 * and reused (for the last 4 batch sizes); each call records one compute
 * pass and reads its results back with a single map. Calls on one network
 * are serialised. Forward and VJP calls whose tokens share few distinct flow
 * times (sampling) run the time MLP and adaLN projections once per distinct
 * time and gather the results to the tokens (with one distinct time, every
 * token reads the single row in place).
 *
 * @module
 */

import {
  createStorage,
  type Dispatch,
  dispatch,
  writeBuffer,
} from "../gpu/kernel.ts";
import type { ModelConfig } from "./config.ts";
import type { ParamLayout } from "./params.ts";
import { type NetShape, netShape, posembFrequencies } from "./forward_cpu.ts";
import {
  checkNetInputs,
  type LossBatch,
  type NetInputs,
  prepareLoss,
} from "./net_inputs.ts";
import { policyKernels } from "./net_wgsl.ts";
import {
  buildPlan,
  buildXin,
  paddedOffsets,
  padParams,
  type Plan,
} from "./net_plan.ts";
import type { PolicyNet } from "./net.ts";

/**
 * Device-side handles of a WebGPU network, for code that chains its own
 * kernels between the network's dispatches (GPU-resident sampling,
 * `src/rtc/sample_gpu.ts`). Not part of the `PolicyNet` contract.
 */
export interface GpuNetInternals {
  /** The device the network lives on. */
  readonly device: GPUDevice;
  /** Sizes of the network. */
  readonly shape: NetShape;
  /**
   * Runs `fn` after every earlier call on the network has finished (calls are
   * serialised); throws if the network was destroyed.
   */
  serial<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * The buffers and dispatch lists of one batch size (cached for the last
   * few batch sizes; only valid inside {@linkcode GpuNetInternals.serial}).
   * Buffers pushed onto `plan.buffers` are destroyed with the plan.
   */
  plan(batch: number): Plan;
}

const internalsOf = new WeakMap<PolicyNet, GpuNetInternals>();

/**
 * The device-side handles of a network made by {@linkcode createGpuNet}, or
 * undefined for any other `PolicyNet`.
 *
 * @param net A network.
 * @returns Its internals, or undefined.
 *
 * @example
 * ```ts ignore
 * const gpu = gpuNetInternals(net);
 * if (gpu) await gpu.serial(async () => gpu.plan(256).staging.size);
 * ```
 */
export function gpuNetInternals(net: PolicyNet): GpuNetInternals | undefined {
  return internalsOf.get(net);
}

/** Batch sizes whose buffers a network keeps at once. */
const MAX_PLANS = 4;

/**
 * Creates the WebGPU network (use `createNet`).
 *
 * @param device The device.
 * @param options Config, sizes, layout and initial parameters (copied).
 * @returns The network.
 * @throws {RangeError} If channelDim or channelHiddenDim is not a multiple of 4.
 *
 * @example
 * ```ts ignore
 * const net = createGpuNet(device, { config, obsDim, actionDim, layout, params });
 * const v = await net.forward({ batch, obs, xt, time });
 * ```
 */
export function createGpuNet(
  device: GPUDevice,
  options: {
    config: ModelConfig;
    obsDim: number;
    actionDim: number;
    layout: ParamLayout;
    params: Float32Array;
  },
): PolicyNet {
  const { config, obsDim, actionDim, layout } = options;
  const shape = netShape(config, { obsDim, actionDim });
  checkGpuShape(shape);
  const kernels = policyKernels(shape);
  const padded = paddedOffsets(layout, shape);
  const paramsBuf = createStorage(device, {
    data: padParams(layout, padded, options.params),
    label: "policy params",
  });
  const freqBuf = createStorage(device, { data: posembFrequencies(shape.C) });
  const dummy = createStorage(device, { size: 16 });
  let hostParams = Float32Array.from(options.params);
  const plans = new Map<number, Plan>();
  let chain: Promise<unknown> = Promise.resolve();
  const dims = { H: shape.H, A: shape.A, O: shape.O };
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  const plan = (batch: number) => {
    let p = plans.get(batch);
    if (p) {
      plans.delete(batch); // most recently used last
      plans.set(batch, p);
    } else {
      // keep the plans of the last MAX_PLANS batch sizes (buffers are per plan)
      if (plans.size >= MAX_PLANS) {
        const [oldest, old] = plans.entries().next().value!;
        for (const b of old.buffers) b.destroy();
        plans.delete(oldest);
      }
      p = buildPlan(device, {
        shape,
        layout,
        padded,
        kernels,
        batch,
        paramsBuf,
        freqBuf,
        dummy,
      });
      plans.set(batch, p);
    }
    return p;
  };
  const upload = (p: Plan, inputs: NetInputs) => {
    writeBuffer(device, p.xin, buildXin(inputs, shape));
    writeBuffer(device, p.time, inputs.time);
  };
  // forward/VJP: run the time conditioning once per distinct time value when
  // they are few (sampling: one or two per call); returns the list to run
  const uploadDedup = (
    p: Plan,
    inputs: NetInputs,
    mode: "forward" | "vjp",
  ): Dispatch[] => {
    const N = inputs.batch * shape.H;
    const rows = new Map<number, number>();
    const idx = new Uint32Array(N);
    for (let n = 0; n < N; n++) {
      const t = inputs.time[n]!;
      let r = rows.get(t);
      if (r === undefined) {
        r = rows.size;
        rows.set(t, r);
      }
      idx[n] = r;
    }
    const T = 2 ** Math.ceil(Math.log2(rows.size));
    if (2 * T > N) {
      upload(p, inputs);
      return mode === "forward" ? p.forward : p.vjp;
    }
    const times = new Float32Array(T);
    for (const [t, r] of rows) times[r] = t;
    writeBuffer(device, p.xin, buildXin(inputs, shape));
    writeBuffer(device, p.time, times);
    writeBuffer(device, p.idx, idx);
    return p.dedup(T, mode);
  };
  const run = async (
    p: Plan,
    list: Dispatch[],
    reads: [GPUBuffer, number, number][],
  ): Promise<Float32Array[]> => {
    const enc = device.createCommandEncoder();
    dispatch(device, list, enc);
    let at = 0;
    for (const [buf, from, n] of reads) {
      enc.copyBufferToBuffer(buf, 4 * from, p.staging, at, 4 * n);
      at += 4 * n;
    }
    device.queue.submit([enc.finish()]);
    await p.staging.mapAsync(GPUMapMode.READ, 0, at);
    const all = new Float32Array(p.staging.getMappedRange(0, at).slice(0));
    p.staging.unmap();
    const out: Float32Array[] = [];
    let o = 0;
    for (const [, , n] of reads) {
      out.push(all.subarray(o, o + n));
      o += n;
    }
    return out;
  };
  let destroyed = false;
  const alive = () => {
    if (destroyed) {
      throw new Error("Cannot use policy network as it was destroyed");
    }
  };
  const net: PolicyNet = {
    config,
    obsDim,
    actionDim,
    layout,
    backend: "webgpu",
    params() {
      alive();
      return Float32Array.from(hostParams);
    },
    setParams(params: Float32Array) {
      alive();
      if (params.length !== layout.size) {
        throw new TypeError(
          `Cannot set parameters as params must have length ${layout.size}: current length is ${params.length}`,
        );
      }
      hostParams = Float32Array.from(params);
      writeBuffer(device, paramsBuf, padParams(layout, padded, hostParams));
    },
    async forward(inputs: NetInputs) {
      alive();
      checkNetInputs(inputs, dims);
      return await serial(async () => {
        const p = plan(inputs.batch);
        const list = uploadDedup(p, inputs, "forward");
        const N = inputs.batch * shape.H;
        const [v] = await run(p, list, [[p.v, 0, N * shape.A]]);
        return v!;
      });
    },
    async vjp(inputs: NetInputs, cotangent: Float32Array) {
      alive();
      checkNetInputs(inputs, dims);
      const N = inputs.batch * shape.H;
      if (cotangent.length !== N * shape.A) {
        throw new TypeError(
          `Cannot compute VJP as cotangent must have length ${
            N * shape.A
          }: current length is ${cotangent.length}`,
        );
      }
      return await serial(async () => {
        const p = plan(inputs.batch);
        const list = uploadDedup(p, inputs, "vjp");
        writeBuffer(device, p.gv, cotangent);
        const [v, gradXt] = await run(p, list, [
          [p.v, 0, N * shape.A],
          [p.gradXt, 0, N * shape.A],
        ]);
        return { v: v!, gradXt: gradXt! };
      });
    },
    async lossAndGrad(batch: LossBatch) {
      alive();
      const prep = prepareLoss(batch, dims);
      return await serial(async () => {
        const p = plan(batch.batch);
        upload(p, prep.inputs);
        writeBuffer(device, p.lossin, prep.target);
        writeBuffer(device, p.lossin, prep.weight, 4 * prep.target.length);
        const N = batch.batch * shape.H;
        const [grad, rows] = await run(p, p.loss, [
          [p.grad, 0, layout.size],
          [p.gv, N * shape.A, N],
        ]);
        let loss = 0;
        for (let i = 0; i < N; i++) loss += rows![i]!;
        return { loss, grad: grad! };
      });
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const p of plans.values()) for (const b of p.buffers) b.destroy();
      plans.clear();
      paramsBuf.destroy();
      freqBuf.destroy();
      dummy.destroy();
    },
  };
  internalsOf.set(net, {
    device,
    shape,
    serial: (fn) =>
      serial(() => {
        alive();
        return fn();
      }),
    plan,
  });
  return net;
}

/**
 * Throws when a network shape does not fit the WebGPU kernels: the matmuls
 * load vec4 rows, so C and Hc must be multiples of 4.
 */
function checkGpuShape(s: NetShape): void {
  const fail = (field: string, rule: string, value: number) => {
    throw new RangeError(
      `Cannot create WebGPU policy network as ${field} must be ${rule}: current value is ${value}`,
    );
  };
  if (s.C % 4 !== 0) fail("channelDim", "a multiple of 4", s.C);
  if (s.Hc % 4 !== 0) fail("channelHiddenDim", "a multiple of 4", s.Hc);
}
