/**
 * The Step E command (`exp/summarize_tail_v1.ts`): read
 * `<root>/results_all.csv`, write the seed's `summary.csv` and `summary.md`
 * and SVG figures under `<root>/figures/` (solve rate with Wilson intervals
 * per profile × method, delay distribution per profile, `max_ddelta_action`
 * per method).
 *
 * @module
 */
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { exists, writeTextFileAtomic } from "../io/atomic.ts";
import { readJsonFile } from "../io/json.ts";
import { prepareOutputDir } from "../io/out_dir.ts";
import { CONFIG_FILE, ROLLOUTS_FILE, runDirectory } from "../io/run_folder.ts";
import { type ProfileConfig, resolveProfile } from "../latency/mod.ts";
import {
  delayDistributionFigure,
  delayHistogram,
  type DelayRow,
  smoothnessFigure,
  solveRateFigure,
} from "../plot/figures.ts";
import { errorLine } from "./args.ts";
import { RESULTS_ALL_FILE } from "../experiment/merge.ts";
import { parseResultsCsv, type ResultRow } from "../experiment/results.ts";
import {
  contrastMethods,
  formatContrastCsv,
  type MethodContrast,
  type RunOutcomes,
} from "../experiment/method_contrast.ts";
import { parseRolloutsCsv } from "../experiment/rollouts.ts";
import {
  formatSummaryCsv,
  formatSummaryMarkdown,
  summarizeResults,
  type SummaryGroup,
} from "../experiment/summary.ts";

/**
 * Delay draws per profile for the distribution figure.
 *
 * @example
 * ```ts
 * import { DELAY_FIGURE_DRAWS } from "./summarize.ts";
 * import assert from "node:assert/strict";
 * assert.equal(DELAY_FIGURE_DRAWS, 20000);
 * ```
 */
export const DELAY_FIGURE_DRAWS = 20000;

/**
 * The summary title of a matrix root: `tail_v1` → `Tail v1 Summary`.
 *
 * @param root The matrix root.
 * @returns The title.
 *
 * @example
 * ```ts
 * import { summaryTitle } from "./summarize.ts";
 * import assert from "node:assert/strict";
 * assert.equal(summaryTitle("exp_runs/tail_v1"), "Tail v1 Summary");
 * assert.equal(summaryTitle("runs/sweep"), "sweep Summary");
 * ```
 */
export function summaryTitle(root: string): string {
  const name = basename(root.replace(/[\\/]+$/, ""));
  const m = /^tail_v(\d+)$/.exec(name);
  return m ? `Tail v${m[1]} Summary` : `${name} Summary`;
}

/**
 * What {@linkcode summarizeRoot} wrote.
 *
 * @example
 * ```ts
 * import type { SummarizeReport } from "./summarize.ts";
 * const count = (r: SummarizeReport): number => r.files.length;
 * ```
 */
export interface SummarizeReport {
  /** Files written. */
  files: string[];
  /** The groups. */
  groups: SummaryGroup[];
}

/**
 * Options for {@linkcode summarizeRoot}.
 *
 * @example
 * ```ts
 * import type { SummarizeOptions } from "./summarize.ts";
 * const options: SummarizeOptions = { figures: false };
 * ```
 */
export interface SummarizeOptions {
  /** Results file. @default <root>/results_all.csv */
  input?: string;
  /** Write SVG figures. @default true */
  figures?: boolean;
}

// The resolved configuration (`config.json`'s `config`) of the first run of
// each profile, in the order of the rows; null where that file is missing.
type RunConfig = {
  delayMode?: string;
  evaluator?: string;
  profile?: ProfileConfig | null;
};

async function firstRunConfigs(
  root: string,
  rows: readonly ResultRow[],
): Promise<{ profile: string; config: RunConfig | null }[]> {
  const out: { profile: string; config: RunConfig | null }[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.profile)) continue;
    seen.add(r.profile);
    const path = join(runDirectory(root, r), CONFIG_FILE);
    const cfg = await exists(path)
      ? await readJsonFile(path) as { config?: RunConfig } | null
      : null;
    out.push({ profile: r.profile, config: cfg?.config ?? null });
  }
  return out;
}

function profileDelays(
  configs: readonly { profile: string; config: RunConfig | null }[],
): DelayRow[] {
  const out: DelayRow[] = [];
  for (const { profile, config } of configs) {
    if (!config?.profile) continue;
    const draws = resolveProfile(config.profile).sample(
      DELAY_FIGURE_DRAWS,
      0,
      0,
    );
    out.push(...delayHistogram(draws, { profile }));
  }
  return out;
}

