/**
 * The tail_v2 figures as Observable Plot marks and SVG: a rate per arm
 * (solve rate with its 95% interval, or p_starve) in a profile × method
 * grid, and the empirical CDF of the delays each arm drew (before a control:
 * arm `none`; after: the control's arm), in milliseconds where the profile
 * has a control period.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { FIGURE_WIDTH } from "./figures.ts";
import { renderSvg } from "./render.ts";

/**
 * One arm's rate: the columns of tail_v2's `summary.csv` these figures use.
 *
 * @example
 * ```ts
 * import type { ArmRateRow } from "./tail_v2_figure.ts";
 * const row: ArmRateRow = { profile: "spikes", method: "naive", control: "none", solved: 0.8, solved_lo: 0.78, solved_hi: 0.82, p_starve: 0.04 };
 * ```
 */
export interface ArmRateRow {
  /** Profile (column facet). */
  profile: string;
  /** Method (row facet). */
  method: string;
  /** Arm (x and colour). */
  control: string;
  /** Solve rate. */
  solved: number;
  /** Its 95% interval, lower end. */
  solved_lo: number;
  /** Upper end. */
  solved_hi: number;
  /** Fraction of control steps starved. */
  p_starve: number;
}

/**
 * Marks: one dot per arm (x = arm, coloured by arm), with the solve rate's
 * interval as a rule when `y` is `solved`, faceted profile × method.
 *
 * @param rows One row per profile × method × arm.
 * @param options `y`: the rate to draw. @default {y: "solved"}
 * @returns The marks.
 *
 * @example
 * ```ts
 * import { armRateMarks } from "./tail_v2_figure.ts";
 * import assert from "node:assert/strict";
 * const rows = [{ profile: "p", method: "m", control: "none", solved: 0.5, solved_lo: 0.4, solved_hi: 0.6, p_starve: 0.1 }];
 * assert.equal(armRateMarks(rows).length, 3);
 * assert.equal(armRateMarks(rows, { y: "p_starve" }).length, 2);
 * ```
 */
export function armRateMarks(
  rows: readonly ArmRateRow[],
  options: { y?: "solved" | "p_starve" } = {},
): Plot.Markish[] {
  const y = options.y ?? "solved";
  const facet = { fx: "profile", fy: "method" };
  const marks: Plot.Markish[] = [];
  if (y === "solved") {
    marks.push(
      Plot.ruleX(rows, {
        x: "control",
        y1: "solved_lo",
        y2: "solved_hi",
        stroke: "control",
        strokeWidth: 2,
        ...facet,
      }),
    );
  }
  marks.push(
    Plot.dot(rows, {
      x: "control",
      y,
      fill: "control",
      r: 3.5,
      tip: true,
      ...facet,
    }),
    Plot.ruleY([0]),
  );
  return marks;
}

function gridSize(rows: readonly { profile: string; method: string }[]) {
  return {
    cols: Math.max(1, new Set(rows.map((r) => r.profile)).size),
    rows: Math.max(1, new Set(rows.map((r) => r.method)).size),
  };
}

/**
 * Figure: solve rate (95% Wilson intervals) or p_starve per arm, a panel
 * per profile (columns) and method (rows).
 *
 * @param rows One row per profile × method × arm.
 * @param options `y` and a title.
 * @returns SVG text.
 *
 * @example
 * ```ts
 * import { armRateFigure } from "./tail_v2_figure.ts";
 * import assert from "node:assert/strict";
 * const svg = armRateFigure([{ profile: "p", method: "m", control: "none", solved: 0.5, solved_lo: 0.4, solved_hi: 0.6, p_starve: 0.1 }], { title: "reach_around" });
 * assert.match(svg, /solve rate/);
 * ```
 */
export function armRateFigure(
  rows: readonly ArmRateRow[],
  options: { y?: "solved" | "p_starve"; title?: string } = {},
): string {
  const y = options.y ?? "solved";
  const g = gridSize(rows);
  return renderSvg({
    width: Math.max(FIGURE_WIDTH, 260 * g.cols + 120),
    height: 70 + 170 * g.rows,
    marginBottom: 60,
    marginRight: 90,
    title: options.title,
    x: { label: null, tickRotate: -30 },
    y: y === "solved"
      ? { domain: [0, 1], grid: true, label: "solve rate (95% Wilson)" }
      : { grid: true, zero: true, label: "p_starve (fraction of steps)" },
    color: { legend: false },
    marks: armRateMarks(rows, { y }),
  });
}

/**
 * One point of an arm's empirical delay CDF.
 *
 * @example
 * ```ts
 * import type { LatencyCdfRow } from "./tail_v2_figure.ts";
 * const row: LatencyCdfRow = { profile: "spikes", method: "naive", control: "none", latency: 40, cdf: 0.6 };
 * ```
 */
