/**
 * Software renderer of a lander state to an RGBA image (sky, ground, pad,
 * the lander body with its legs).
 *
 * @module
 */

import type { RgbaImage } from "../types.ts";
import { LANDER_PARAMS as P } from "./lander_params.ts";

const SKY = [16, 20, 40] as const;
const GROUND = [90, 70, 50] as const;
const PAD = [60, 200, 90] as const;
const BODY = [230, 230, 240] as const;
const LEGS = [240, 170, 60] as const;

/** Ground strip height in world units (the ground top is y = 0). */
const GROUND_DEPTH = 0.1;

function put(
  rgba: Uint8ClampedArray,
  i: number,
  c: readonly [number, number, number],
) {
  rgba[i] = c[0];
  rgba[i + 1] = c[1];
  rgba[i + 2] = c[2];
  rgba[i + 3] = 255;
}

/**
 * Renders a lander state `[x, y, vx, vy, θ, ω, padX, t]`. The view spans
 * x ∈ [-1, 1] and y ∈ [-0.1, ceiling].
 *
 * @param state The state.
 * @param opts Image size. Defaults: 160 × 128.
 * @returns The image (row-major RGBA, top row first).
 *
 * @example
 * ```ts
 * import { renderLander } from "./lander_render.ts";
 * import assert from "node:assert/strict";
 * const img = renderLander(new Float32Array([0, 0.5, 0, 0, 0, 0, 0, 0]));
 * assert.equal(img.rgba.length, 4 * img.width * img.height);
 * ```
 */
export function renderLander(
  state: Float32Array,
  opts?: { width?: number; height?: number },
): RgbaImage {
  const width = opts?.width ?? 160;
  const height = opts?.height ?? 128;
  if (!Number.isInteger(width) || width < 1) {
    throw new RangeError(
      `Cannot render lander as width must be a positive integer: current value is ${width}`,
    );
  }
  if (!Number.isInteger(height) || height < 1) {
    throw new RangeError(
      `Cannot render lander as height must be a positive integer: current value is ${height}`,
    );
  }
  const rgba = new Uint8ClampedArray(4 * width * height);
  const x = state[0] ?? 0, y = state[1] ?? 0, th = state[4] ?? 0;
  const pad = state[6] ?? 0;
  const top = P.ceiling, bottom = -GROUND_DEPTH;
  const sn = Math.sin(th), cs = Math.cos(th);
  for (let row = 0; row < height; row++) {
    const wy = top - ((row + 0.5) / height) * (top - bottom);
    for (let col = 0; col < width; col++) {
      const wx = -P.halfWidth + ((col + 0.5) / width) * 2 * P.halfWidth;
      const i = 4 * (row * width + col);
      let c: readonly [number, number, number] = SKY;
      if (wy < 0) {
        c = Math.abs(wx - pad) <= P.padHalfWidth && wy > -0.03 ? PAD : GROUND;
      }
      // Body frame: the lander's base centre is (x, y), up is (-sin θ, cos θ).
      const dx = wx - x, dy = wy - y;
      const bx = cs * dx + sn * dy, by = -sn * dx + cs * dy;
      if (Math.abs(bx) <= 0.06 && by >= 0.02 && by <= 0.12) c = BODY;
      else if (by >= 0 && by < 0.02 && Math.abs(Math.abs(bx) - 0.07) < 0.015) {
        c = LEGS;
      }
      put(rgba, i, c);
    }
  }
  return { width, height, rgba };
}
