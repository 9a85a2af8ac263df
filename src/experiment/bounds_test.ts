import assert from "node:assert/strict";
import { type ExpertBound, expertChunkSampler } from "./bounds.ts";
import { createCpuStepper } from "../envs/wrapper.ts";
import { evaluateScan } from "../eval/scan.ts";
import { getTask } from "../envs/registry.ts";
import { resolveProfile } from "../latency/mod.ts";

async function solved(bound: ExpertBound, d: number): Promise<Uint8Array> {
  const task = getTask("reach_around");
  const stepper = createCpuStepper(task.cpu, { numEnvs: 64, seed: 0 });
  const r = await evaluateScan(task, {
    sampler: expertChunkSampler(stepper, { horizon: 8, bound }),
    stepper,
    profile: resolveProfile({ kind: "fixed", delay: d }),
    seed: 0,
    numEnvs: 64,
    horizon: 8,
    executeHorizon: Math.max(1, d),
  });
  return r.log.firstSolved;
}

Deno.test("expertChunkSampler() bounds coincide without delay", async () => {
  assert.deepEqual(await solved("stale", 0), await solved("prefix", 0));
});

Deno.test("expertChunkSampler() prefix bound plans through the committed actions", async () => {
  // reach_around at d = s = 3: the delay-blind plan fails most rollouts, the
  // prefix-aware plan none that the stale one solves
  const stale = await solved("stale", 3);
  const prefix = await solved("prefix", 3);
  const sum = (x: Uint8Array) => x.reduce((a, b) => a + b, 0);
  assert.ok(sum(stale) < 40, `stale ${sum(stale)}`);
  assert.ok(sum(prefix) >= 60, `prefix ${sum(prefix)}`);
});

Deno.test("expertChunkSampler() rejects a bad horizon", () => {
  const task = getTask("reach_around");
  const stepper = createCpuStepper(task.cpu, { numEnvs: 1, seed: 0 });
  assert.throws(
    () => expertChunkSampler(stepper, { horizon: 0, bound: "stale" }),
    /horizon must be a positive integer: current value is 0/,
  );
});
