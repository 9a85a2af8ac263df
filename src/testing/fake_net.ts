/**
 * Private test double: a tiny per-token linear {@linkcode PolicyNet}
 * `v[b,i,j] = alpha·x[b,i,j] + gamma·time[b,i] + kappa·Σ_o obs[b,o]`, whose
 * Jacobian is `alpha·I`, so guidance math can be checked by hand.
 *
 * @module
 */

import { resolveModelConfig } from "../policy/config.ts";
import type { LossBatch, NetInputs, PolicyNet } from "../policy/net.ts";

/** Coefficients and sizes of the fake net. */
export interface FakeNetOptions {
  horizon: number;
  actionDim: number;
  obsDim: number;
  alpha: number;
  gamma: number;
  kappa: number;
}

/** A fake net that also records every input it sees. */
export interface FakeNet extends PolicyNet {
  readonly calls: { kind: "forward" | "vjp"; inputs: NetInputs }[];
}

/** Creates the fake linear net. */
export function fakeLinearNet(o: FakeNetOptions): FakeNet {
  const config = resolveModelConfig({
    actionChunkSize: o.horizon,
    channelDim: 2,
    channelHiddenDim: 2,
    tokenHiddenDim: 2,
    numLayers: 1,
  });
  const calls: FakeNet["calls"] = [];
  const f = (inputs: NetInputs): Float32Array => {
    const { batch, obs, xt, time } = inputs;
    const v = new Float32Array(batch * o.horizon * o.actionDim);
    for (let b = 0; b < batch; b++) {
      let so = 0;
      for (let k = 0; k < o.obsDim; k++) so += obs[b * o.obsDim + k]!;
      for (let i = 0; i < o.horizon; i++) {
        for (let j = 0; j < o.actionDim; j++) {
          const idx = (b * o.horizon + i) * o.actionDim + j;
          v[idx] = o.alpha * xt[idx]! + o.gamma * time[b * o.horizon + i]! +
            o.kappa * so;
        }
      }
    }
    return v;
  };
  const copy = (i: NetInputs): NetInputs => ({
    batch: i.batch,
    obs: i.obs.slice(),
    xt: i.xt.slice(),
    time: i.time.slice(),
  });
  return {
    config,
    obsDim: o.obsDim,
    actionDim: o.actionDim,
    layout: { entries: [], size: 0 },
    backend: "cpu",
    calls,
    params: () => new Float32Array(0),
    setParams() {},
    forward(inputs) {
      calls.push({ kind: "forward", inputs: copy(inputs) });
      return Promise.resolve(f(inputs));
    },
    vjp(inputs, cotangent) {
      calls.push({ kind: "vjp", inputs: copy(inputs) });
      const gradXt = cotangent.map((c) => o.alpha * c);
      return Promise.resolve({ v: f(inputs), gradXt });
    },
    lossAndGrad(_batch: LossBatch) {
      return Promise.reject(new Error("fake net cannot train"));
    },
  };
}
