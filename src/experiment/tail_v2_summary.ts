/**
 * The tail_v2 summary: reads every finished run under an output folder
 * (`<out>/<task>/<forecaster>/<profile>.<arm>/<method>/seed_<n>/`, see
 * `tail_v2.ts`), whatever it holds, and writes `<out>/summary.csv`,
 * `<out>/summary.md` and `<out>/figures/<task>_{solved,p_starve,latency_cdf}.svg`.
 *
 * @module
 */
import { join } from "node:path";
import { writeTextFileAtomic } from "../io/atomic.ts";
import { parseCsv } from "../io/csv.ts";
import {
  CONFIG_FILE,
  listRuns,
  RESULTS_FILE,
  ROLLOUTS_FILE,
  runDirectory,
} from "../io/run_folder.ts";
import type { ForecasterConfig } from "../latency/forecast.ts";
import {
  armRateFigure,
  latencyCdf,
  latencyCdfFigure,
} from "../plot/tail_v2_figure.ts";
import { parseResultsCsv } from "./results.ts";
import { parseRolloutsCsv } from "./rollouts.ts";
import { forecasterName } from "./tail_v2.ts";
import { tailV2Markdown } from "./tail_v2_report.ts";
import {
  forecasterComparisons,
  formatTailV2Csv,
  sortArms,
  type TailV2Arm,
  tailV2Rows,
} from "./tail_v2_table.ts";

async function subdirs(path: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) {
      if (e.isDirectory) out.push(e.name);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return out.sort();
}

function parseDelaysCsv(
  text: string,
  file: string,
): { delay: number; count: number }[] {
  return parseCsv(text).rows.map((row, i) => {
    const delay = Number(row.delay), count = Number(row.count);
    if (!Number.isInteger(delay) || !Number.isInteger(count)) {
      throw new SyntaxError(
        `Cannot read ${file} as line ${
          i + 2
        } must hold integers delay,count: current value is "${row.delay},${row.count}"`,
      );
    }
    return { delay, count };
  });
}

/**
 * Reads every finished tail_v2 run under `out` (any tasks, forecasters,
 * profiles, arms, methods and seeds present).
 *
 * @param out The tail_v2 output folder.
 * @returns The arms, sorted as `sortArms`.
 * @throws {SyntaxError} If a run's files are damaged (names the file).
 *
 * @example
 * ```ts
 * import { readTailV2Arms } from "./tail_v2_summary.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(await readTailV2Arms(await Deno.makeTempDir()), []);
 * ```
 */
export async function readTailV2Arms(out: string): Promise<TailV2Arm[]> {
  const arms: TailV2Arm[] = [];
  for (const taskDir of await subdirs(out)) {
    for (const fcDir of await subdirs(join(out, taskDir))) {
      const root = join(out, taskDir, fcDir);
      for (const key of await listRuns(root)) {
        const dot = key.profile.indexOf(".");
        if (dot < 0) continue;
        const dir = runDirectory(root, key);
        const read = (f: string) => Deno.readTextFile(join(dir, f));
        const config = JSON.parse(await read(CONFIG_FILE)).config ?? {};
        const result = parseResultsCsv(await read(RESULTS_FILE))[0];
        if (!result) continue;
        const rolloutsFile = join(dir, ROLLOUTS_FILE);
        const outcomes = parseRolloutsCsv(
          await read(ROLLOUTS_FILE),
          rolloutsFile,
        );
        let delays: { delay: number; count: number }[] = [];
        try {
          delays = parseDelaysCsv(
            await read("delays.csv"),
            join(dir, "delays.csv"),
          );
        } catch (e) {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
        }
        const fc = config.forecaster as ForecasterConfig | undefined;
        const dt = config.profile?.dt_ms;
        arms.push({
          task: String(config.task ?? taskDir),
          profile: key.profile.slice(0, dot),
          control: key.profile.slice(dot + 1),
          method: key.method,
          forecaster: fc ? forecasterName(fc) : fcDir,
          seed: key.seed,
          solved: outcomes.solved,
          pStarve: result.p_starve ?? NaN,
          dP50: result.d_p50 ?? NaN,
          dP95: result.d_p95 ?? NaN,
          dP99: result.d_p99 ?? NaN,
          latencyScale: typeof config.latency_scale === "number"
            ? config.latency_scale
            : 1,
          dtMs: typeof dt === "number" ? dt : null,
          delays,
        });
      }
    }
  }
  // A reference in steps reads its profile's control period (from arm none).
  for (const a of arms) {
    if (a.dtMs !== null) continue;
    const none = arms.find((b) =>
      b.control === "none" && b.task === a.task && b.profile === a.profile &&
      b.dtMs !== null
    );
    if (none) a.dtMs = none.dtMs;
  }
  return sortArms(arms);
}

