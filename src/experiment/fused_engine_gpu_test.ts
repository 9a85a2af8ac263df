import assert from "node:assert/strict";
import { gpuTest } from "../testing/gpu.ts";
import { loadShippedNet } from "../testing/fused_parity.ts";
import { getTask } from "../envs/registry.ts";
import { resolveProfile } from "../latency/resolve.ts";
import { fusedEngine } from "./fused_engine.ts";

gpuTest(
  "fusedEngine() draws a cost-coupled method's delays from the profile scaled by its latencyScale",
  async (device) => {
    const net = await loadShippedNet(device, "plain_h4");
    try {
      const config = {
        kind: "categorical" as const,
        delays: [1, 2],
        probs: [0.5, 0.5],
      };
      const hook = fusedEngine(getTask("reach_around"), {
        net,
        profiles: [{ name: "p", profile: resolveProfile(config) }],
        rollouts: 4,
        evaluator: "async",
        executeHorizon: 1,
        latencyScale: { naive: 1.5 },
      });
      const r = await hook.run({ profile: "p", method: "naive", seed: 3 })!;
      // ceil(1.5 * 1) = 2 and ceil(1.5 * 2) = 3
      assert.deepEqual([...new Set(r.delays)].sort(), [2, 3]);
    } finally {
      net.destroy?.();
    }
  },
);
