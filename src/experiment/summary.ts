/**
 * Step E: group the per-run rows by profile × method and write the seed's
 * `summary.csv` and `summary.md`. Given the seed's `results_all.csv`, both
 * files come out byte-identical to the seed's (tested). Rows produced by
 * this toolkit add columns after the seed's: the first-episode smoothness,
 * `p_starve`, `mean_s`, `n_inferences` (mean/std) and the pooled 95 % Wilson
 * interval of the solve rate (`returned_episode_solved_wilson_low/high`,
 * over all rollouts of the group). `summary.md` keeps the seed's sections;
 * for `async` runs it adds an "Asynchronous Execution" section.
 *
 * @module
 */
import { formatCsv } from "../io/csv.ts";
import { formatFixed } from "../io/format.ts";
import type { ResultRow } from "./results.ts";
import { wilsonInterval } from "../latency/stats.ts";
import { mean, sampleStd } from "../eval/stats.ts";

/**
 * Metrics summarised in the seed's `summary.csv`, in its order.
 *
 * @example
 * ```ts
 * import { SEED_SUMMARY_METRICS } from "./summary.ts";
 * import assert from "node:assert/strict";
 * assert.equal(SEED_SUMMARY_METRICS[0], "returned_episode_solved");
 * ```
 */
export const SEED_SUMMARY_METRICS: readonly string[] = Object.freeze([
  "returned_episode_solved",
  "returned_episode_returns",
  "returned_episode_lengths",
  "d_p50",
  "d_p95",
  "d_p99",
  "p_violate",
  "max_delta_action",
  "max_ddelta_action",
]);

/**
 * Extra metrics summarised when every row has them.
 *
 * @example
 * ```ts
 * import { EXTRA_SUMMARY_METRICS } from "./summary.ts";
 * import assert from "node:assert/strict";
 * assert.ok(EXTRA_SUMMARY_METRICS.includes("mean_s"));
 * ```
 */
export const EXTRA_SUMMARY_METRICS: readonly string[] = Object.freeze([
  "max_delta_action_first_episode",
  "max_ddelta_action_first_episode",
  "p_starve",
  "mean_s",
  "n_inferences",
]);

/**
 * One group (profile × method).
 *
 * @example
 * ```ts
 * import type { SummaryGroup } from "./summary.ts";
 * const solved = (g: SummaryGroup): number | undefined => g.values.returned_episode_solved_mean;
 * ```
 */
