import assert from "node:assert/strict";
import type { LoadedPolicy } from "../experiment/policy_loader.ts";
import { parseCsv } from "../io/csv.ts";
import { resolveModelConfig, SMALL_MODEL_CONFIG } from "../policy/config.ts";
import type { PolicyNet } from "../policy/net.ts";
import { taggingSampler } from "../testing/toy_task.ts";
import { tailV2Main } from "./tail_v2.ts";

const H = 4;

function fake(checkpoint: string): LoadedPolicy {
  return {
    net: {
      backend: "cpu",
      config: resolveModelConfig({ ...SMALL_MODEL_CONFIG, actionChunkSize: H }),
      obsDim: 9,
      actionDim: 2,
    } as PolicyNet,
    horizon: H,
    adapter: "test sampler",
    checkpoint,
    checkpointSha256: "0".repeat(64),
    samplerFor: () => taggingSampler(H, 2),
  };
}

const SPEC = {
  profiles: {
    spikes: {
      kind: "bursty",
      dt_ms: 20,
      p_enter: 0.2,
      p_exit: 0.8,
      calm: { median_ms: 20, sigma: 0.3 },
      burst: { median_ms: 90, sigma: 0.3 },
      replicas: "independent",
    },
    steps: {
      kind: "mixture",
      base_delays: [1],
      base_probs: [1],
      p_spike: 0.1,
      d_spike: 5,
    },
  },
  references: { spikes: { kind: "fixed", delay: 1 } },
  controls: {
    none: [],
    tail_cap: [{ kind: "tail_cap", cap: 2 }],
    hedge: [{ kind: "hedge", k: 2 }],
  },
};

