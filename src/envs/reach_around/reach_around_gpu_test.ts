import assert from "node:assert/strict";
import { compileMessages } from "../../gpu/kernel.ts";
import { gpuTest } from "../../gpu/testing.ts";
import { batchShader } from "../batch_wgsl.ts";
import { checkParity } from "../_parity.ts";
import { REACH_AROUND } from "./mod.ts";

/** Max state difference between the twins over 100 steps. */
const STATE_ATOL = 1e-4;
/** Max expert-action difference (the expert is evaluated on each twin's own state). */
const EXPERT_ATOL = 1e-3;

gpuTest(
  "REACH_AROUND WGSL compiles cleanly inside the batch kernel",
  async (device) => {
    assert.deepEqual(
      await compileMessages(device, batchShader(REACH_AROUND.wgsl)),
      [],
    );
  },
);

gpuTest(
  "REACH_AROUND WGSL twin matches the CPU twin over 100 expert steps",
  async (device) => {
    const r = await checkParity(device, REACH_AROUND, {
      n: 64,
      steps: 100,
      noiseStd: 0.1,
    });
    assert.deepEqual(r.compile, []);
    assert.ok(r.reset <= 1e-6, `reset ${r.reset}`);
    assert.ok(r.state <= STATE_ATOL, `state ${r.state}`);
    assert.ok(r.obs <= STATE_ATOL, `obs ${r.obs}`);
    assert.equal(r.result, 0);
    assert.ok(r.expert <= EXPERT_ATOL, `expert ${r.expert}`);
    assert.ok(r.dones > 0);
  },
);

gpuTest(
  "REACH_AROUND WGSL twin matches the CPU twin over 100 random-action steps",
  async (device) => {
    const r = await checkParity(device, REACH_AROUND, {
      n: 64,
      steps: 100,
      noiseStd: 0.1,
      randomActions: true,
    });
    assert.ok(r.state <= STATE_ATOL, `state ${r.state}`);
    assert.equal(r.result, 0);
  },
);
