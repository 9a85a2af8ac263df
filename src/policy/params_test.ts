import assert from "node:assert/strict";
import {
  DEFAULT_MODEL_CONFIG,
  resolveModelConfig,
  SMALL_MODEL_CONFIG,
} from "./config.ts";
import { initParams, paramEntry, paramLayout, randomParams } from "./params.ts";

Deno.test("paramLayout() uses the upstream flax names, shapes and order", () => {
  const config = resolveModelConfig({ ...SMALL_MODEL_CONFIG, numLayers: 1 });
  const layout = paramLayout(config, { obsDim: 32, actionDim: 6 });
  assert.deepEqual(
    layout.entries.map((e) => [e.name, [...e.shape]]),
    [
      ["in_proj.kernel", [38, 64]],
      ["in_proj.bias", [64]],
      ["mlp_stack.0.token_mix_in.kernel", [4, 32]],
      ["mlp_stack.0.token_mix_out.kernel", [32, 4]],
      ["mlp_stack.0.channel_mix_in.kernel", [64, 128]],
      ["mlp_stack.0.channel_mix_out.kernel", [128, 64]],
      ["mlp_stack.0.adaln_1.kernel", [64, 192]],
      ["mlp_stack.0.adaln_1.bias", [192]],
      ["mlp_stack.0.adaln_2.kernel", [64, 192]],
      ["mlp_stack.0.adaln_2.bias", [192]],
      ["time_mlp.layers.0.kernel", [64, 64]],
      ["time_mlp.layers.0.bias", [64]],
      ["time_mlp.layers.2.kernel", [64, 64]],
      ["time_mlp.layers.2.bias", [64]],
      ["final_adaln.kernel", [64, 128]],
      ["final_adaln.bias", [128]],
      ["out_proj.kernel", [64, 6]],
      ["out_proj.bias", [6]],
    ],
  );
  let offset = 0;
  for (const e of layout.entries) {
    assert.equal(e.offset, offset, e.name);
    assert.equal(e.size, e.shape.reduce((a, b) => a * b, 1), e.name);
    offset += e.size;
  }
  assert.equal(layout.size, offset);
});

Deno.test("paramLayout() counts the upstream default model's parameters", () => {
  const layout = paramLayout(DEFAULT_MODEL_CONFIG, {
    obsDim: 10,
    actionDim: 2,
  });
  // in 12·256+256, per block 2·8·64 + 2·256·512 + 2·(256·768+768),
  // time MLP 2·(256·256+256), final 256·512+512, out 256·2+2
  const perBlock = 2 * 8 * 64 + 2 * 256 * 512 + 2 * (256 * 768 + 768);
  const expected = 12 * 256 + 256 + 4 * perBlock + 2 * (256 * 256 + 256) +
    (256 * 512 + 512) + (256 * 2 + 2);
  assert.equal(layout.size, expected);
  assert.equal(
    layout.entries.filter((e) => e.name.startsWith("mlp_stack.3.")).length,
    8,
  );
});

Deno.test("paramLayout() rejects non-integer sizes naming the field", () => {
  assert.throws(
    () => paramLayout(SMALL_MODEL_CONFIG, { obsDim: 0, actionDim: 2 }),
    /obsDim must be a positive integer: current value is 0/,
  );
  assert.throws(
    () =>
      paramEntry(
        paramLayout(SMALL_MODEL_CONFIG, { obsDim: 1, actionDim: 1 }),
        "nope",
      ),
    RangeError,
  );
});

Deno.test("initParams() is lecun-normal with zero biases and zero adaLN, deterministically", () => {
  const layout = paramLayout(SMALL_MODEL_CONFIG, { obsDim: 32, actionDim: 6 });
  const p = initParams(layout, { seed: 3 });
  assert.deepEqual(p, initParams(layout, { seed: 3 }));
  assert.notDeepEqual(p, initParams(layout, { seed: 4 }));
  for (const e of layout.entries) {
    const v = p.subarray(e.offset, e.offset + e.size);
    if (e.shape.length === 1 || e.name.includes("adaln")) {
      assert.ok(v.every((x) => x === 0), e.name);
      continue;
    }
    // truncated normal on ±2σ rescaled so the variance is 1/fan_in
    const fanIn = e.shape[0]!;
    const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
    assert.ok(
      Math.abs(std * Math.sqrt(fanIn) - 1) < 0.15,
      `${e.name}: std ${std}`,
    );
    const bound = 2 / Math.sqrt(fanIn) / 0.87962566103423978;
    assert.ok(v.every((x) => Math.abs(x) <= bound + 1e-6), e.name);
  }
});

Deno.test("randomParams() fills every tensor, adaLN included", () => {
  const layout = paramLayout(SMALL_MODEL_CONFIG, { obsDim: 32, actionDim: 6 });
  const p = randomParams(layout, { seed: 1, scale: 0.5 });
  for (const e of layout.entries) {
    assert.ok(
      p.subarray(e.offset, e.offset + e.size).some((x) => x !== 0),
      e.name,
    );
  }
});

Deno.test("resolveModelConfig() merges defaults and validates fields", () => {
  assert.deepEqual(resolveModelConfig({}), DEFAULT_MODEL_CONFIG);
  assert.equal(resolveModelConfig({ simulatedDelay: 5 }).simulatedDelay, 5);
  assert.throws(
    () => resolveModelConfig({ simulatedDelay: 9 }),
    /simulatedDelay must be null or an integer in \[1, 8\]: current value is 9/,
  );
  assert.throws(() => resolveModelConfig({ numLayers: 0 }), /numLayers/);
  assert.throws(() => resolveModelConfig({ channelDim: 2.5 }), /channelDim/);
});
