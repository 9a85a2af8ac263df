/**
 * `summary.md` of tail_v2: the table per task and forecaster, what the data
 * supports (the tail's cost against the reference, each control's paired
 * effect, resolved or not), the forecaster comparison, and the power of the
 * paired design (discordant pairs, the smallest difference resolved).
 *
 * @module
 */
import { formatFixed } from "../io/format.ts";
import type { ForecasterComparison, TailV2Row } from "./tail_v2_table.ts";
import { REFERENCE_ARM } from "./tail_v2_spec.ts";

/** z of a two-sided 95% interval plus z of 80% power. */
const Z_POWER = 1.96 + 0.8416;

const f3 = (x: number) => formatFixed(x, 3);
const interval = (x: number, lo: number, hi: number) =>
  Number.isNaN(x) ? "" : `${f3(x)} [${f3(lo)}, ${f3(hi)}]`;
const signed = (x: number) => (x >= 0 ? "+" : "") + f3(x);

function verdict(r: TailV2Row): string {
  if (r.diff_lo > 0) return "helps";
  if (r.diff_hi < 0) return "hurts";
  return "unresolved";
}

/**
 * Power of the paired design for the comparisons of `rows` with `none`:
 * with q the fraction of discordant pairs, the 95% interval of a difference
 * near 0 has half-width about `1.96·sqrt(q/n)`, the smallest difference
 * resolved with 80% power is about `2.80·sqrt(q/n)`, and resolving 0.02
 * needs about `q·(2.80/0.02)²` rollouts.
 *
 * @param rows Summary rows (the `none` rows and rows without a pair are skipped).
 * @returns Median and largest q, median phi, the smallest resolved
 *   difference at the median and largest q, and the rollouts needed for 0.02.
 *
 * @example
 * ```ts
 * import { pairedPower } from "./tail_v2_report.ts";
 * import assert from "node:assert/strict";
 * const row = { control: "tail_cap", rollouts: 2048, only_control: 60, only_none: 40, phi: 0.7 };
 * const p = pairedPower([row as never]);
 * assert.equal(p.comparisons, 1);
 * assert.equal(Math.round(p.rolloutsFor002), 958);
 * ```
 */
export function pairedPower(rows: readonly TailV2Row[]): {
  comparisons: number;
  medianDiscordant: number;
  maxDiscordant: number;
  medianPhi: number;
  mddMedian: number;
  mddMax: number;
  rolloutsFor002: number;
} {
  const pairs = rows.filter((r) =>
    r.control !== "none" && Number.isFinite(r.only_control)
  );
  const q = pairs.map((r) => (r.only_control + r.only_none) / r.rollouts)
    .sort((a, b) => a - b);
  const phi = pairs.map((r) => r.phi).sort((a, b) => a - b);
  const median = (x: number[]) =>
    x.length === 0
      ? NaN
      : x.length % 2
      ? x[(x.length - 1) / 2]!
      : (x[x.length / 2 - 1]! + x[x.length / 2]!) / 2;
  const n = pairs[0]?.rollouts ?? NaN;
  const qMed = median(q), qMax = q.at(-1) ?? NaN;
  return {
    comparisons: pairs.length,
    medianDiscordant: qMed,
    maxDiscordant: qMax,
    medianPhi: median(phi),
    mddMedian: Z_POWER * Math.sqrt(qMed / n),
    mddMax: Z_POWER * Math.sqrt(qMax / n),
    rolloutsFor002: qMax * (Z_POWER / 0.02) ** 2,
  };
}

/**
 * Formats `summary.md`.
 *
 * @param rows The `summary.csv` rows.
 * @param options The forecaster comparisons, the main forecaster, notes.
 * @returns Markdown text.
 *
 * @example
 * ```ts
 * import { tailV2Markdown } from "./tail_v2_report.ts";
 * import assert from "node:assert/strict";
 * assert.match(tailV2Markdown([], { comparisons: [], main: "buffer_max:10" }), /no finished runs/);
 * ```
 */
