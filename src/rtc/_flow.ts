/**
 * Private flow loops of {@linkcode sampleChunk}: initial noise, the plain
 * (optionally prefix-conditioned) Euler flow and the ΠGDM-guided flow.
 *
 * @module
 */

import type { NetInputs, PolicyNet } from "../policy/net.ts";
import type { ChunkRequest, FlowStepTrace } from "./sample.ts";
import type { MethodConfig } from "./method_config.ts";
import { deriveSeed, fillNormal, NOISE_TAG } from "../rng/noise.ts";
import { guidanceWeight } from "./guidance_weight.ts";
import { prefixWeights } from "./prefix_weights.ts";

/** Initial noise `[rows·H·A]`: row r = n·B + b uses env b's stream, elements from n·H·A. */
export function initialNoise(
  req: ChunkRequest,
  ha: number,
  samples: number,
): Float32Array {
  const { batch } = req;
  const x = new Float32Array(samples * batch * ha);
  for (let b = 0; b < batch; b++) {
    const counter = typeof req.counter === "number"
      ? req.counter
      : req.counter[b]!;
    const seed = deriveSeed(req.seed, counter, NOISE_TAG);
    const stream = req.streams ? req.streams[b]! : b;
    for (let n = 0; n < samples; n++) {
      const row = n * batch + b;
      fillNormal(x.subarray(row * ha, (row + 1) * ha), {
        seed,
        stream,
        start: n * ha,
      });
    }
  }
  return x;
}

/**
 * Runs the Euler flow from noise `x` (rows `obs.length / O`) with plain
 * velocities, optionally under training-time prefix conditioning.
 */
export async function naiveFlow(
  net: PolicyNet,
  args: {
    obs: Float32Array;
    x: Float32Array;
    numFlowSteps: number;
    steps?: FlowStepTrace[];
    prefix?: { y: Float32Array; delay: Int32Array };
  },
): Promise<Float32Array> {
  const { obs, x, numFlowSteps } = args;
  if (net.flow && !args.steps) {
    return await net.flow({ obs, x, numFlowSteps, prefix: args.prefix });
  }
  const h = net.config.actionChunkSize;
  const a = net.actionDim;
  const rows = obs.length / net.obsDim;
  const dt = 1 / numFlowSteps;
  const time = new Float32Array(rows * h);
  const applyPrefix = () => {
    const p = args.prefix!;
    for (let r = 0; r < rows; r++) {
      const d = p.delay[r]!;
      x.set(p.y.subarray(r * h * a, (r * h + d) * a), r * h * a);
    }
  };
  for (let k = 0; k < numFlowSteps; k++) {
    const t = k * dt;
    time.fill(t);
    if (args.prefix) {
      applyPrefix();
      for (let r = 0; r < rows; r++) {
        time.fill(1, r * h, r * h + args.prefix.delay[r]!);
      }
    }
    const inputs: NetInputs = { batch: rows, obs, xt: x, time };
    const v = await net.forward(inputs);
    args.steps?.push({ t, xt: x.slice(), v, guidanceWeight: 0 });
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + dt * v[i]!;
  }
  if (args.prefix) applyPrefix();
  return x;
}

export async function realtimeFlow(
  net: PolicyNet,
  req: ChunkRequest,
  method: MethodConfig,
  x: Float32Array,
  steps?: FlowStepTrace[],
): Promise<Float32Array> {
  const { batch, obs } = req;
  const h = net.config.actionChunkSize;
  const a = net.actionDim;
  const y = req.prevChunk!;
  const dt = 1 / method.numFlowSteps;
  const w = new Float32Array(batch * h);
  for (let b = 0; b < batch; b++) {
    prefixWeights(
      req.delay![b]!,
      h - req.executeHorizon![b]!,
      h,
      method.schedule,
      w.subarray(b * h, (b + 1) * h),
    );
  }
  if (net.flow && !steps) {
    const guidanceWeights = Float64Array.from(
      { length: method.numFlowSteps },
      (_, k) => guidanceWeight(k * dt, method.maxGuidanceWeight),
    );
    return await net.flow({
      obs,
      x,
      numFlowSteps: method.numFlowSteps,
      guidance: { y, weights: w, guidanceWeights },
    });
  }
  const time = new Float32Array(batch * h);
  const e = new Float32Array(x.length);
  for (let k = 0; k < method.numFlowSteps; k++) {
    const t = k * dt;
    time.fill(t);
    const inputs: NetInputs = { batch, obs, xt: x, time };
    // GUIDANCE: e = (y − (x + v·(1−t)))·w, g = J_denoise(x)ᵀ e = e + (1−t)·J_fᵀ e
    const v = await net.forward(inputs);
    for (let i = 0; i < x.length; i++) {
      const denoised = x[i]! + v[i]! * (1 - t);
      e[i] = (y[i]! - denoised) * w[Math.floor(i / a)]!;
    }
    const { gradXt } = await net.vjp(inputs, e);
    const gw = guidanceWeight(t, method.maxGuidanceWeight);
    steps?.push({
      t,
      xt: x.slice(),
      v,
      guidanceWeight: gw,
      error: e.slice(),
    });
    for (let i = 0; i < x.length; i++) {
      const g = e[i]! + (1 - t) * gradXt[i]!;
      x[i] = x[i]! + dt * (v[i]! + gw * g);
    }
  }
  return x;
}
