/**
 * The native {@linkcode PolicyNet}: the FlowPolicy network on the C engine
 * (`backend: "native"`), with the whole Euler flow of a chunk in one call
 * (`flow`, used by `sampleChunk` for naive, realtime, hard masking, BID's
 * candidates and training-time sampling).
 *
 * @module
 */

import type { ModelConfig } from "../policy/config.ts";
import type { ParamLayout } from "../policy/params.ts";
import type { NetFlowArgs, PolicyNet } from "../policy/net.ts";
import {
  checkNetInputs,
  type LossBatch,
  type NetInputs,
  prepareLoss,
} from "../policy/net_inputs.ts";
import type { NativeEngine } from "./build.ts";

/**
 * Options for {@linkcode createNativeNet}.
 *
 * @example
 * ```ts ignore
 * const options: NativeNetOptions = { config, obsDim, actionDim, layout, params, threads: 1 };
 * ```
 */
export interface NativeNetOptions {
  /** The architecture. */
  config: ModelConfig;
  /** Observation size O. */
  obsDim: number;
  /** Action size A. */
  actionDim: number;
  /** Parameter layout (from `paramLayout`). */
  layout: ParamLayout;
  /** Initial flat parameters (copied). */
  params: Float32Array;
  /** Threads. @default engine.threads */
  threads?: number;
  /** Samples per tile (the unit of work of a thread). @default 8 */
  tileSamples?: number;
}

const BLOCK_TENSORS = [
  "token_mix_in.kernel",
  "token_mix_out.kernel",
  "channel_mix_in.kernel",
  "channel_mix_out.kernel",
  "adaln_1.kernel",
  "adaln_1.bias",
  "adaln_2.kernel",
  "adaln_2.bias",
];
const TAIL_TENSORS = [
  "time_mlp.layers.0.kernel",
  "time_mlp.layers.0.bias",
  "time_mlp.layers.2.kernel",
  "time_mlp.layers.2.bias",
  "final_adaln.kernel",
  "final_adaln.bias",
  "out_proj.kernel",
  "out_proj.bias",
];

/** Parameter offsets in the order the C engine reads them. */
function engineOffsets(layout: ParamLayout, layers: number): Int32Array {
  const byName = new Map(layout.entries.map((e) => [e.name, e.offset]));
  const names = ["in_proj.kernel", "in_proj.bias"];
  for (let l = 0; l < layers; l++) {
    for (const t of BLOCK_TENSORS) names.push(`mlp_stack.${l}.${t}`);
  }
  names.push(...TAIL_TENSORS);
  return Int32Array.from(names, (n) => byName.get(n)!);
}

const finalizer = new FinalizationRegistry<() => void>((free) => free());

/**
 * Creates a network on the native engine (use `createNet` with a native
 * backend instead). Native memory is freed by `destroy()` or, failing that,
 * when the network is garbage-collected.
 *
 * @param engine From `loadNativeEngine()`.
 * @param options Config, sizes, layout, parameters and threading.
 * @returns The network.
 * @throws {TypeError} If params has the wrong length.
 * @throws {RangeError} If the architecture is outside what the engine supports
 *   (more than 32 blocks or chunks longer than 64) or the thread count is invalid.
 *
 * @example
 * ```ts
 * import { createNativeNet } from "./net_native.ts";
 * import { loadNativeEngine, nativeStatus } from "./build.ts";
 * import { initParams, paramLayout } from "../policy/params.ts";
 * import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
 * import assert from "node:assert/strict";
 * if ((await nativeStatus()).available) {
 *   const dims = { obsDim: 2, actionDim: 1 };
 *   const layout = paramLayout(SMALL_MODEL_CONFIG, dims);
 *   const net = createNativeNet(await loadNativeEngine(), {
 *     config: SMALL_MODEL_CONFIG, ...dims, layout, params: initParams(layout, { seed: 0 }),
 *   });
 *   const v = await net.forward({ batch: 1, obs: new Float32Array(2), xt: new Float32Array(4), time: new Float32Array(4) });
 *   assert.equal(v.length, 4);
 *   net.destroy!();
 * }
 * ```
 */
