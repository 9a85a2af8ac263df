/**
 * Renders Observable Plot figures to standalone SVG text with linkedom as the
 * DOM (no browser needed).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

interface MiniElement {
  tagName: string;
  outerHTML: string;
  querySelector(selector: string): MiniElement | null;
}

/**
 * Options passed to `Plot.plot` (the `document` is supplied here).
 *
 * @example
 * ```ts
 * import type { PlotOptions } from "./render.ts";
 * const options: PlotOptions = { width: 640, height: 360 };
 * ```
 */
export type PlotOptions = Omit<Plot.PlotOptions, "document">;

/**
 * Renders a figure to an SVG document string (with the SVG namespace, so
 * the file opens standalone). A figure with a legend or caption comes out as
 * a `<figure>`; only its SVG is kept, legends of color scales are inlined by
 * Plot as swatches only in HTML, so use `color: { legend: false }` or a
 * text mark for standalone files.
 *
 * @param options `Plot.plot` options (marks, scales, size).
 * @returns The SVG text.
 *
 * @example
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { renderSvg } from "./render.ts";
 * import assert from "node:assert/strict";
 * const svg = renderSvg({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });
 * assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
 * assert.ok(svg.includes("<circle"));
 * ```
 */
export function renderSvg(options: PlotOptions): string {
  const { document } = parseHTML(
    "<!DOCTYPE html><html><body></body></html>",
  ) as unknown as { document: unknown };
  const node = Plot.plot({
    ...options,
    document: document as Plot.PlotOptions["document"],
  }) as unknown as MiniElement;
  const svg = node.tagName.toLowerCase() === "svg"
    ? node
    : node.querySelector("svg");
  if (!svg) {
    throw new TypeError(
      `Cannot render plot to SVG as Plot returned a <${node.tagName.toLowerCase()}> without an <svg>`,
    );
  }
  let text = svg.outerHTML;
  if (!/^<svg[^>]*\sxmlns=/.test(text)) {
    text = text.replace(
      /^<svg/,
      '<svg xmlns="http://www.w3.org/2000/svg"',
    );
  }
  return text + "\n";
}
