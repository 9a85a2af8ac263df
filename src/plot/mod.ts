/**
 * Figures: Observable Plot marks for solve rates with Wilson intervals,
 * delay distributions, smoothness and delay sweeps, rendered to standalone
 * SVG through linkedom.
 *
 * @module
 */
export * from "./render.ts";
export * from "./figures.ts";
export * from "./sweep_figure.ts";
export * from "./tail_v2_figure.ts";
