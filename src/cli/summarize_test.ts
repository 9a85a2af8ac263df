import assert from "node:assert/strict";
import { summarizeMain } from "./summarize.ts";
import { stepDMain } from "./stepd.ts";
import { taggingSampler } from "../testing/toy_task.ts";

const quiet = { stdout: () => {}, stderr: () => {} };

Deno.test("summarizeMain() reproduces the seed's summary files and draws figures", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dir = `${root}/tail_v1`;
    await Deno.mkdir(dir);
    await Deno.copyFile(
      new URL("../experiment/testdata/results_all.csv", import.meta.url),
      `${dir}/results_all.csv`,
    );
    const lines: string[] = [];
    const code = await summarizeMain(["--root", dir], {
      stdout: (l) => lines.push(l),
    });
    assert.equal(code, 0);
    assert.equal(
      await Deno.readTextFile(`${dir}/summary.csv`),
      await Deno.readTextFile(
        new URL("../experiment/testdata/summary.csv", import.meta.url),
      ),
    );
    const md = await Deno.readTextFile(`${dir}/summary.md`);
    const seed = await Deno.readTextFile(
      new URL("../experiment/testdata/summary_md.txt", import.meta.url),
    );
    // Identical except the source path, which names the file actually read.
    assert.equal(
      md.replace(`${dir}/results_all.csv`, "exp_runs/tail_v1/results_all.csv"),
      seed,
    );
    const svg = await Deno.readTextFile(`${dir}/figures/solve_rate.svg`);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(lines.some((l) => l.endsWith("max_ddelta_action.svg")));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("summarizeMain() draws the delay distribution from run configs and rejects a missing input", async () => {
  const root = await Deno.makeTempDir();
  try {
    const args = [
      "--out",
      root,
      "--seeds",
      "0",
      "--rollouts",
      "2",
      "--evaluator",
      "async",
    ];
    assert.equal(
      await stepDMain(args, {
        ...quiet,
        samplerFor: () => taggingSampler(4, 2),
      }),
      0,
    );
    assert.equal(await summarizeMain(["--root", root], quiet), 0);
    const svg = await Deno.readTextFile(
      `${root}/figures/delay_distribution.svg`,
    );
    assert.match(svg, /tail_controlled/);
    const md = await Deno.readTextFile(`${root}/summary.md`);
    assert.match(md, /## Asynchronous Execution/);
    const err: string[] = [];
    assert.equal(
      await summarizeMain(["--root", `${root}/nope`], {
        stderr: (l) => err.push(l),
      }),
      2,
    );
    assert.match(err[0]!, /results file does not exist/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("summarizeMain() summarises a several-task Step D root per task", async () => {
  const root = await Deno.makeTempDir();
  try {
    const args = ["--out", root, "--task", "reach_around,lander", "--seeds"];
    assert.equal(
      await stepDMain([...args, "0-1", "--rollouts", "2"], {
        ...quiet,
        samplerFor: () => taggingSampler(4, 2),
      }),
      0,
    );
    assert.equal(await summarizeMain(["--root", root], quiet), 0);
    for (const task of ["reach_around", "lander"]) {
      const csv = await Deno.readTextFile(`${root}/${task}/summary.csv`);
      // 2 profiles x 2 methods, 2 seeds each (not 4: tasks are not pooled)
      assert.match(csv, /\r\nlong_tail,naive,2,/);
    }
    await assert.rejects(Deno.stat(`${root}/summary.csv`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
