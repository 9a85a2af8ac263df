/**
 * A tiny software rasteriser for task renderers: an RGBA canvas with filled
 * rectangles, circles and thick lines in world coordinates.
 *
 * @module
 */

import type { RgbaImage } from "./types.ts";

/** An RGB colour, each channel 0-255. */
export type Rgb = readonly [number, number, number];

/**
 * An RGBA canvas mapping a world rectangle onto pixels (y up).
 *
 * @example
 * ```ts
 * import { Canvas } from "./raster.ts";
 * import assert from "node:assert/strict";
 * const c = new Canvas({ width: 8, height: 8, xMin: -1, xMax: 1, yMin: -1, yMax: 1, background: [0, 0, 0] });
 * c.circle(0, 0, 0.5, [255, 0, 0]);
 * assert.equal(c.image().rgba[4 * (4 * 8 + 4)], 255);
 * ```
 */
export class Canvas {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Pixels. */
  readonly rgba: Uint8ClampedArray;
  readonly #x0: number;
  readonly #y1: number;
  readonly #sx: number;
  readonly #sy: number;

  /**
   * Creates a canvas filled with the background colour.
   *
   * @param options Size in pixels, world rectangle and background colour.
   */
  constructor(options: {
    width: number;
    height: number;
    xMin: number;
    xMax: number;
    yMin: number;
    yMax: number;
    background: Rgb;
  }) {
    const { width, height } = options;
    if (!Number.isInteger(width) || width < 1 || width > 4096) {
      throw new RangeError(
        `Cannot render as width must be an integer in [1, 4096]: current value is ${width}`,
      );
    }
    if (!Number.isInteger(height) || height < 1 || height > 4096) {
      throw new RangeError(
        `Cannot render as height must be an integer in [1, 4096]: current value is ${height}`,
      );
    }
    this.width = width;
    this.height = height;
    this.rgba = new Uint8ClampedArray(4 * width * height);
    this.#x0 = options.xMin;
    this.#y1 = options.yMax;
    this.#sx = width / (options.xMax - options.xMin);
    this.#sy = height / (options.yMax - options.yMin);
    const [r, g, b] = options.background;
    for (let i = 0; i < width * height; i++) {
      this.rgba[4 * i] = r;
      this.rgba[4 * i + 1] = g;
      this.rgba[4 * i + 2] = b;
      this.rgba[4 * i + 3] = 255;
    }
  }

  #put(px: number, py: number, c: Rgb): void {
    if (px < 0 || py < 0 || px >= this.width || py >= this.height) return;
    const i = 4 * (py * this.width + px);
    this.rgba[i] = c[0];
    this.rgba[i + 1] = c[1];
    this.rgba[i + 2] = c[2];
  }

  /** Pixel centre x in world units. */
  #wx(px: number): number {
    return this.#x0 + (px + 0.5) / this.#sx;
  }

  /** Pixel centre y in world units. */
  #wy(py: number): number {
    return this.#y1 - (py + 0.5) / this.#sy;
  }

  /** Fills the world rectangle [x0, x1] x [y0, y1]. */
  rect(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    for (let py = 0; py < this.height; py++) {
      const y = this.#wy(py);
      if (y < Math.min(y0, y1) || y > Math.max(y0, y1)) continue;
      for (let px = 0; px < this.width; px++) {
        const x = this.#wx(px);
        if (x >= Math.min(x0, x1) && x <= Math.max(x0, x1)) {
          this.#put(px, py, c);
        }
      }
    }
  }

  /** Fills a disc of world radius `r` (at least one pixel is drawn). */
  circle(cx: number, cy: number, r: number, c: Rgb): void {
    const rr = Math.max(r, 0.5 / this.#sx);
    this.#capsule(cx, cy, cx, cy, rr, c);
  }

  /** Draws a segment of world half-thickness `r` with round caps. */
  line(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    r: number,
    c: Rgb,
  ): void {
    this.#capsule(x0, y0, x1, y1, Math.max(r, 0.5 / this.#sx), c);
  }

  #capsule(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    r: number,
    c: Rgb,
  ): void {
    const dx = x1 - x0;
    const dy = y1 - y0;
    const len2 = dx * dx + dy * dy;
    const pxMin = Math.floor((Math.min(x0, x1) - r - this.#x0) * this.#sx);
    const pxMax = Math.ceil((Math.max(x0, x1) + r - this.#x0) * this.#sx);
    const pyMin = Math.floor((this.#y1 - Math.max(y0, y1) - r) * this.#sy);
    const pyMax = Math.ceil((this.#y1 - Math.min(y0, y1) + r) * this.#sy);
    for (
      let py = Math.max(0, pyMin);
      py <= Math.min(this.height - 1, pyMax);
      py++
    ) {
      const y = this.#wy(py);
      for (
        let px = Math.max(0, pxMin);
        px <= Math.min(this.width - 1, pxMax);
        px++
      ) {
        const x = this.#wx(px);
        let u = len2 > 0 ? ((x - x0) * dx + (y - y0) * dy) / len2 : 0;
        u = Math.min(1, Math.max(0, u));
        const ex = x - (x0 + u * dx);
        const ey = y - (y0 + u * dy);
        if (ex * ex + ey * ey <= r * r) this.#put(px, py, c);
      }
    }
  }

  /** The canvas as an image (shares the pixel buffer). */
  image(): RgbaImage {
    return { width: this.width, height: this.height, rgba: this.rgba };
  }
}
