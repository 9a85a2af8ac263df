import assert from "node:assert/strict";
import { REACH_AROUND } from "../envs/reach_around/mod.ts";
import { rolloutExpert } from "../envs/rollout.ts";
import { evaluateScan } from "./scan.ts";
import { createCpuStepper } from "./stepper.ts";
import { sweepMain } from "./sweep.ts";
import { expertSampler, fixedDelay, taggingSampler } from "./_toy_task.ts";

Deno.test("evaluateScan() with a perfect expert sampler matches rolloutExpert()'s chunked scan on reach_around", async () => {
  const N = 16;
  for (const [d, s] of [[0, 1], [2, 2], [3, 1]] as const) {
    const stepper = createCpuStepper(REACH_AROUND.cpu, { numEnvs: N, seed: 3 });
    const ours = await evaluateScan(REACH_AROUND, {
      sampler: expertSampler(stepper, 4),
      profile: fixedDelay(d),
      seed: 3,
      numEnvs: N,
      horizon: 4,
      executeHorizon: s,
      stepper,
    });
    const theirs = await rolloutExpert(REACH_AROUND, {
      n: N,
      seed: 3,
      delay: d,
      chunk: { horizon: 4, executeHorizon: s },
    });
    assert.equal(
      ours.metrics.returned_episode_solved,
      Math.fround(theirs.returned_episode_solved),
      `d=${d} s=${s}`,
    );
    assert.equal(
      ours.metrics.returned_episode_lengths,
      Math.fround(theirs.returned_episode_lengths),
      `d=${d} s=${s}`,
    );
  }
});

Deno.test("sweepMain() runs the (d, s) grid and writes sweep.csv and sweep.svg", async () => {
  const out = await Deno.makeTempDir();
  try {
    const lines: string[] = [];
    const code = await sweepMain([
      "--out",
      out,
      "--rollouts",
      "2",
      "--delays",
      "0-2",
      "--methods",
      "naive,realtime",
    ], {
      stdout: (l) => lines.push(l),
      stderr: () => {},
      samplerFor: () => taggingSampler(4, 2),
      horizon: 4,
    });
    assert.equal(code, 0);
    // (d, s) pairs for H = 4, d <= 2: 8 pairs x 2 methods.
    assert.match(lines[0]!, /^sweep\.ts: 16 points/);
    const csv = await Deno.readTextFile(`${out}/sweep.csv`);
    assert.match(csv, /\r\nfixed_2,naive,0,reach_around,2,2,/);
    assert.match(await Deno.readTextFile(`${out}/sweep.svg`), /^<svg/);
    const bad: string[] = [];
    assert.equal(
      await sweepMain(["--out", out, "--delays", "5-6"], {
        stderr: (l) => bad.push(l),
        samplerFor: () => taggingSampler(4, 2),
        horizon: 4,
      }),
      2,
    );
    assert.match(bad[0]!, /no \(d, s\) pair/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
