/**
 * Renderer of `cartpole_swingup`.
 *
 * @module
 */

import { Canvas } from "../raster.ts";
import type { RgbaImage } from "../types.ts";

const TRACK = 2.4;
const POLE_LENGTH = 2.0;

/**
 * Renders a `cartpole_swingup` state: track, cart, pole (world x in
 * [-2.6, 2.6]).
 *
 * @param state The state `[x, xdot, theta, thetadot, t, hold]`.
 * @param opts Image size. Default 160 x 160.
 * @returns The RGBA image.
 *
 * @example
 * ```ts
 * import { renderCartpole } from "./cartpole_swingup_render.ts";
 * import assert from "node:assert/strict";
 * const img = renderCartpole(new Float32Array([0, 0, 0, 0, 0, 0]), { width: 40, height: 24 });
 * assert.equal(img.rgba.length, 40 * 24 * 4);
 * ```
 */
export function renderCartpole(
  state: Float32Array,
  opts: { width?: number; height?: number } = {},
): RgbaImage {
  const width = opts.width ?? 160;
  const height = opts.height ?? 160;
  const xHalf = TRACK + 0.2;
  const yHalf = (xHalf * height) / width;
  const c = new Canvas({
    width,
    height,
    xMin: -xHalf,
    xMax: xHalf,
    yMin: -yHalf,
    yMax: yHalf,
    background: [245, 245, 240],
  });
  c.rect(-TRACK, -0.05, TRACK, 0.05, [90, 90, 90]);
  const x = state[0]!;
  const th = state[2]!;
  c.rect(x - 0.25, -0.12, x + 0.25, 0.12, [40, 90, 200]);
  const tipX = x + POLE_LENGTH * Math.sin(th);
  const tipY = POLE_LENGTH * Math.cos(th);
  c.line(x, 0, tipX, tipY, 0.05, [200, 120, 40]);
  c.circle(x, 0, 0.06, [30, 30, 30]);
  return c.image();
}
