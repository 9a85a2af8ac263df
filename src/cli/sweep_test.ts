import assert from "node:assert/strict";
import type { LoadedPolicy } from "../experiment/policy_loader.ts";
import { parseSweepCsv } from "../experiment/sweep_table.ts";
import type { PolicyNet } from "../policy/net.ts";
import { taggingSampler } from "../testing/toy_task.ts";
import { sweepMain } from "./sweep.ts";

function fake(checkpoint: string, horizon = 4): LoadedPolicy {
  return {
    net: { backend: "cpu" } as PolicyNet,
    horizon,
    adapter: "test sampler",
    checkpoint,
    checkpointSha256: "0".repeat(64),
    samplerFor: () => taggingSampler(horizon, 2),
  };
}

Deno.test("sweepMain() runs d with s = max(d, 1), pairs every method with naive and writes the tables", async () => {
  const out = await Deno.makeTempDir();
  try {
    const lines: string[] = [];
    const seen: string[] = [];
    const code = await sweepMain([
      "--out",
      out,
      "--rollouts",
      "4",
      "--delays",
      "0-2",
      "--methods",
      "naive,realtime,training_time,bid",
      "--bid-rollouts",
      "2",
    ], {
      stdout: (l) => lines.push(l),
      stderr: () => {},
      policies: (_task, ck) => {
        seen.push(ck.plain, ck.trainingTime);
        return Promise.resolve({
          plain: fake(ck.plain),
          trainingTime: fake(ck.trainingTime),
        });
      },
    });
    assert.equal(code, 0);
    assert.deepEqual(seen, [
      "exp_runs/checkpoints/reach_around/plain.safetensors",
      "exp_runs/checkpoints/reach_around/training_time.safetensors",
    ]);
    const rows = parseSweepCsv(
      await Deno.readTextFile(`${out}/reach_around/sweep.csv`),
      "sweep.csv",
    );
    const expected = [0, 1, 2].flatMap((d) =>
      ["naive", "realtime", "training_time", "bid"].map((m) => [
        m,
        d,
        Math.max(1, d),
        m === "bid" ? 2 : 4,
      ])
    );
    assert.deepEqual(
      rows.map((r) => [r.method, r.delay, r.execute_horizon, r.rollouts]),
      expected,
    );
    // the tagging sampler gives every method the same chunks: no difference
    assert.ok(rows.every((r) => r.diff_vs_naive === 0));
    assert.ok(
      (await Deno.stat(`${out}/reach_around/d1_s1_n2/fixed_1/bid/seed_0`))
        .isDirectory,
    );
    assert.equal(
      rows.find((r) => r.method === "training_time")!.checkpoint,
      "exp_runs/checkpoints/reach_around/training_time.safetensors",
    );
    const bounds = await Deno.readTextFile(`${out}/reach_around/bounds.csv`);
    assert.equal(bounds.trim().split("\n").length, 4);
    assert.match(
      await Deno.readTextFile(`${out}/reach_around/sweep.svg`),
      /^<svg/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("sweepMain() refuses bad flags and delays without an execute horizon, writing nothing", async () => {
  const out = await Deno.makeTempDir();
  try {
    const policies = () =>
      Promise.resolve({ plain: fake("p"), trainingTime: fake("t") });
    for (
      const [args, message] of [
        [
          ["--delays", "2-3"],
          /max\(d, 1\) <= H - d for H = 4: current value is 3/,
        ],
        [["--methods", "realtime"], /must include naive/],
        [["--task", "catch,lander", "--checkpoint", "x"], /take one task/],
        [["--rollouts", "0"], /--rollouts/],
        [["--rollouts", "8", "--bid-rollouts", "16"], /at most --rollouts/],
      ] as const
    ) {
      const bad: string[] = [];
      const code = await sweepMain(["--out", out, ...args], {
        stderr: (l) => bad.push(l),
        policies,
      });
      assert.equal(code, 2);
      assert.equal(bad.length, 1);
      assert.match(bad[0]!, message);
    }
    assert.deepEqual([...Deno.readDirSync(out)], []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