export interface LatencyCdfRow {
  /** Profile (column facet). */
  profile: string;
  /** Method (row facet). */
  method: string;
  /** Arm (colour). */
  control: string;
  /** Latency: ms (delay × dt_ms) or control steps. */
  latency: number;
  /** Fraction of draws at or below it. */
  cdf: number;
}

/**
 * The empirical CDF of a delay histogram: one point per distinct delay
 * (and a start at the smallest with CDF 0), latency = delay × `dtMs` (or
 * the delay in steps without a control period).
 *
 * @param delays The histogram (`delay,count` of `delays.csv`).
 * @param options Labels and the control period.
 * @returns The CDF rows, ascending.
 *
 * @example
 * ```ts
 * import { latencyCdf } from "./tail_v2_figure.ts";
 * import assert from "node:assert/strict";
 * const rows = latencyCdf([{ delay: 1, count: 3 }, { delay: 3, count: 1 }], { profile: "p", method: "m", control: "none", dtMs: 20 });
 * assert.deepEqual(rows.map((r) => [r.latency, r.cdf]), [[20, 0], [20, 0.75], [60, 1]]);
 * ```
 */
export function latencyCdf(
  delays: readonly { delay: number; count: number }[],
  options: {
    profile: string;
    method: string;
    control: string;
    dtMs?: number | null;
  },
): LatencyCdfRow[] {
  const sorted = [...delays].sort((a, b) => a.delay - b.delay);
  const total = sorted.reduce((a, b) => a + b.count, 0);
  const k = options.dtMs ?? 1;
  const label = {
    profile: options.profile,
    method: options.method,
    control: options.control,
  };
  if (total === 0) return [];
  const out: LatencyCdfRow[] = [{
    ...label,
    latency: sorted[0]!.delay * k,
    cdf: 0,
  }];
  let cum = 0;
  for (const { delay, count } of sorted) {
    cum += count;
    out.push({ ...label, latency: delay * k, cdf: cum / total });
  }
  return out;
}

/**
 * Marks: the empirical delay CDF of each arm as a step line coloured by
 * arm, faceted profile × method.
 *
 * @param rows CDF rows from {@linkcode latencyCdf}.
 * @returns The marks.
 *
 * @example
 * ```ts
 * import { latencyCdf, latencyCdfMarks } from "./tail_v2_figure.ts";
 * import assert from "node:assert/strict";
 * const rows = latencyCdf([{ delay: 2, count: 1 }], { profile: "p", method: "m", control: "none" });
 * assert.equal(latencyCdfMarks(rows).length, 2);
 * ```
 */
export function latencyCdfMarks(
  rows: readonly LatencyCdfRow[],
): Plot.Markish[] {
  return [
    Plot.line(rows, {
      x: "latency",
      y: "cdf",
      z: "control",
      stroke: "control",
      curve: "step-after",
      fx: "profile",
      fy: "method",
      tip: true,
    }),
    Plot.ruleY([0, 1], { stroke: "#ccc" }),
  ];
}

/**
 * Figure: latency CDFs before (arm `none`) and after each control, with a
 * legend of the arms; log-scaled latency (linear when a delay is 0).
 *
 * @param rows CDF rows.
 * @param options `unit`: the x label's unit; a title.
 * @returns SVG text.
 *
 * @example
 * ```ts
 * import { latencyCdf, latencyCdfFigure } from "./tail_v2_figure.ts";
 * import assert from "node:assert/strict";
 * const rows = latencyCdf([{ delay: 1, count: 2 }, { delay: 5, count: 1 }], { profile: "p", method: "m", control: "none", dtMs: 20 });
 * assert.match(latencyCdfFigure(rows, { unit: "ms" }), /<path/);
 * ```
 */
export function latencyCdfFigure(
  rows: readonly LatencyCdfRow[],
  options: { unit?: string; title?: string } = {},
): string {
  const g = gridSize(rows);
  const controls = [...new Set(rows.map((r) => r.control))];
  // Legend: the arm names in their colours, in the first panel's lower right.
  const first = rows[0];
  const xMax = Math.max(...rows.map((r) => r.latency));
  const legend = first
    ? controls.map((control, i) => ({
      control,
      profile: first.profile,
      method: first.method,
      latency: xMax,
      cdf: 0.06 + 0.1 * (controls.length - 1 - i),
    }))
    : [];
  return renderSvg({
    width: Math.max(FIGURE_WIDTH, 260 * g.cols + 120),
    height: 70 + 170 * g.rows,
    marginRight: 90,
    title: options.title,
    x: {
      type: rows.some((r) => r.latency <= 0) ? "linear" : "log",
      label: `latency (${
        options.unit ?? "ms"
      }; whole control periods, as the controller sees it)`,
    },
    y: { domain: [0, 1], grid: true, label: "CDF of the delays drawn" },
    color: { domain: controls, legend: false },
    marks: [
      ...latencyCdfMarks(rows),
      Plot.text(legend, {
        x: "latency",
        y: "cdf",
        text: "control",
        fill: "control",
        fx: "profile",
        fy: "method",
        textAnchor: "end",
      }),
    ],
  });
}
