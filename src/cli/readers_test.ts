import assert from "node:assert/strict";
import { summarizeMain } from "./summarize.ts";
import { stepDMain } from "./stepd.ts";
import { taggingSampler } from "../testing/toy_task.ts";
import { capture, snapshotTree } from "../testing/files.ts";

const toy = { samplerFor: () => taggingSampler(4, 2), horizon: 4 };

async function truncate(path: string, bytes: number): Promise<void> {
  const data = await Deno.readFile(path);
  await Deno.writeFile(path, data.subarray(0, data.length - bytes));
}

Deno.test("summarizeMain() refuses a truncated results_all.csv with one line naming the file and line", async () => {
  const root = await Deno.makeTempDir();
  try {
    const input = `${root}/results_all.csv`;
    await Deno.copyFile(
      new URL("../experiment/testdata/results_all.csv", import.meta.url),
      input,
    );
    await truncate(input, 80);
    const before = await snapshotTree(root);
    const c = capture();
    assert.equal(await summarizeMain(["--root", root], c.opts), 2);
    assert.equal(c.err.length, 1, c.err.join("\n"));
    assert.match(
      c.err[0]!,
      /^summarize_tail_v1\.ts: error: .*results_all\.csv:21: line has 8 cells, the header has 15/,
    );
    assert.deepEqual(await snapshotTree(root), before);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepDMain() --merge refuses a truncated run results.csv with one line naming the file and line", async () => {
  const root = await Deno.makeTempDir();
  try {
    const args = ["--out", root, "--profiles", "long_tail", "--methods"];
    const all = [...args, "naive", "--seeds", "0-1", "--rollouts", "4"];
    assert.equal(await stepDMain(all, { ...capture().opts, ...toy }), 0);
    await truncate(`${root}/long_tail/naive/seed_1/results.csv`, 80);
    const before = await snapshotTree(root);
    const c = capture();
    assert.equal(
      await stepDMain([...all, "--merge"], { ...c.opts, ...toy }),
      2,
    );
    assert.equal(c.err.length, 1, c.err.join("\n"));
    assert.match(
      c.err[0]!,
      /^run_stepD_tail_v1\.ts: error: .*long_tail\/naive\/seed_1\/results\.csv:2: line has \d+ cells, the header has 25/,
    );
    assert.deepEqual(await snapshotTree(root), before);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
