/**
 * Renderer of `reach_around`.
 *
 * @module
 */

import { Canvas } from "../raster.ts";
import type { RgbaImage } from "../types.ts";

const OBSTACLE_RADIUS = 0.3;
const AGENT_RADIUS = 0.05;
const GOAL_RADIUS = 0.08;

/**
 * Renders a `reach_around` state (arena [-1, 1]^2): grey obstacle, green
 * goal, blue point mass with a velocity tick.
 *
 * @param state The state `[px, py, vx, vy, gx, gy, ox, oy, t]`.
 * @param opts Image size. Default 128 x 128.
 * @returns The RGBA image.
 *
 * @example
 * ```ts
 * import { renderReachAround } from "./reach_around_render.ts";
 * import assert from "node:assert/strict";
 * const img = renderReachAround(new Float32Array([0, -0.8, 0, 0, 0, 0.8, 0, 0, 0]), { width: 32, height: 32 });
 * assert.equal(img.rgba.length, 32 * 32 * 4);
 * ```
 */
export function renderReachAround(
  state: Float32Array,
  opts: { width?: number; height?: number } = {},
): RgbaImage {
  const c = new Canvas({
    width: opts.width ?? 128,
    height: opts.height ?? 128,
    xMin: -1,
    xMax: 1,
    yMin: -1,
    yMax: 1,
    background: [245, 245, 240],
  });
  c.circle(state[6]!, state[7]!, OBSTACLE_RADIUS, [110, 110, 120]);
  c.circle(state[4]!, state[5]!, GOAL_RADIUS, [60, 180, 75]);
  const px = state[0]!;
  const py = state[1]!;
  c.line(px, py, px + 0.2 * state[2]!, py + 0.2 * state[3]!, 0.01, [
    230,
    120,
    30,
  ]);
  c.circle(px, py, AGENT_RADIUS, [40, 90, 200]);
  return c.image();
}
