/**
 * Private: bidirectional decoding (BID, upstream `bid_action`). N naive
 * candidates per environment, scored by the backward loss against the
 * previous chunk and optionally a forward contrast against a weak policy.
 *
 * @module
 */

import type { PolicyNet } from "../policy/net.ts";
import { naiveFlow } from "./_flow.ts";
import type { MethodConfig } from "./method_config.ts";
import { prefixWeights } from "./prefix_weights.ts";
import type { ChunkRequest, FlowStepTrace } from "./sample.ts";

/** `Σ_h w_h ‖a[n,b,h,:] − y[b,h,:]‖` for every candidate, `[N, B]`. */
function backwardLoss(
  actions: Float32Array,
  y: Float32Array,
  w: Float32Array,
  dims: { n: number; b: number; h: number; a: number },
): Float64Array {
  const { n, b, h, a } = dims;
  const loss = new Float64Array(n * b);
  for (let s = 0; s < n; s++) {
    for (let e = 0; e < b; e++) {
      let total = 0;
      for (let i = 0; i < h; i++) {
        const base = ((s * b + e) * h + i) * a;
        const ybase = (e * h + i) * a;
        let sq = 0;
        for (let j = 0; j < a; j++) {
          const d = actions[base + j]! - y[ybase + j]!;
          sq += d * d;
        }
        total += w[e * h + i]! * Math.sqrt(sq);
      }
      loss[s * b + e] = total;
    }
  }
  return loss;
}

/** Indices of the k smallest losses of environment e (ties: lower index first). */
function topK(
  loss: Float64Array,
  e: number,
  dims: { n: number; b: number },
  k: number,
): number[] {
  const idx = Array.from({ length: dims.n }, (_, s) => s);
  idx.sort((p, q) => loss[p * dims.b + e]! - loss[q * dims.b + e]! || p - q);
  return idx.slice(0, k);
}

/** Σ_h ‖x[s,e,h,:] − z[t,e,h,:]‖ between two candidate rows. */
function chunkDistance(
  x: Float32Array,
  rowX: number,
  z: Float32Array,
  rowZ: number,
  ha: number,
  a: number,
): number {
  let total = 0;
  for (let i = 0; i < ha; i += a) {
    let sq = 0;
    for (let j = 0; j < a; j++) {
      const d = x[rowX * ha + i + j]! - z[rowZ * ha + i + j]!;
      sq += d * d;
    }
    total += Math.sqrt(sq);
  }
  return total;
}

/** Runs BID from the candidate noise `x` (`[N·B, H, A]`, row n·B + b). */
export async function bidSelect(
  net: PolicyNet,
  req: ChunkRequest,
  method: MethodConfig,
  x: Float32Array,
  steps?: FlowStepTrace[],
): Promise<{ chunk: Float32Array; loss: Float32Array; choice: Int32Array }> {
  const n = method.bidSamples;
  const b = req.batch;
  const h = net.config.actionChunkSize;
  const a = net.actionDim;
  const ha = h * a;
  const o = net.obsDim;
  const dims = { n, b, h, a };
  // CANDIDATES
  const obs = new Float32Array(n * b * o);
  for (let s = 0; s < n; s++) obs.set(req.obs, s * b * o);
  const weakNoise = method.bidWeakPolicy ? x.slice() : undefined;
  const strong = await naiveFlow(net, {
    obs,
    x,
    numFlowSteps: method.numFlowSteps,
    steps,
  });
  // BACKWARD LOSS
  const w = new Float32Array(b * h);
  for (let e = 0; e < b; e++) {
    prefixWeights(
      req.delay![e]!,
      h - req.executeHorizon![e]!,
      h,
      "exp",
      w.subarray(e * h, (e + 1) * h),
    );
  }
  const y = req.prevChunk!;
  const loss = backwardLoss(strong, y, w, dims);
  // FORWARD CONTRAST
  if (method.bidWeakPolicy && method.bidK !== null) {
    const weak = await naiveFlow(method.bidWeakPolicy, {
      obs,
      x: weakNoise!,
      numFlowSteps: method.numFlowSteps,
    });
    const weakLoss = backwardLoss(weak, y, w, dims);
    const k = method.bidK;
    for (let e = 0; e < b; e++) {
      const plus = topK(loss, e, dims, k);
      const minus = topK(weakLoss, e, dims, k);
      const forward = new Float64Array(n);
      for (let s = 0; s < n; s++) {
        let fl = 0;
        for (const p of plus) {
          fl += chunkDistance(strong, s * b + e, strong, p * b + e, ha, a);
        }
        for (const q of minus) {
          fl -= chunkDistance(strong, s * b + e, weak, q * b + e, ha, a);
        }
        forward[s] = fl;
      }
      for (let s = 0; s < n; s++) loss[s * b + e]! += forward[s]! / n;
    }
  }
  // SELECT
  const chunk = new Float32Array(b * ha);
  const choice = new Int32Array(b);
  for (let e = 0; e < b; e++) {
    let best = 0;
    for (let s = 1; s < n; s++) {
      if (loss[s * b + e]! < loss[best * b + e]!) best = s;
    }
    choice[e] = best;
    chunk.set(
      strong.subarray((best * b + e) * ha, (best * b + e + 1) * ha),
      e * ha,
    );
  }
  return { chunk, loss: Float32Array.from(loss), choice };
}