async function runOutcomes(
  root: string,
  rows: readonly ResultRow[],
): Promise<RunOutcomes[] | undefined> {
  const out: RunOutcomes[] = [];
  for (const r of rows) {
    const path = join(runDirectory(root, r), ROLLOUTS_FILE);
    if (!(await exists(path))) return undefined; // runs of an older version
    const { solved } = parseRolloutsCsv(await Deno.readTextFile(path), path);
    out.push({ profile: r.profile, method: r.method, seed: r.seed, solved });
  }
  return out;
}

function pct(x: number): string {
  return Number.isFinite(x) ? (100 * x).toFixed(1) : "n/a";
}

/**
 * The paired section of summary.md: each method against naive per profile,
 * with the rollout and the seed as units.
 *
 * @param contrasts From `contrastMethods`.
 * @param shared Whether the rollouts of a seed share their delays.
 * @returns Markdown text.
 *
 * @example
 * ```ts
 * import { contrastMarkdown } from "./summarize.ts";
 * import { contrastMethods } from "../experiment/method_contrast.ts";
 * import assert from "node:assert/strict";
 * const runs = [0, 1].flatMap((seed) => [
 *   { profile: "p", method: "naive", seed, solved: [1, 0, 0, 1] },
 *   { profile: "p", method: "realtime", seed, solved: [1, 1, 0, 1] },
 * ]);
 * assert.match(contrastMarkdown(contrastMethods(runs), false), /\| p \| realtime \|/);
 * ```
 */
export function contrastMarkdown(
  contrasts: readonly MethodContrast[],
  shared: boolean,
): string {
  const lines = [
    "",
    "## Paired differences to naive (first episode, percentage points)",
    "",
    "Rollout r of seed s is one pair (same initial state, noise and delay",
    "uniforms for every method). `rollout CI`: Newcombe's 95% interval with the",
    "rollout as the unit; `seed CI`: 95% t interval of the per-seed differences",
    "with the seed as the unit." +
    (shared
      ? " The rollouts of a seed share their delays here (scan, delay mode shared), so they are not independent: read the seed CI."
      : ""),
    "",
    "| profile | method | pairs | seeds | solved | naive | diff | rollout CI | seed CI | only method / only naive | McNemar p |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const c of contrasts) {
    lines.push(
      `| ${c.profile} | ${c.method} | ${c.rollouts} | ${c.seeds} | ${
        pct(c.solved)
      } | ${pct(c.baseline_solved)} | ${c.diff >= 0 ? "+" : ""}${
        pct(c.diff)
      } | [${pct(c.diff_lo)}, ${pct(c.diff_hi)}] | ${
        c.seeds >= 2 ? `[${pct(c.seed_lo)}, ${pct(c.seed_hi)}]` : "n/a"
      } | ${c.only_method} / ${c.only_baseline} | ${
        c.p_mcnemar.toPrecision(2)
      } |`,
    );
  }
  return lines.join("\n") + "\n";
}

// Whether some run's rollouts share random delays: the scan evaluator with
// batch-wide delays (delay mode shared) and a profile that is not fixed (a
// run without its config.json counts as sharing).
function sharedDelays(
  configs: readonly { config: RunConfig | null }[],
): boolean {
  return configs.some(({ config: c }) =>
    c === null ||
    (c.evaluator !== "async" && (c.delayMode ?? "shared") === "shared" &&
      c.profile?.kind !== "fixed")
  );
}

/**
 * Summarises a matrix root: summary.csv, summary.md and figures. A root
 * whose rows come from several tasks (Step D with `--task a,b`) is
 * summarised per task, into each `<root>/<task>/`.
 *
 * @param root The matrix root (e.g. `exp_runs/tail_v1`).
 * @param options Input override and whether to draw figures.
 * @returns The files written and the groups.
 * @throws {RangeError} If the results file does not exist or the root
 *   cannot be written.
 * @throws {SyntaxError} If the results file or a run's `config.json` is
 *   damaged (`<file>:<line>: <what>`).
 *
 * @example
 * ```ts ignore
 * const { files } = await summarizeRoot("exp_runs/tail_v1");
 * ```
 */
