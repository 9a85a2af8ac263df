import assert from "node:assert/strict";
import { formatResultsCsv, parseResultsCsv } from "./results.ts";
import {
  formatSummaryCsv,
  formatSummaryMarkdown,
  summarizeResults,
} from "./summary.ts";

const dir = new URL("./testdata/", import.meta.url);
const read = (name: string) => Deno.readTextFile(new URL(name, dir));

Deno.test("parseResultsCsv() and formatResultsCsv() round-trip the seed's results_all.csv byte for byte", async () => {
  const text = await read("results_all.csv");
  assert.equal(formatResultsCsv(parseResultsCsv(text)), text);
});

Deno.test("formatSummaryCsv() reproduces the seed's summary.csv from its results_all.csv", async () => {
  const rows = parseResultsCsv(await read("results_all.csv"));
  assert.equal(
    formatSummaryCsv(summarizeResults(rows)),
    await read("summary.csv"),
  );
});

Deno.test("formatSummaryMarkdown() reproduces the seed's summary.md from its results_all.csv", async () => {
  const rows = parseResultsCsv(await read("results_all.csv"));
  assert.equal(
    formatSummaryMarkdown(summarizeResults(rows)),
    await read("summary_md.txt"),
  );
});

Deno.test("summarizeResults() adds Wilson bounds and the async section for toolkit rows", () => {
  const rows = [0, 1].map((seed) => ({
    profile: "long_tail",
    method: "naive",
    seed,
    level: "toy",
    delay: "profile",
    execute_horizon: 1,
    evaluator: "async",
    rollouts: 10,
    returned_episode_solved: seed === 0 ? 0.5 : 1,
    returned_episode_returns: 1,
    returned_episode_lengths: 5,
    d_p50: 0,
    d_p95: 1,
    d_p99: 4,
    p_violate: 0.1,
    max_delta_action: 1,
    max_ddelta_action: 2,
    p_starve: 0.25,
    mean_s: 1.5,
    n_inferences: 30,
  }));
  const groups = summarizeResults(rows);
  assert.equal(groups.length, 1);
  const v = groups[0]!.values;
  assert.ok(v.returned_episode_solved_wilson_low! < 0.75);
  assert.ok(v.returned_episode_solved_wilson_high! > 0.75);
  assert.equal(v.p_starve_mean, 0.25);
  const csv = formatSummaryCsv(groups);
  assert.ok(csv.split("\r\n")[0]!.endsWith(
    "p_starve_mean,p_starve_std,mean_s_mean,mean_s_std,n_inferences_mean,n_inferences_std,returned_episode_solved_wilson_low,returned_episode_solved_wilson_high",
  ));
  const md = formatSummaryMarkdown(groups, { async: true });
  assert.match(md, /## Asynchronous Execution/);
  assert.match(
    md,
    /\| long_tail \| naive \| 0\.750000 \[0\.\d+, 0\.\d+\] \| 0\.250000 ± 0\.000000 \|/,
  );
});
