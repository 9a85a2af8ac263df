import assert from "node:assert/strict";
import { methodCost } from "./method_cost.ts";
import { METHOD_NAMES, resolveMethodConfig } from "./method_config.ts";
import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
import { resolveModelConfig } from "../policy/config.ts";
import type { PolicyNet } from "../policy/net.ts";

// reach_around (O = 9, A = 2) with the shipped small model at H = 8: per
// token F = 4C² + 2(A+O)C + L(12C² + 4C·Ht + 4C·Hc) + 4C² + 2CA = 214656
// and V = 4CA + L(4C·Ht + 4C·Hc) = 82432 (C = 64, Hc = 128, Ht = 32, L = 2).
const H8 = resolveModelConfig({ ...SMALL_MODEL_CONFIG, actionChunkSize: 8 });
const NET = { config: H8, obsDim: 9, actionDim: 2 };
const F = 214656 * 8;
const V = 82432 * 8;

Deno.test("methodCost() gives the documented FLOPs per chunk and ratio for every method", () => {
  const expected: Record<string, number> = {
    naive: 5 * F,
    realtime: 5 * (F + V),
    hard_masking: 5 * (F + V),
    bid: 16 * 5 * F,
    training_time: 5 * F,
    temporal_ensembling: 5 * F,
  };
  for (const method of METHOD_NAMES) {
    const cost = methodCost(resolveMethodConfig({ method }), { net: NET });
    assert.equal(cost.flops, expected[method], method);
    assert.equal(cost.naiveFlops, 5 * F, method);
    assert.equal(cost.scale, expected[method]! / (5 * F), method);
  }
  const realtime = methodCost(resolveMethodConfig({ method: "realtime" }), {
    net: NET,
  });
  assert.equal(realtime.scale.toFixed(4), "1.3840");
});

Deno.test("methodCost() counts BID's weak policy and the flow steps, relative to naive's network", () => {
  const weak = { config: H8, obsDim: 9, actionDim: 2 } as unknown as PolicyNet;
  const bid = methodCost(
    resolveMethodConfig({
      method: "bid",
      bidSamples: 4,
      bidK: 2,
      bidWeakPolicy: weak,
    }),
    { net: NET },
  );
  assert.equal(bid.scale, 8);
  const ten = methodCost(
    resolveMethodConfig({ method: "realtime", numFlowSteps: 10 }),
    { net: NET },
  );
  assert.equal(ten.scale, (F + V) / F);
  // A training-time policy twice as wide as the plain one costs its own FLOPs over naive's.
  const wide = resolveModelConfig({ ...H8, channelDim: 128 });
  const tt = methodCost(resolveMethodConfig({ method: "training_time" }), {
    net: { ...NET, config: wide },
    naive: NET,
  });
  assert.ok(tt.scale > 2 && tt.scale < 4, `scale ${tt.scale}`);
});