export function createNativeNet(
  engine: NativeEngine,
  options: NativeNetOptions,
): PolicyNet {
  const { config, obsDim, actionDim, layout } = options;
  const H = config.actionChunkSize, A = actionDim, O = obsDim;
  const threads = options.threads ?? engine.threads;
  const tile = options.tileSamples ?? 8;
  if (options.params.length !== layout.size) {
    throw new TypeError(
      `Cannot create native network as params must have length ${layout.size}: current length is ${options.params.length}`,
    );
  }
  if (config.numLayers > 32 || H > 64) {
    throw new RangeError(
      `Cannot create native network as numLayers must be at most 32 and actionChunkSize at most 64: current values are ${config.numLayers} and ${H}`,
    );
  }
  for (const [name, v] of [["threads", threads], ["tileSamples", tile]]) {
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 256) {
      throw new RangeError(
        `Cannot create native network as ${name} must be an integer in [1, 256]: current value is ${v}`,
      );
    }
  }
  const sym = engine.symbols;
  const dims = Int32Array.of(
    H,
    A,
    O,
    config.channelDim,
    config.channelHiddenDim,
    config.tokenHiddenDim,
    config.numLayers,
  );
  const handle = sym.xd_net_create(
    dims,
    engineOffsets(layout, config.numLayers),
    threads,
    tile,
  );
  if (handle === null) {
    throw new RangeError(
      `Cannot create native network as the engine refused the shape or ran out of memory: current shape is ${
        JSON.stringify(config)
      }`,
    );
  }
  let live: Deno.PointerObject | null = handle;
  const token = {};
  finalizer.register(token, () => sym.xd_net_destroy(handle), token);
  const ptr = (): Deno.PointerObject => {
    if (live === null) {
      throw new Error(
        "Cannot use native network as it was destroyed",
      );
    }
    return live;
  };
  let params = Float32Array.from(options.params);
  sym.xd_net_set_params(handle, params);
  const shapeDims = { H, A, O };
  const oom = (what: string, batch: number) =>
    new RangeError(
      `Cannot ${what} on the native engine as it ran out of memory: current batch is ${batch}`,
    );

  const net: PolicyNet = {
    config,
    obsDim,
    actionDim,
    layout,
    backend: "native",
    params: () => Float32Array.from(params),
    setParams(p: Float32Array) {
      if (p.length !== layout.size) {
        throw new TypeError(
          `Cannot set parameters as params must have length ${layout.size}: current length is ${p.length}`,
        );
      }
      params = Float32Array.from(p);
      sym.xd_net_set_params(ptr(), params);
    },
    forward(inputs: NetInputs) {
      return settle(() => {
        checkNetInputs(inputs, shapeDims);
        const v = new Float32Array(inputs.batch * H * A);
        const rc = sym.xd_forward(
          ptr(),
          inputs.batch,
          inputs.obs,
          inputs.xt,
          inputs.time,
          v,
        );
        if (rc !== 0) throw oom("evaluate policy network", inputs.batch);
        return v;
      });
    },
    vjp(inputs: NetInputs, cotangent: Float32Array) {
      return settle(() => {
        checkNetInputs(inputs, shapeDims);
        const n = inputs.batch * H * A;
        if (cotangent.length !== n) {
          throw new TypeError(
            `Cannot compute VJP as cotangent must have length ${n}: current length is ${cotangent.length}`,
          );
        }
        const v = new Float32Array(n), gradXt = new Float32Array(n);
        const rc = sym.xd_vjp(
          ptr(),
          inputs.batch,
          inputs.obs,
          inputs.xt,
          inputs.time,
          cotangent,
          v,
          gradXt,
        );
        if (rc !== 0) throw oom("compute VJP", inputs.batch);
        return { v, gradXt };
      });
    },
    lossAndGrad(batch: LossBatch) {
      return settle(() => {
        const prep = prepareLoss(batch, shapeDims);
        const B = prep.inputs.batch;
        const v = new Float32Array(B * H * A);
        const grad = new Float32Array(layout.size);
        const loss = sym.xd_loss_grad(
          ptr(),
          B,
          prep.inputs.obs,
          prep.inputs.xt,
          prep.inputs.time,
          prep.target,
          prep.weight,
          v,
          grad,
        );
        if (loss < 0) throw oom("compute flow-matching loss", B);
        return { loss, grad };
      });
    },
    flow(args: NetFlowArgs) {
      return settle(() => runFlow(sym, ptr(), args, shapeDims));
    },
    destroy() {
      if (live === null) return;
      finalizer.unregister(token);
      sym.xd_net_destroy(live);
      live = null;
    },
  };
  return net;
}

function runFlow(
  sym: NativeEngine["symbols"],
  handle: Deno.PointerObject,
  args: NetFlowArgs,
  dims: { H: number; A: number; O: number },
): Float32Array {
  const { obs, x, numFlowSteps: n } = args;
  const { H, A, O } = dims;
  const rows = obs.length / O;
  if (!Number.isInteger(rows) || rows < 1 || x.length !== rows * H * A) {
    throw new TypeError(
      `Cannot run flow as x must have length ${
        rows * H * A
      } for ${rows} observation rows: current length is ${x.length}`,
    );
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(
      `Cannot run flow as numFlowSteps must be a positive integer: current value is ${n}`,
    );
  }
  const g = args.guidance, p = args.prefix;
  if (g && p) {
    throw new TypeError(
      "Cannot run flow as guidance and prefix are exclusive: current value has both",
    );
  }
  const y = g?.y ?? p?.y ?? null;
  if (y && y.length !== x.length) {
    throw new TypeError(
      `Cannot run flow as y must have length ${x.length}: current length is ${y.length}`,
    );
  }
  if (g && (g.weights.length !== rows * H || g.guidanceWeights.length !== n)) {
    throw new TypeError(
      `Cannot run flow as guidance weights must have lengths ${
        rows * H
      } and ${n}: current lengths are ${g.weights.length} and ${g.guidanceWeights.length}`,
    );
  }
  if (p) {
    if (p.delay.length !== rows || p.delay.some((d) => d < 0 || d > H)) {
      throw new RangeError(
        `Cannot run flow as prefix delays must be ${rows} integers in [0, ${H}]: current values are ${p.delay}`,
      );
    }
  }
  const rc = sym.xd_flow(
    handle,
    rows,
    obs,
    x,
    n,
    y,
    p?.delay ?? null,
    g?.weights ?? null,
    g?.guidanceWeights ?? null,
  );
  if (rc !== 0) {
    throw new RangeError(
      `Cannot run flow on the native engine as it ran out of memory: current rows are ${rows}`,
    );
  }
  return x;
}

/** Runs `fn` and turns a throw into a rejected promise. */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e);
  }
}
