import assert from "node:assert/strict";
import { type MatrixPlan, runMatrix } from "./matrix.ts";
import { mergeRuns } from "./merge.ts";
import { resolveProfile } from "../latency/resolve.ts";
import { parseRolloutsCsv } from "./rollouts.ts";
import {
  fixedDelay,
  seedMixture,
  taggingSampler,
  toyTask,
} from "../testing/toy_task.ts";

function plan(root: string, over: Partial<MatrixPlan> = {}): MatrixPlan {
  return {
    root,
    level: "toy_reach",
    task: toyTask(20),
    profiles: [
      {
        name: "long_tail",
        profile: seedMixture(),
        config: { kind: "mixture" },
      },
    ],
    methods: [{ name: "naive", sampler: taggingSampler(4, 1) }],
    seeds: [0, 1],
    rollouts: 4,
    horizon: 4,
    executeHorizon: 1,
    evaluator: "scan",
    ...over,
  };
}

const quiet = { progress: () => {} };

Deno.test("runMatrix() writes run folders and results_all.csv, skips finished runs, and reruns byte-identically", async () => {
  const root = await Deno.makeTempDir();
  try {
    const lines: string[] = [];
    const first = await runMatrix(plan(root), {
      progress: (l) => lines.push(l),
    });
    assert.equal(first.ran.length, 2);
    assert.match(
      lines[1]!,
      /^\[2\/2\] long_tail\/naive\/seed_1: solved .* ETA/,
    );
    const all = await Deno.readTextFile(`${root}/results_all.csv`);
    assert.equal(all.split("\r\n").length, 4); // header, 2 rows, final empty
    const run0 = `${root}/long_tail/naive/seed_0`;
    const csv0 = await Deno.readTextFile(`${run0}/results.csv`);
    const config = JSON.parse(await Deno.readTextFile(`${run0}/config.json`));
    assert.equal(config.config.rollouts, 4);
    assert.equal(config.runtime.deno, Deno.version.deno);
    assert.equal(typeof config.timing.msPerSamplerCall, "number");

    // Kill-resume: a run without results.csv is redone, one with it is skipped.
    await Deno.remove(`${root}/long_tail/naive/seed_1/results.csv`);
    const second = await runMatrix(plan(root), quiet);
    assert.deepEqual(second.skipped, [{
      profile: "long_tail",
      method: "naive",
      seed: 0,
    }]);
    assert.deepEqual(second.ran, [{
      profile: "long_tail",
      method: "naive",
      seed: 1,
    }]);
    assert.equal(await Deno.readTextFile(`${root}/results_all.csv`), all);

    // Forced recompute gives byte-identical CSVs.
    const third = await runMatrix(plan(root), { ...quiet, force: true });
    assert.equal(third.ran.length, 2);
    assert.equal(await Deno.readTextFile(`${run0}/results.csv`), csv0);
    assert.equal(await Deno.readTextFile(`${root}/results_all.csv`), all);

    // Merge rebuilds the same file from the folders.
    await Deno.remove(`${root}/results_all.csv`);
    await mergeRuns(root);
    assert.equal(await Deno.readTextFile(`${root}/results_all.csv`), all);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runMatrix() shards split the runs and the merge sees all of them", async () => {
  const root = await Deno.makeTempDir();
  try {
    const p = plan(root, {
      profiles: [
        { name: "long_tail", profile: seedMixture() },
        { name: "tail_controlled", profile: seedMixture(2) },
      ],
      evaluator: "async",
    });
    const a = await runMatrix(p, { ...quiet, shard: { index: 0, count: 2 } });
    const b = await runMatrix(p, { ...quiet, shard: { index: 1, count: 2 } });
    assert.equal(a.ran.length + b.ran.length, 4);
    assert.equal(b.rows.length, 4);
    assert.deepEqual(
      b.rows.map((r) => `${r.profile}/${r.seed}`),
      ["long_tail/0", "long_tail/1", "tail_controlled/0", "tail_controlled/1"],
    );
    assert.ok(b.rows.every((r) => r.evaluator === "async"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runMatrix() rejects a bad plan before writing anything", async () => {
  const root = await Deno.makeTempDir();
  try {
    await assert.rejects(
      runMatrix(plan(root, { seeds: [0, 0] }), quiet),
      /seeds must be free of duplicates/,
    );
    await assert.rejects(
      runMatrix(
        plan(root, {
          profiles: [{ name: "bad/name", profile: fixedDelay(0) }],
        }),
        quiet,
      ),
      /profile as a folder name/,
    );
    assert.deepEqual([...Deno.readDirSync(root)], []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runMatrix() writes each run's per-rollout outcomes beside its results", async () => {
  const root = await Deno.makeTempDir();
  try {
    const report = await runMatrix(plan(root), quiet);
    for (const row of report.rows) {
      const text = await Deno.readTextFile(
        `${root}/long_tail/naive/seed_${row.seed}/rollouts.csv`,
      );
      const o = parseRolloutsCsv(text, "rollouts.csv");
      assert.equal(o.solved.length, 4);
      const rate = o.solved.reduce((a, b) => a + b, 0) / 4;
      assert.equal(rate, row.returned_episode_solved);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runMatrix() scales a cost-coupled method's delays, records latency_scale, writes runFiles", async () => {
  const root = await Deno.makeTempDir();
  try {
    const config = {
      kind: "mixture" as const,
      base_delays: [1, 2],
      base_probs: [0.5, 0.5],
      p_spike: 0.1,
      d_spike: 3,
    };
    const p = plan(root, {
      profiles: [{ name: "mix", profile: resolveProfile(config), config }],
      methods: [
        { name: "naive", sampler: taggingSampler(4, 1) },
        {
          name: "slow",
          sampler: taggingSampler(4, 1),
          latencyCost: { scale: 2, model: "test" },
        },
      ],
      seeds: [0],
      evaluator: "async",
      runFiles: (_key, result) => ({
        "delays.txt": result.delays.join(" "),
      }),
    });
    await runMatrix(p, quiet);
    const read = (m: string, f: string) =>
      Deno.readTextFile(`${root}/mix/${m}/seed_0/${f}`);
    const naive = (await read("naive", "delays.txt")).split(" ").map(Number);
    const slow = (await read("slow", "delays.txt")).split(" ").map(Number);
    // Every draw of the scaled run is 2 d of the profile's law.
    assert.ok(naive.every((d) => [1, 2, 3].includes(d)));
    assert.ok(slow.every((d) => [2, 4, 6].includes(d)));
    assert.ok(slow.includes(4) && slow.includes(2));
    const cfg = (m: string) => read(m, "config.json").then(JSON.parse);
    assert.equal((await cfg("naive")).config.latency_scale, 1);
    assert.equal((await cfg("naive")).config.latency_cost, "none");
    assert.equal((await cfg("slow")).config.latency_scale, 2);
    assert.equal((await cfg("slow")).config.latency_cost.model, "test");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("runMatrix() needs a profile config to scale a method's latency", async () => {
  const root = await Deno.makeTempDir();
  try {
    const p = plan(root, {
      profiles: [{ name: "raw", profile: fixedDelay(1) }],
      methods: [{
        name: "slow",
        sampler: taggingSampler(4, 1),
        latencyCost: { scale: 2, model: "test" },
      }],
    });
    await assert.rejects(
      runMatrix(p, quiet),
      /profiles \(raw\)\.config must be a profile config to scale the latency of method slow/,
    );
    assert.deepEqual([...Deno.readDirSync(root)], []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