export function tailV2Markdown(
  rows: readonly TailV2Row[],
  options: {
    comparisons: readonly ForecasterComparison[];
    main: string;
    notes?: readonly string[];
  },
): string {
  const lines: string[] = ["# tail_v2: does tail control help?", ""];
  for (const note of options.notes ?? []) lines.push(note);
  if (options.notes?.length) lines.push("");
  if (rows.length === 0) {
    lines.push("(no finished runs)");
    return lines.join("\n") + "\n";
  }
  lines.push(
    "Every arm of a task runs the async evaluator (RTC Algorithm 1) on the same seed: rollout r of every arm has the same initial state, action noise and flow-noise coordinates, and delays drawn from the same uniforms where the arm allows. `diff vs none` is the solve rate minus that of control `none` (same task, profile, method, forecaster), paired rollout by rollout: Newcombe's 95% interval, exact McNemar p. Each environment draws its own delays, so rollouts are independent units. `reference` is no control: the profile replaced by a low-latency reference (fixed at the body's median) on the same seeds. `scale` is the method's latency scale (cost-coupled latency; 1 = none). p_starve: fraction of control steps without a fresh action.",
    "",
  );
  const main = rows.filter((r) => r.forecaster === options.main);
  for (const task of [...new Set(main.map((r) => r.task))]) {
    const mine = main.filter((r) => r.task === task);
    lines.push(`## ${task} (forecaster ${options.main})`, "");
    lines.push(
      "| profile | method | arm | scale | solved [95% Wilson] | p_starve | d_p50 | d_p99 | diff vs none [95%] | p (McNemar) |",
      "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const r of mine) {
      lines.push(
        `| ${r.profile} | ${r.method} | ${r.control} | ${
          formatFixed(r.latency_scale, 3)
        } | ${interval(r.solved, r.solved_lo, r.solved_hi)} | ${
          f3(r.p_starve)
        } | ${r.d_p50} | ${r.d_p99} | ${
          r.control === "none"
            ? ""
            : interval(r.diff_vs_none, r.diff_lo, r.diff_hi)
        } | ${r.control === "none" ? "" : formatFixed(r.p_mcnemar, 4)} |`,
      );
    }
    lines.push("");
  }
  // WHAT THE DATA SUPPORTS
  lines.push("## What the data supports", "");
  const bar: string[] = [];
  for (const task of [...new Set(main.map((r) => r.task))]) {
    const cells = new Map<string, TailV2Row[]>();
    for (const r of main.filter((r) => r.task === task)) {
      const k = `${r.profile} / ${r.method}`;
      cells.set(k, [...(cells.get(k) ?? []), r]);
    }
    for (const [cell, rs] of cells) {
      const none = rs.find((r) => r.control === "none");
      if (!none) continue;
      const ref = rs.find((r) => r.control === REFERENCE_ARM);
      const parts: string[] = [];
      if (ref) {
        parts.push(
          `the tail costs ${
            interval(ref.diff_vs_none, ref.diff_lo, ref.diff_hi)
          } against the reference (none ${f3(none.solved)}, reference ${
            f3(ref.solved)
          })`,
        );
      }
      for (
        const r of rs.filter((r) =>
          r.control !== "none" && r.control !== REFERENCE_ARM
        )
      ) {
        parts.push(
          `${r.control} ${signed(r.diff_vs_none)} [${f3(r.diff_lo)}, ${
            f3(r.diff_hi)
          }] (${verdict(r)}, p ${formatFixed(r.p_mcnemar, 4)})`,
        );
        if (r.diff_lo > 0 && r.diff_vs_none >= 0.05) {
          bar.push(
            `${r.control} recovers ${f3(r.diff_vs_none)} [${f3(r.diff_lo)}, ${
              f3(r.diff_hi)
            }] on ${task} / ${cell}`,
          );
        }
      }
      lines.push(`- ${task} / ${cell}: ${parts.join("; ")}.`);
    }
  }
  lines.push(
    "",
    bar.length > 0
      ? `Controls recovering at least 0.05 with the paired 95% interval above 0: ${
        bar.join("; ")
      }.`
      : "No control recovers 0.05 or more with its paired 95% interval above 0.",
    "",
  );
  // FORECASTERS
  if (options.comparisons.length > 0) {
    lines.push(
      `## Forecasters (paired, each against ${options.main})`,
      "",
      "| task | profile | arm | method | forecaster | solved | solved with main | diff [95%] | p (McNemar) |",
      "| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: |",
    );
    for (const c of options.comparisons) {
      lines.push(
        `| ${c.task} | ${c.profile} | ${c.control} | ${c.method} | ${c.forecaster} | ${
          f3(c.solved)
        } | ${f3(c.solved_versus)} | ${
          interval(c.diff, c.diff_lo, c.diff_hi)
        } | ${formatFixed(c.p_mcnemar, 4)} |`,
      );
    }
    lines.push("");
  }
  // POWER
  const p = pairedPower(rows);
  if (p.comparisons > 0) {
    lines.push(
      "## Power of the paired design",
      "",
      `Over the ${p.comparisons} comparisons with none (${
        rows[0]!.rollouts
      } rollouts each): discordant pairs median ${
        f3(p.medianDiscordant)
      }, largest ${f3(p.maxDiscordant)}; phi correlation of the pairs median ${
        f3(p.medianPhi)
      }. A difference near 0 is resolved with 80% power from about ${
        f3(p.mddMedian)
      } (median discordance; ${
        f3(p.mddMax)
      } at the largest); resolving 0.02 at the largest discordance needs about ${
        Math.ceil(p.rolloutsFor002)
      } rollouts.`,
      "",
    );
  }
  return lines.join("\n") + "\n";
}