export interface SummaryGroup {
  /** Profile name. */
  profile: string;
  /** Method name. */
  method: string;
  /** Number of runs (seeds). */
  n: number;
  /** `<metric>_mean` / `<metric>_std` (sample std, ddof 1) and Wilson bounds. */
  values: Record<string, number>;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function hasAll(rows: readonly ResultRow[], c: string): boolean {
  return rows.length > 0 &&
    rows.every((r) => typeof r[c] === "number" && !Number.isNaN(r[c]));
}

/**
 * Groups rows by (profile, method), sorted by code point (as pandas
 * `groupby`), with mean and sample std of every metric.
 *
 * @param rows Per-run rows.
 * @returns The groups.
 *
 * @example
 * ```ts
 * import { summarizeResults } from "./summary.ts";
 * import assert from "node:assert/strict";
 * const row = (seed: number, solved: number) => ({ profile: "p", method: "m", seed,
 *   level: "l", delay: "profile", execute_horizon: 1, returned_episode_solved: solved });
 * const [g] = summarizeResults([row(0, 0), row(1, 1)]);
 * assert.equal(g!.values.returned_episode_solved_mean, 0.5);
 * assert.equal(g!.n, 2);
 * ```
 */
export function summarizeResults(rows: readonly ResultRow[]): SummaryGroup[] {
  const groups = new Map<string, ResultRow[]>();
  for (const r of rows) {
    const key = JSON.stringify([r.profile, r.method]);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const metrics = [
    ...SEED_SUMMARY_METRICS,
    ...EXTRA_SUMMARY_METRICS.filter((c) => hasAll(rows, c)),
  ];
  const wilson = hasAll(rows, "rollouts") &&
    hasAll(rows, "returned_episode_solved");
  const out: SummaryGroup[] = [];
  for (const list of groups.values()) {
    const values: Record<string, number> = {};
    for (const m of metrics) {
      const xs = list.map((r) => Number(r[m] ?? NaN));
      values[`${m}_mean`] = mean(xs);
      values[`${m}_std`] = sampleStd(xs);
    }
    if (wilson) {
      let succ = 0;
      let n = 0;
      for (const r of list) {
        const k = r.rollouts as number;
        succ += Math.round((r.returned_episode_solved as number) * k);
        n += k;
      }
      const ci = wilsonInterval(succ, n);
      values.returned_episode_solved_wilson_low = ci.lower;
      values.returned_episode_solved_wilson_high = ci.upper;
    }
    out.push({
      profile: list[0]!.profile,
      method: list[0]!.method,
      n: list.length,
      values,
    });
  }
  out.sort((a, b) => cmp(a.profile, b.profile) || cmp(a.method, b.method));
  return out;
}

function summaryColumns(groups: readonly SummaryGroup[]): string[] {
  const first = groups[0]?.values ?? {};
  const cols = ["profile", "method", "n"];
  for (const m of [...SEED_SUMMARY_METRICS, ...EXTRA_SUMMARY_METRICS]) {
    if (`${m}_mean` in first) cols.push(`${m}_mean`, `${m}_std`);
  }
  if ("returned_episode_solved_wilson_low" in first) {
    cols.push(
      "returned_episode_solved_wilson_low",
      "returned_episode_solved_wilson_high",
    );
  }
  return cols;
}

/**
 * Formats the groups as the seed's `summary.csv` (`%.6f` numbers).
 *
 * @param groups The groups from {@linkcode summarizeResults}.
 * @returns CSV text.
 *
 * @example
 * ```ts
 * import { formatSummaryCsv, summarizeResults } from "./summary.ts";
 * import assert from "node:assert/strict";
 * const rows = [0, 1].map((seed) => ({ profile: "p", method: "m", seed, level: "l",
 *   delay: "profile", execute_horizon: 1, returned_episode_solved: seed }));
 * const text = formatSummaryCsv(summarizeResults(rows));
 * assert.ok(text.split("\n")[1]!.startsWith("p,m,2,0.500000,0.707107,"));
 * ```
 */
export function formatSummaryCsv(groups: readonly SummaryGroup[]): string {
  const columns = summaryColumns(groups);
  return formatCsv(
    groups.map((g) => ({
      profile: g.profile,
      method: g.method,
      n: g.n,
      ...g.values,
    })),
    { columns, integerColumns: ["n"], formatNumber: (x) => formatFixed(x) },
  );
}

/**
 * Options for {@linkcode formatSummaryMarkdown}.
 *
 * @example
 * ```ts
 * import type { SummaryMarkdownOptions } from "./summary.ts";
 * const options: SummaryMarkdownOptions = { title: "Tail v2 Summary", async: true };
 * ```
 */
export interface SummaryMarkdownOptions {
  /** The source path printed in the header. @default "exp_runs/tail_v1/results_all.csv" */
  source?: string;
  /** The title. @default "Tail v1 Summary" */
  title?: string;
  /** Number of runs. @default sum of the groups' n */
  runs?: number;
  /** Add the asynchronous-execution section (p_starve, mean_s, Wilson). @default false */
  async?: boolean;
}

const BASE_PROFILE = "long_tail";
const TAIL_PROFILE = "tail_controlled";

/**
 * Formats the groups as the seed's `summary.md`: header, the "Group Means ±
 * Std" table and the "Key Deltas (mean)" list (tail control per method,
 * each method against naive per profile).
 *
 * @param groups The groups from {@linkcode summarizeResults}.
 * @param options Source path, title, run count, async section.
 * @returns Markdown text.
 *
 * @example
 * ```ts
 * import { formatSummaryMarkdown, summarizeResults } from "./summary.ts";
 * import assert from "node:assert/strict";
 * const rows = [0, 1].map((seed) => ({ profile: "p", method: "m", seed, level: "l",
 *   delay: "profile", execute_horizon: 1, returned_episode_solved: 0,
 *   returned_episode_returns: 0, returned_episode_lengths: 1, d_p99: 2, p_violate: 0,
 *   max_ddelta_action: 1 }));
 * const md = formatSummaryMarkdown(summarizeResults(rows));
 * assert.ok(md.includes("| p | m | 0.000000 ± 0.000000 |"));
 * ```
 */
export function formatSummaryMarkdown(
  groups: readonly SummaryGroup[],
  options: SummaryMarkdownOptions = {},
): string {
  const f6 = (x: number) => formatFixed(x, 6);
  const ms = (g: SummaryGroup, m: string) =>
    `${f6(g.values[`${m}_mean`]!)} ± ${f6(g.values[`${m}_std`]!)}`;
  const runs = options.runs ?? groups.reduce((a, g) => a + g.n, 0);
  const lines = [
    `# ${options.title ?? "Tail v1 Summary"}`,
    "",
    `- source: \`${options.source ?? "exp_runs/tail_v1/results_all.csv"}\``,
    `- runs: \`${runs}\``,
    "",
    "## Group Means ± Std",
    "",
    "| profile | method | solved | return | length | d_p99 | p_violate | max_ddelta_action |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const g of groups) {
    lines.push(
      `| ${g.profile} | ${g.method} | ${ms(g, "returned_episode_solved")} | ${
        ms(g, "returned_episode_returns")
      } | ${ms(g, "returned_episode_lengths")} | ${ms(g, "d_p99")} | ${
        ms(g, "p_violate")
      } | ${ms(g, "max_ddelta_action")} |`,
    );
  }
  lines.push("", "## Key Deltas (mean)", "");
  const find = (p: string, m: string) =>
    groups.find((g) => g.profile === p && g.method === m);
  const mean = (g: SummaryGroup, m: string) => g.values[`${m}_mean`]!;
  const profiles = [...new Set(groups.map((g) => g.profile))];
  const methods = [...new Set(groups.map((g) => g.method))];
  const base = profiles.includes(BASE_PROFILE) ? BASE_PROFILE : profiles[0];
  const deltaMetrics: [string, (x: number) => string][] = [
    ["d_p99", (x) => formatFixed(x, 3)],
    ["p_violate", f6],
  ];
  if (options.async) deltaMetrics.push(["p_starve", f6]);
  for (const m of methods) {
    for (const p of profiles) {
      if (p === base) continue;
      const a = find(base!, m);
      const b = find(p, m);
      if (!a || !b) continue;
      for (const [metric, fmt] of deltaMetrics) {
        if (!(`${metric}_mean` in a.values)) continue;
        const what = p === TAIL_PROFILE && base === BASE_PROFILE
          ? `Tail control effect on \`${metric}\` (${m})`
          : `Profile ${p} vs ${base} on \`${metric}\` (${m})`;
        lines.push(
          `- ${what}: ${fmt(mean(a, metric))} -> ${fmt(mean(b, metric))}`,
        );
      }
    }
  }
  if (methods.includes("naive")) {
    for (const m of methods) {
      if (m === "naive") continue;
      for (const p of profiles) {
        const a = find(p, "naive");
        const b = find(p, m);
        if (!a || !b) continue;
        const name = m[0]!.toUpperCase() + m.slice(1);
        lines.push(
          `- ${name} vs naive under ${p} (\`return\`): ${
            f6(mean(a, "returned_episode_returns"))
          } -> ${f6(mean(b, "returned_episode_returns"))}`,
        );
      }
    }
  }
  if (options.async) {
    const hasWilson = groups.some((g) =>
      "returned_episode_solved_wilson_low" in g.values
    );
    lines.push(
      "",
      "## Asynchronous Execution",
      "",
      "| profile | method | solved (95% Wilson) | p_starve | mean_s | n_inferences |",
      "|---|---:|---:|---:|---:|---:|",
    );
    for (const g of groups) {
      const w = hasWilson
        ? ` [${f6(g.values.returned_episode_solved_wilson_low!)}, ${
          f6(g.values.returned_episode_solved_wilson_high!)
        }]`
        : "";
      const opt = (m: string) => (`${m}_mean` in g.values ? ms(g, m) : "n/a");
      lines.push(
        `| ${g.profile} | ${g.method} | ${
          f6(g.values.returned_episode_solved_mean!)
        }${w} | ${opt("p_starve")} | ${opt("mean_s")} | ${
          opt("n_inferences")
        } |`,
      );
    }
  }
  return lines.join("\n"); // the seed's file has no final newline
}
