/**
 * The delay-sweep figure, in the style of the RTC paper's: solve rate
 * against the inference delay d, one line per method with its 95% interval,
 * over a grey band from the delay-blind (stale) expert up to the
 * prefix-aware expert; one panel per task.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { FIGURE_HEIGHT, FIGURE_WIDTH } from "./figures.ts";
import { renderSvg } from "./render.ts";

/**
 * One method at one delay (the columns of `sweep.csv` it uses).
 *
 * @example
 * ```ts
 * import type { SweepCurveRow } from "./sweep_figure.ts";
 * const row: SweepCurveRow = { task: "catch", method: "naive", delay: 2, solved: 0.3, solved_lo: 0.27, solved_hi: 0.33 };
 * ```
 */
export interface SweepCurveRow {
  /** Task (facet). */
  task: string;
  /** Method (color). */
  method: string;
  /** Fixed delay d. */
  delay: number;
  /** Solve rate. */
  solved: number;
  /** 95% interval, lower end. */
  solved_lo: number;
  /** Upper end. */
  solved_hi: number;
}

/**
 * The two expert bounds at one delay (the columns of `bounds.csv` it uses).
 *
 * @example
 * ```ts
 * import type { SweepBoundRow } from "./sweep_figure.ts";
 * const row: SweepBoundRow = { task: "catch", delay: 2, stale_expert: 0.83, prefix_expert: 0.99 };
 * ```
 */
export interface SweepBoundRow {
  /** Task (facet). */
  task: string;
  /** Fixed delay d. */
  delay: number;
  /** Delay-blind expert's solve rate (band floor). */
  stale_expert: number;
  /** Prefix-aware expert's solve rate (band ceiling). */
  prefix_expert: number;
}

/**
 * Marks of the sweep figure: the bound band, intervals, lines, dots and a
 * label at each line's end.
 *
 * @param rows Sweep points.
 * @param bounds Bounds per task and delay.
 * @returns The marks.
 *
 * @example
 * ```ts
 * import { sweepMarks } from "./sweep_figure.ts";
 * import assert from "node:assert/strict";
 * const marks = sweepMarks(
 *   [{ task: "t", method: "m", delay: 0, solved: 1, solved_lo: 0.9, solved_hi: 1 }],
 *   [{ task: "t", delay: 0, stale_expert: 1, prefix_expert: 1 }],
 * );
 * assert.equal(marks.length, 6);
 * ```
 */
export function sweepMarks(
  rows: readonly SweepCurveRow[],
  bounds: readonly SweepBoundRow[],
): Plot.Markish[] {
  const facet = { fx: "task" };
  return [
    Plot.areaY(bounds, {
      x: "delay",
      y1: "stale_expert",
      y2: "prefix_expert",
      fill: "#bbb",
      fillOpacity: 0.35,
      ...facet,
    }),
    Plot.ruleX(rows, {
      x: "delay",
      y1: "solved_lo",
      y2: "solved_hi",
      stroke: "method",
      strokeOpacity: 0.6,
      dx: 0,
      ...facet,
    }),
    Plot.line(rows, {
      x: "delay",
      y: "solved",
      z: "method",
      stroke: "method",
      sort: "delay",
      ...facet,
    }),
    Plot.dot(rows, {
      x: "delay",
      y: "solved",
      fill: "method",
      r: 2.5,
      ...facet,
    }),
    Plot.text(
      rows,
      Plot.selectLast({
        x: "delay",
        y: "solved",
        z: "method",
        fill: "method",
        text: "method",
        textAnchor: "start",
        dx: 5,
        ...facet,
      }),
    ),
    Plot.ruleY([0]),
  ];
}

/**
 * The sweep figure as SVG: one panel per task.
 *
 * @param rows Sweep points.
 * @param bounds Bounds per task and delay.
 * @returns SVG text.
 *
 * @example
 * ```ts
 * import { sweepFigure } from "./sweep_figure.ts";
 * import assert from "node:assert/strict";
 * const svg = sweepFigure(
 *   [{ task: "t", method: "naive", delay: 0, solved: 0.9, solved_lo: 0.8, solved_hi: 0.95 },
 *    { task: "t", method: "naive", delay: 1, solved: 0.5, solved_lo: 0.4, solved_hi: 0.6 }],
 *   [{ task: "t", delay: 0, stale_expert: 1, prefix_expert: 1 }, { task: "t", delay: 1, stale_expert: 0.9, prefix_expert: 1 }],
 * );
 * assert.equal(svg.match(/<circle/g)?.length, 2);
 * assert.match(svg, />naive</);
 * ```
 */
export function sweepFigure(
  rows: readonly SweepCurveRow[],
  bounds: readonly SweepBoundRow[],
): string {
  const tasks = new Set(rows.map((r) => r.task)).size;
  return renderSvg({
    width: Math.max(FIGURE_WIDTH, 380 * tasks) + 120,
    height: FIGURE_HEIGHT,
    marginRight: 120,
    y: { domain: [0, 1], grid: true, label: "solve rate" },
    x: { label: "inference delay d (s = max(d, 1))", ticks: 5 },
    fx: { label: null },
    color: { legend: false },
    marks: sweepMarks(rows, bounds),
  });
}