async function withSpec<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/spec.json`, JSON.stringify(SPEC));
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("tailV2Main() at toy size writes every run folder, summary.csv, summary.md and the figures", async () => {
  await withSpec(async (dir) => {
    const out = `${dir}/out`;
    const lines: string[] = [];
    const seen: (string | null)[] = [];
    const code = await tailV2Main([
      "--task",
      "reach_around",
      "--spec",
      `${dir}/spec.json`,
      "--rollouts",
      "3",
      "--out",
      out,
    ], {
      stdout: (l) => lines.push(l),
      stderr: () => {},
      policies: (_task, ck) => {
        seen.push(ck.plain, ck.trainingTime);
        return Promise.resolve({
          plain: fake(ck.plain),
          trainingTime: fake(ck.trainingTime!),
        });
      },
    });
    assert.equal(code, 0);
    assert.deepEqual(seen, [
      "exp_runs/checkpoints/reach_around/plain.safetensors",
      "exp_runs/checkpoints/reach_around/training_time.safetensors",
    ]);
    // main forecaster: 2 profiles x (3 controls + reference where defined) x 3 methods
    const arms = [
      "spikes.none",
      "spikes.tail_cap",
      "spikes.hedge",
      "spikes.reference",
      "steps.none",
      "steps.tail_cap",
      "steps.hedge",
    ];
    for (const a of arms) {
      for (const m of ["naive", "realtime", "training_time"]) {
        const run = `${out}/reach_around/buffer_max_10/${a}/${m}/seed_0`;
        for (
          const f of [
            "config.json",
            "rollouts.csv",
            "delays.csv",
            "results.csv",
          ]
        ) {
          assert.ok((await Deno.stat(`${run}/${f}`)).isFile, `${run}/${f}`);
        }
      }
    }
    // comparison forecaster: first profile, the methods that read the forecast
    const compared = [
      ...Deno.readDirSync(`${out}/reach_around/quantile_0.9_20/spikes.none`),
    ]
      .map((e) => e.name).sort();
    assert.deepEqual(compared, ["realtime", "training_time"]);
    const config = JSON.parse(
      await Deno.readTextFile(
        `${out}/reach_around/buffer_max_10/spikes.tail_cap/realtime/seed_0/config.json`,
      ),
    ).config;
    assert.ok(config.latency_scale > 1.3 && config.latency_scale < 1.5);
    assert.equal(config.profile.transforms[0].kind, "tail_cap");
    assert.equal(
      config.checkpoints.training_time,
      "exp_runs/checkpoints/reach_around/training_time.safetensors",
    );
    const summary = parseCsv(await Deno.readTextFile(`${out}/summary.csv`));
    assert.deepEqual(
      summary.columns.slice(0, 12),
      "task,profile,control,method,rollouts,solved,solved_lo,solved_hi,p_starve,diff_vs_none,diff_lo,diff_hi"
        .split(","),
    );
    assert.equal(summary.rows.length, arms.length * 3 + 4 * 2);
    assert.ok(
      summary.rows.every((r) => r.rollouts === "3" && r.diff_vs_none !== ""),
    );
    assert.match(
      await Deno.readTextFile(`${out}/summary.md`),
      /## Forecasters/,
    );
    for (const f of ["solved", "p_starve", "latency_cdf"]) {
      assert.match(
        await Deno.readTextFile(`${out}/figures/reach_around_${f}.svg`),
        /^<svg/,
      );
    }
    assert.match(lines.at(-1)!, /29 arms; .*summary\.csv/);
    // --summarize rebuilds the same summary from the folders
    const before = await Deno.readTextFile(`${out}/summary.csv`);
    await Deno.remove(`${out}/summary.csv`);
    const again = await tailV2Main(
      ["--spec", `${dir}/spec.json`, "--out", out, "--summarize"],
      { stdout: () => {}, stderr: () => {} },
    );
    assert.equal(again, 0);
    assert.equal(await Deno.readTextFile(`${out}/summary.csv`), before);
  });
});

Deno.test("tailV2Main() refuses bad flags with one error line, exit code 2, nothing written", async () => {
  await withSpec(async (dir) => {
    const out = `${dir}/out`;
    const spec = ["--spec", `${dir}/spec.json`];
    const cases: [string[], RegExp][] = [
      [["--bogus"], /bogus/],
      [[...spec, "--controls", "tail_cap"], /--controls must include none/],
      [
        [...spec, "--controls", "none,cap"],
        /--controls as it must be one of none, tail_cap, hedge, reference: current value is "cap"/,
      ],
      [
        [...spec, "--profiles", "calm"],
        /--profiles as it must be one of spikes, steps/,
      ],
      [[...spec, "--methods", "naive,warp"], /--methods/],
      [
        [...spec, "--methods", "naive,naive"],
        /--methods must not repeat a name/,
      ],
      [[...spec, "--latency-cost", "wall"], /--latency-cost/],
      [[...spec, "--forecaster", "max:3"], /--forecaster/],
      [[...spec, "--compare-forecaster", "quantile:2:5"], /--forecaster/],
      [[...spec, "--compare-profiles", "x"], /--compare-profiles/],
      [[...spec, "--rollouts", "0"], /--rollouts/],
      [[...spec, "--task", "pong"], /task/],
      [
        [...spec, "--task", "catch,lander", "--checkpoint", "x"],
        /take one task/,
      ],
      [["--spec", `${dir}/missing.json`], /spec as the file does not exist/],
      [[...spec, "--s-min", "9"], /--s-min must be at most the chunk length 4/],
      [
        [
          ...spec,
          "--task",
          "reach_around",
          "--checkpoint",
          `${dir}/no.safetensors`,
        ],
        /checkpoint file does not exist/,
      ],
    ];
    for (const [args, re] of cases) {
      const err: string[] = [];
      const real = args.includes("--checkpoint") &&
        !args.includes("catch,lander");
      const code = await tailV2Main(["--out", out, ...args], {
        stderr: (l) => err.push(l),
        policies: real
          ? undefined
          : () =>
            Promise.resolve({ plain: fake("p"), trainingTime: fake("t") }),
      });
      assert.equal(code, 2, args.join(" "));
      assert.equal(err.length, 1, args.join(" "));
      assert.match(err[0]!, /^tail_v2\.ts: error: /);
      assert.match(err[0]!, re);
    }
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
  });
});
