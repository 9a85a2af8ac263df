/**
 * The toolkit's figures as Observable Plot marks (`(rows, options) =>
 * marks`, composable in notebooks) and as ready SVG figures.
 *
 * Row shapes are plain objects with the seed's column names, so results
 * CSVs parsed with `parseResultsCsv` plug in directly.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { renderSvg } from "./render.ts";

/**
 * Default figure width in px.
 *
 * @example
 * ```ts
 * import { FIGURE_WIDTH } from "./figures.ts";
 * import assert from "node:assert/strict";
 * assert.equal(FIGURE_WIDTH, 640);
 * ```
 */
export const FIGURE_WIDTH = 640;
/**
 * Default figure height in px.
 *
 * @example
 * ```ts
 * import { FIGURE_HEIGHT } from "./figures.ts";
 * import assert from "node:assert/strict";
 * assert.equal(FIGURE_HEIGHT, 360);
 * ```
 */
export const FIGURE_HEIGHT = 360;

/**
 * One solve-rate point: a group's rate and its 95 % interval.
 *
 * @example
 * ```ts
 * import type { SolveRateRow } from "./figures.ts";
 * const row: SolveRateRow = { profile: "long_tail", method: "naive", solved: 0.5, low: 0.44, high: 0.56 };
 * ```
 */
export interface SolveRateRow {
  /** Profile (facet). */
  profile: string;
  /** Method (x position and color). */
  method: string;
  /** Solve rate. */
  solved: number;
  /** Lower end of the 95 % Wilson interval. */
  low: number;
  /** Upper end. */
  high: number;
}

/**
 * Marks: solve rate per method (dots) with Wilson intervals (rules), faceted
 * by profile.
 *
 * @param rows One row per profile × method.
 * @returns The marks.
 *
 * @example
 * ```ts
 * import { solveRateMarks } from "./figures.ts";
 * import assert from "node:assert/strict";
 * const marks = solveRateMarks([{ profile: "p", method: "m", solved: 0.5, low: 0.4, high: 0.6 }]);
 * assert.equal(marks.length, 3);
 * ```
 */
export function solveRateMarks(rows: readonly SolveRateRow[]): Plot.Markish[] {
  return [
    Plot.ruleX(rows, {
      x: "method",
      y1: "low",
      y2: "high",
      fx: "profile",
      stroke: "method",
      strokeWidth: 2,
    }),
    Plot.dot(rows, {
      x: "method",
      y: "solved",
      fx: "profile",
      fill: "method",
      r: 4,
      tip: true,
    }),
    Plot.ruleY([0]),
  ];
}

/**
 * Figure: solve rate with 95 % Wilson intervals per profile × method.
 *
 * @param rows One row per profile × method.
 * @returns SVG text.
 *
 * @example
 * ```ts
 * import { solveRateFigure } from "./figures.ts";
 * import assert from "node:assert/strict";
 * const svg = solveRateFigure([{ profile: "p", method: "m", solved: 0.5, low: 0.4, high: 0.6 }]);
 * assert.ok(svg.includes("solve rate"));
 * ```
 */
export function solveRateFigure(rows: readonly SolveRateRow[]): string {
  return renderSvg({
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    marginBottom: 40,
    y: { domain: [0, 1], grid: true, label: "solve rate (95% Wilson)" },
    x: { label: null },
    fx: { label: "profile" },
    marks: solveRateMarks(rows),
  });
}

/**
 * One delay histogram bin.
 *
 * @example
 * ```ts
 * import type { DelayRow } from "./figures.ts";
 * const row: DelayRow = { profile: "long_tail", delay: 4, fraction: 0.05 };
 * ```
 */
export interface DelayRow {
  /** Profile (facet). */
  profile: string;
  /** Delay in control steps. */
  delay: number;
  /** Fraction of draws with this delay. */
  fraction: number;
}

/**
 * Default largest delay bin of {@linkcode delayHistogram}: larger draws count as this value.
 *
 * @example
 * ```ts
 * import { DELAY_CLIP } from "./figures.ts";
 * import assert from "node:assert/strict";
 * assert.equal(DELAY_CLIP, 16);
 * ```
 */
export const DELAY_CLIP = 16;

/**
 * Counts delays into fraction-per-value rows; draws above `clip` are counted
 * in the `clip` bin (so a heavy tail stays readable).
 *
 * @param delays The draws.
 * @param options Profile name and the largest bin.
 * @returns One row per distinct (clipped) delay, ascending.
 *
 * @example
 * ```ts
 * import { delayHistogram } from "./figures.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(delayHistogram([0, 0, 1, 40], { profile: "p", clip: 4 }), [
 *   { profile: "p", delay: 0, fraction: 0.5 },
 *   { profile: "p", delay: 1, fraction: 0.25 },
 *   { profile: "p", delay: 4, fraction: 0.25 },
 * ]);
 * ```
 */