export async function summarizeRoot(
  root: string,
  options: SummarizeOptions = {},
): Promise<SummarizeReport> {
  const input = options.input ?? join(root, RESULTS_ALL_FILE);
  if (!(await exists(input))) {
    throw new RangeError(
      `Cannot summarize as the results file does not exist (run step D first): current value is "${input}"`,
    );
  }
  const rows = parseResultsCsv(await Deno.readTextFile(input), input);
  if (rows.length === 0) {
    throw new RangeError(
      `Cannot summarize as the results file has no rows: current value is "${input}"`,
    );
  }
  // SEVERAL TASKS (step D with --task a,b): ONE SUMMARY PER TASK FOLDER
  const levels = [...new Set(rows.map((r) => String(r.level)))];
  if (levels.length > 1) {
    const report: SummarizeReport = { files: [], groups: [] };
    for (const level of levels) {
      const sub = join(root, level);
      if (!(await exists(join(sub, RESULTS_ALL_FILE)))) {
        throw new RangeError(
          `Cannot summarize as the results mix tasks (${
            levels.join(", ")
          }) and ${sub}/${RESULTS_ALL_FILE} does not exist: current value is "${input}"`,
        );
      }
      const one = await summarizeRoot(sub, { figures: options.figures });
      report.files.push(...one.files);
      report.groups.push(...one.groups);
    }
    return report;
  }
  await prepareOutputDir(root, { flag: "--root" });
  const groups = summarizeResults(rows);
  const files: string[] = [];
  const write = async (path: string, text: string) => {
    await writeTextFileAtomic(path, text);
    files.push(path);
  };
  await write(join(root, "summary.csv"), formatSummaryCsv(groups));
  const configs = await firstRunConfigs(root, rows);
  const outcomes = await runOutcomes(root, rows);
  const contrasts = outcomes && contrastMethods(outcomes);
  let md = formatSummaryMarkdown(groups, {
    source: input,
    title: summaryTitle(root),
    runs: rows.length,
    async: rows.some((r) => r.evaluator === "async"),
  });
  if (contrasts && contrasts.length > 0) {
    await write(join(root, "paired.csv"), formatContrastCsv(contrasts));
    const shared = sharedDelays(configs);
    md = md.replace(/\n*$/, "\n") + contrastMarkdown(contrasts, shared);
  }
  await write(join(root, "summary.md"), md);
  if (options.figures ?? true) {
    const figDir = join(root, "figures");
    await write(
      join(figDir, "solve_rate.svg"),
      solveRateFigure(groups.map((g) => {
        const v = g.values;
        const m = v.returned_episode_solved_mean!;
        return {
          profile: g.profile,
          method: g.method,
          solved: m,
          low: v.returned_episode_solved_wilson_low ?? m,
          high: v.returned_episode_solved_wilson_high ?? m,
        };
      })),
    );
    await write(
      join(figDir, "max_ddelta_action.svg"),
      smoothnessFigure(rows.map((r) => ({
        profile: r.profile,
        method: r.method,
        max_ddelta_action: Number(r.max_ddelta_action),
      }))),
    );
    const delays = profileDelays(configs);
    if (delays.length > 0) {
      await write(
        join(figDir, "delay_distribution.svg"),
        delayDistributionFigure(delays),
      );
    }
  }
  return { files, groups };
}

/**
 * Runs the Step E command.
 *
 * @param argv Command-line arguments.
 * @param options Output sinks.
 * @returns Exit code: 0 done, 2 bad input.
 *
 * @example
 * ```ts
 * import { summarizeMain } from "./summarize.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * assert.equal(await summarizeMain(["--help"], { stdout: (l) => lines.push(l) }), 0);
 * assert.match(lines[0]!, /^Usage:/);
 * ```
 */
export async function summarizeMain(
  argv: string[],
  options: {
    stdout?: (line: string) => void;
    stderr?: (line: string) => void;
  } = {},
): Promise<number> {
  const name = "summarize_tail_v1.ts";
  const out = options.stdout ?? ((l: string) => console.log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        root: { type: "string", default: "exp_runs/tail_v1" },
        input: { type: "string" },
        "no-figures": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      out(
        `Usage: deno run -A exp/${name} [--root exp_runs/tail_v1] [--input <results_all.csv>] [--no-figures]

Writes <root>/summary.csv and <root>/summary.md in the seed's format, and
<root>/figures/{solve_rate,delay_distribution,max_ddelta_action}.svg.`,
      );
      return 0;
    }
    const report = await summarizeRoot(values.root, {
      input: values.input,
      figures: !values["no-figures"],
    });
    for (const f of report.files) out(`${name}: wrote ${f}`);
    return 0;
  } catch (e) {
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
}
