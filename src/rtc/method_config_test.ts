import assert from "node:assert/strict";
import { fakeLinearNet } from "../testing/fake_net.ts";
import {
  DEFAULT_METHOD_CONFIG,
  METHOD_NAMES,
  resolveMethodConfig,
} from "./method_config.ts";

Deno.test("resolveMethodConfig() fills the upstream defaults", () => {
  const c = resolveMethodConfig({ method: "realtime" });
  assert.equal(c.numFlowSteps, 5);
  assert.equal(c.schedule, "exp");
  assert.equal(c.maxGuidanceWeight, 5);
  assert.equal(c.bidSamples, 16);
  assert.equal(c.bidK, null);
  assert.deepEqual(resolveMethodConfig(), DEFAULT_METHOD_CONFIG);
  for (const m of METHOD_NAMES) {
    assert.equal(resolveMethodConfig({ method: m }).method, m);
  }
});

Deno.test("resolveMethodConfig() forces zeros for hard_masking", () => {
  assert.equal(
    resolveMethodConfig({ method: "hard_masking" }).schedule,
    "zeros",
  );
  assert.throws(
    () => resolveMethodConfig({ method: "hard_masking", schedule: "exp" }),
    /schedule \(method "hard_masking"\) must be "zeros": current value is "exp"/,
  );
});

Deno.test("resolveMethodConfig() rejects invalid fields naming them", () => {
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => resolveMethodConfig({ method: "rtc" as any }),
    /method must be one of naive, realtime, hard_masking, bid, training_time, temporal_ensembling: current value is "rtc"/,
  );
  assert.throws(
    () => resolveMethodConfig({ numFlowSteps: 2.5 }),
    /numFlowSteps/,
  );
  assert.throws(
    () => resolveMethodConfig({ maxGuidanceWeight: 0 }),
    /maxGuidanceWeight/,
  );
  assert.throws(() => resolveMethodConfig({ bidSamples: 0 }), /bidSamples/);
  assert.throws(() => resolveMethodConfig({ bidK: 2 }), /both or neither/);
  const weak = fakeLinearNet({
    horizon: 2,
    actionDim: 1,
    obsDim: 1,
    alpha: 0,
    gamma: 0,
    kappa: 0,
  });
  assert.throws(
    () => resolveMethodConfig({ bidK: 20, bidWeakPolicy: weak }),
    /bidK must be null or an integer in \[1, bidSamples=16\]: current value is 20/,
  );
  assert.equal(resolveMethodConfig({ bidK: 4, bidWeakPolicy: weak }).bidK, 4);
  assert.throws(
    () => resolveMethodConfig({ temporalDecay: -1 }),
    /temporalDecay/,
  );
});