/**
 * Options for {@linkcode summarizeTailV2}.
 *
 * @example
 * ```ts
 * import type { SummarizeTailV2Options } from "./tail_v2_summary.ts";
 * const options: SummarizeTailV2Options = { mainForecaster: "buffer_max:10" };
 * ```
 */
export interface SummarizeTailV2Options {
  /** The main forecaster (others are compared with it). @default the most frequent */
  mainForecaster?: string;
  /** Lines about the run for the head of summary.md (command, cost model). */
  notes?: readonly string[];
}

/**
 * Writes `summary.csv`, `summary.md` and the figures of everything under
 * `out`.
 *
 * @param out The tail_v2 output folder.
 * @param options The main forecaster and notes for summary.md.
 * @returns The paths written and the number of arms.
 *
 * @example
 * ```ts
 * import { summarizeTailV2 } from "./tail_v2_summary.ts";
 * import assert from "node:assert/strict";
 * const out = await Deno.makeTempDir();
 * const r = await summarizeTailV2(out);
 * assert.equal(r.arms, 0);
 * assert.match(await Deno.readTextFile(`${out}/summary.md`), /no finished runs/);
 * await Deno.remove(out, { recursive: true });
 * ```
 */
export async function summarizeTailV2(
  out: string,
  options: SummarizeTailV2Options = {},
): Promise<{ files: string[]; arms: number }> {
  const arms = await readTailV2Arms(out);
  const counts = new Map<string, number>();
  for (const a of arms) {
    counts.set(a.forecaster, (counts.get(a.forecaster) ?? 0) + 1);
  }
  const main = options.mainForecaster ??
    [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
  const rows = tailV2Rows(arms);
  const comparisons = forecasterComparisons(arms, { main });
  const files: string[] = [];
  const write = async (path: string, text: string) => {
    await writeTextFileAtomic(path, text);
    files.push(path);
  };
  await write(join(out, "summary.csv"), formatTailV2Csv(rows));
  await write(
    join(out, "summary.md"),
    tailV2Markdown(rows, { comparisons, main, notes: options.notes }),
  );
  // FIGURES PER TASK (MAIN FORECASTER)
  for (const task of [...new Set(rows.map((r) => r.task))]) {
    const mine = rows.filter((r) => r.task === task && r.forecaster === main);
    const title = `${task} (forecaster ${main})`;
    await write(
      join(out, "figures", `${task}_solved.svg`),
      armRateFigure(mine, { y: "solved", title }),
    );
    await write(
      join(out, "figures", `${task}_p_starve.svg`),
      armRateFigure(mine, { y: "p_starve", title }),
    );
    const cdf = arms.filter((a) => a.task === task && a.forecaster === main)
      .flatMap((a) =>
        latencyCdf(a.delays, {
          profile: a.profile,
          method: a.method,
          control: a.control,
          dtMs: a.dtMs,
        })
      );
    const unit = arms.some((a) => a.task === task && a.dtMs === null)
      ? "ms, or control steps for step profiles"
      : "ms";
    await write(
      join(out, "figures", `${task}_latency_cdf.svg`),
      latencyCdfFigure(cdf, { unit, title }),
    );
  }
  return { files, arms: arms.length };
}
