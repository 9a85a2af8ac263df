import assert from "node:assert/strict";
import { createNet } from "./net.ts";
import { resolveModelConfig } from "./config.ts";
import { paramLayout, randomParams } from "./params.ts";
import { forwardCpu, netShape } from "./forward_cpu.ts";
import { getBackend } from "../gpu/backend.ts";

const config = resolveModelConfig({
  channelDim: 8,
  channelHiddenDim: 8,
  tokenHiddenDim: 4,
  numLayers: 1,
  actionChunkSize: 2,
});
const dims = { obsDim: 3, actionDim: 2 };
const layout = paramLayout(config, dims);
const params = randomParams(layout, { seed: 9 });
const inputs = {
  batch: 2,
  obs: new Float32Array([1, 2, 3, -1, 0, 1]),
  xt: new Float32Array([0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4]),
  time: new Float32Array([0.2, 0.2, 1, 0.7]),
};

Deno.test("createNet() on the CPU runs the float32 reference and copies params", async () => {
  const net = await createNet(await getBackend({ backend: "cpu" }), {
    config,
    ...dims,
    params,
  });
  assert.equal(net.backend, "cpu");
  const v = await net.forward(inputs);
  const ref = forwardCpu(params, {
    layout,
    shape: netShape(config, dims),
    inputs,
    precision: "f32",
  }).v;
  assert.deepEqual(v, ref);
  const copy = net.params();
  copy[0] = 99;
  assert.notEqual(net.params()[0], 99);
  const { v: v2, gradXt } = await net.vjp(inputs, new Float32Array(8).fill(1));
  assert.deepEqual(v2, v);
  assert.equal(gradXt.length, 8);
});

Deno.test("createNet() lossAndGrad() is the masked mean of (f − u)²", async () => {
  const net = await createNet(await getBackend({ backend: "cpu" }), {
    config,
    ...dims,
    params,
  });
  const batch = {
    batch: 2,
    obs: inputs.obs,
    actions: new Float32Array(8).fill(0.5),
    t: new Float32Array([0.3, 0.6]),
    eps: new Float32Array([1, -1, 0.5, 0.2, 0, 0.1, -0.3, 0.9]),
    delay: new Int32Array([1, 0]),
  };
  const { loss, grad } = await net.lossAndGrad(batch);
  // recompute by hand: sample 0 token 0 has time 1 and x_t = a, and is excluded
  const f = Math.fround;
  const xt = new Float32Array(8), time = new Float32Array([1, 0.3, 0.6, 0.6]);
  for (let i = 0; i < 8; i++) {
    const tau = time[Math.floor(i / 2)]!;
    xt[i] = f(f(f(1 - tau) * batch.eps[i]!) + f(tau * 0.5));
  }
  const v = await net.forward({ batch: 2, obs: inputs.obs, xt, time });
  let sum = 0;
  for (let i = 2; i < 8; i++) sum += (v[i]! - f(0.5 - batch.eps[i]!)) ** 2;
  assert.ok(Math.abs(loss - sum / 6) < 1e-6 * sum, `${loss} vs ${sum / 6}`);
  assert.equal(grad.length, layout.size);
  // delay 0 everywhere equals the plain loss
  const plain = await net.lossAndGrad({ ...batch, delay: undefined });
  const zero = await net.lossAndGrad({ ...batch, delay: new Int32Array(2) });
  assert.equal(plain.loss, zero.loss);
});

Deno.test("createNet() rejects wrong lengths naming the field", async () => {
  const backend = await getBackend({ backend: "cpu" });
  await assert.rejects(
    () => createNet(backend, { config, ...dims, params: new Float32Array(3) }),
    /params must have length/,
  );
  const net = await createNet(backend, { config, ...dims, params });
  await assert.rejects(
    () => net.forward({ ...inputs, time: new Float32Array(3) }),
    /time must have length 4: current length is 3/,
  );
  await assert.rejects(
    () =>
      net.lossAndGrad({
        batch: 2,
        obs: inputs.obs,
        actions: new Float32Array(8),
        t: new Float32Array(2),
        eps: new Float32Array(8),
        delay: new Int32Array([0, 3]),
      }),
    /delay\[1\] must be an integer in \[0, 2\]: current value is 3/,
  );
});
