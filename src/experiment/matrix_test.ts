import assert from "node:assert/strict";
import { type MatrixPlan, runMatrix } from "./matrix.ts";
import { mergeRuns } from "./merge.ts";
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
