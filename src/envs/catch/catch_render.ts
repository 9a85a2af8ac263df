/**
 * Software renderer of a catch state to an RGBA image (walls, the paddle,
 * falling balls; waiting and caught balls are not drawn).
 *
 * @module
 */

import type { RgbaImage } from "../types.ts";
import { CATCH_PARAMS as P } from "./catch_params.ts";

const BACKGROUND = [12, 16, 28] as const;
const FLOOR = [60, 40, 40] as const;
const PADDLE = [80, 180, 255] as const;
const BALL = [255, 210, 70] as const;

/** View: x ∈ [-1, 1], y ∈ [BOTTOM, TOP] (world units). */
const BOTTOM = -0.1, TOP = 1.1;
/** Paddle thickness drawn below y = 0. */
const PADDLE_DEPTH = 0.04;

/**
 * Renders a catch state (layout in `catch_cpu.ts`). The view spans
 * x ∈ [-1, 1] and y ∈ [-0.1, 1.1]; balls are drawn at least 1.5 pixels wide.
 *
 * @param state The state.
 * @param opts Image size. Defaults: 128 × 128.
 * @returns The image (row-major RGBA, top row first).
 *
 * @example
 * ```ts
 * import { renderCatch } from "./catch_render.ts";
 * import assert from "node:assert/strict";
 * const img = renderCatch(new Float32Array(21), { width: 32, height: 16 });
 * assert.equal(img.rgba.length, 4 * 32 * 16);
 * ```
 */
export function renderCatch(
  state: Float32Array,
  opts?: { width?: number; height?: number },
): RgbaImage {
  const width = opts?.width ?? 128;
  const height = opts?.height ?? 128;
  for (const [field, v] of [["width", width], ["height", height]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(
        `Cannot render catch as ${field} must be a positive integer: current value is ${v}`,
      );
    }
  }
  const rgba = new Uint8ClampedArray(4 * width * height);
  const px = state[0] ?? 0;
  const pixel = Math.max(2 / width, (TOP - BOTTOM) / height);
  const r = Math.max(P.ballRadius, 0.75 * pixel);
  const balls: [number, number][] = [];
  for (let i = 0; i < P.balls; i++) {
    const b = 2 + 6 * i;
    if (state[b + 4] === 1) balls.push([state[b] ?? 0, state[b + 1] ?? 0]);
  }
  for (let row = 0; row < height; row++) {
    const wy = TOP - ((row + 0.5) / height) * (TOP - BOTTOM);
    for (let col = 0; col < width; col++) {
      const wx = -1 + ((col + 0.5) / width) * 2;
      let c: readonly [number, number, number] = wy < -PADDLE_DEPTH
        ? FLOOR
        : BACKGROUND;
      if (
        wy <= 0 && wy >= -PADDLE_DEPTH - pixel &&
        Math.abs(wx - px) <= P.paddleHalfWidth
      ) c = PADDLE;
      for (const [bx, by] of balls) {
        if ((wx - bx) ** 2 + (wy - by) ** 2 <= r * r) c = BALL;
      }
      const i = 4 * (row * width + col);
      rgba[i] = c[0];
      rgba[i + 1] = c[1];
      rgba[i + 2] = c[2];
      rgba[i + 3] = 255;
    }
  }
  return { width, height, rgba };
}
