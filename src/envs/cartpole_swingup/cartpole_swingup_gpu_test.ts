import assert from "node:assert/strict";
import { compileMessages } from "../../gpu/kernel.ts";
import { gpuTest } from "../../gpu/testing.ts";
import { batchShader } from "../batch_wgsl.ts";
import { checkParity } from "../_parity.ts";
import { CARTPOLE_SWINGUP } from "./mod.ts";

/** Max state difference between the twins. */
const STATE_ATOL = 1e-4;
/** Max expert-action difference (the expert is evaluated on each twin's own state). */
const EXPERT_ATOL = 1e-3;

gpuTest(
  "CARTPOLE_SWINGUP WGSL compiles cleanly inside the batch kernel",
  async (device) => {
    assert.deepEqual(
      await compileMessages(device, batchShader(CARTPOLE_SWINGUP.wgsl)),
      [],
    );
  },
);

gpuTest(
  "CARTPOLE_SWINGUP WGSL twin matches the CPU twin over 100 random-action steps",
  async (device) => {
    const r = await checkParity(device, CARTPOLE_SWINGUP, {
      n: 64,
      steps: 100,
      noiseStd: 0.1,
      randomActions: true,
    });
    assert.deepEqual(r.compile, []);
    assert.ok(r.reset <= 1e-6, `reset ${r.reset}`);
    assert.ok(r.state <= STATE_ATOL, `state ${r.state}`);
    assert.ok(r.obs <= STATE_ATOL, `obs ${r.obs}`);
    assert.equal(r.result, 0);
    assert.ok(r.dones > 0);
  },
);

// Replaying a balancing trajectory open-loop amplifies float32 differences
// in sin/cos at the unstable equilibrium (growth ~ e^(2.8 t)), so the
// expert-action replay is compared over the swing-up (40 steps).
gpuTest(
  "CARTPOLE_SWINGUP WGSL twin matches the CPU twin over 40 expert steps",
  async (device) => {
    const r = await checkParity(device, CARTPOLE_SWINGUP, {
      n: 64,
      steps: 40,
      noiseStd: 0.1,
    });
    assert.ok(r.state <= STATE_ATOL, `state ${r.state}`);
    assert.equal(r.result, 0);
    assert.ok(r.expert <= EXPERT_ATOL, `expert ${r.expert}`);
  },
);