export function delayHistogram(
  delays: ArrayLike<number>,
  options: { profile: string; clip?: number },
): DelayRow[] {
  const clip = options.clip ?? DELAY_CLIP;
  const counts = new Map<number, number>();
  for (let i = 0; i < delays.length; i++) {
    const d = Math.min(delays[i]!, clip);
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]).map((
    [delay, c],
  ) => ({ profile: options.profile, delay, fraction: c / delays.length }));
}

/**
 * Marks: delay distribution (bars of the fraction per delay), faceted by
 * profile (rows).
 *
 * @param rows Histogram rows from {@linkcode delayHistogram}.
 * @returns The marks.
 *
 * @example
 * ```ts
 * import { delayHistogram, delayDistributionMarks } from "./figures.ts";
 * import assert from "node:assert/strict";
 * assert.equal(delayDistributionMarks(delayHistogram([0, 1], { profile: "p" })).length, 2);
 * ```
 */
export function delayDistributionMarks(
  rows: readonly DelayRow[],
): Plot.Markish[] {
  return [
    Plot.rectY(rows, {
      x1: (d: DelayRow) => d.delay - 0.4,
      x2: (d: DelayRow) => d.delay + 0.4,
      y: "fraction",
      fy: "profile",
      fill: "steelblue",
    }),
    Plot.ruleY([0]),
  ];
}

/**
 * Figure: delay distribution per profile (the last bin holds every draw at
 * or above the clip, see {@linkcode delayHistogram}).
 *
 * @param rows Histogram rows.
 * @returns SVG text.
 *
 * @example
 * ```ts
 * import { delayDistributionFigure, delayHistogram } from "./figures.ts";
 * import assert from "node:assert/strict";
 * assert.ok(delayDistributionFigure(delayHistogram([0, 0, 1], { profile: "p" })).includes("<svg"));
 * ```
 */
export function delayDistributionFigure(rows: readonly DelayRow[]): string {
  const profiles = new Set(rows.map((r) => r.profile)).size;
  return renderSvg({
    width: FIGURE_WIDTH,
    height: Math.max(160, 120 * profiles),
    marginRight: 110,
    x: { label: `delay d (control steps; last bin = at least its value)` },
    y: { label: "fraction", grid: true },
    marks: delayDistributionMarks(rows),
  });
}

/**
 * One run's smoothness value.
 *
 * @example
 * ```ts
 * import type { SmoothnessRow } from "./figures.ts";
 * const row: SmoothnessRow = { profile: "long_tail", method: "naive", max_ddelta_action: 4.5 };
 * ```
 */
export interface SmoothnessRow {
  /** Profile (facet). */
  profile: string;
  /** Method (x). */
  method: string;
  /** The run's `max_ddelta_action`. */
  max_ddelta_action: number;
}

/**
 * Marks: `max_ddelta_action` per method, one dot per run (seed) and a tick
 * at the mean, faceted by profile.
 *
 * @param rows One row per run.
 * @returns The marks.
 *
 * @example
 * ```ts
 * import { smoothnessMarks } from "./figures.ts";
 * import assert from "node:assert/strict";
 * assert.equal(smoothnessMarks([{ profile: "p", method: "m", max_ddelta_action: 1 }]).length, 2);
 * ```
 */
export function smoothnessMarks(
  rows: readonly SmoothnessRow[],
): Plot.Markish[] {
  return [
    Plot.dot(rows, {
      x: "method",
      y: "max_ddelta_action",
      fx: "profile",
      stroke: "method",
      r: 3,
    }),
    Plot.tickY(
      rows,
      Plot.groupX({ y: "mean" }, {
        x: "method",
        y: "max_ddelta_action",
        fx: "profile",
        stroke: "black",
        strokeWidth: 2,
      }),
    ),
  ];
}

/**
 * Figure: `max_ddelta_action` (jerk proxy) per method.
 *
 * @param rows One row per run.
 * @returns SVG text.
 *
 * @example
 * ```ts
 * import { smoothnessFigure } from "./figures.ts";
 * import assert from "node:assert/strict";
 * assert.ok(smoothnessFigure([{ profile: "p", method: "m", max_ddelta_action: 1 }]).includes("<svg"));
 * ```
 */
export function smoothnessFigure(rows: readonly SmoothnessRow[]): string {
  return renderSvg({
    width: FIGURE_WIDTH,
    height: FIGURE_HEIGHT,
    marginBottom: 40,
    y: { label: "max_ddelta_action", grid: true, zero: true },
    x: { label: null },
    fx: { label: "profile" },
    marks: smoothnessMarks(rows),
  });
}
