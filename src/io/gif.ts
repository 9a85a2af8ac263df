/**
 * Animated GIF encoding of RGBA frames (for rollout previews), with
 * `npm:gifenc@1.0.3`: one palette quantised from a sample of the frames,
 * shared by all frames so colours do not flicker.
 *
 * @module
 */
import gifencModule from "gifenc";

interface GifEncoder {
  writeFrame(
    index: Uint8Array,
    width: number,
    height: number,
    opts: { palette?: number[][]; delay?: number; repeat?: number },
  ): void;
  finish(): void;
  bytes(): Uint8Array;
}

// gifenc ships no type declarations; these are the functions used.
const gifenc = gifencModule as unknown as {
  GIFEncoder(): GifEncoder;
  quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number): number[][];
  applyPalette(
    rgba: Uint8Array | Uint8ClampedArray,
    palette: number[][],
  ): Uint8Array;
};

/**
 * One frame: RGBA pixels, row-major, top row first.
 *
 * @example
 * ```ts
 * import type { GifFrame } from "./gif.ts";
 * const frame: GifFrame = { width: 1, height: 1, rgba: new Uint8ClampedArray(4) };
 * ```
 */
export interface GifFrame {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** `4 * width * height` bytes. */
  readonly rgba: Uint8ClampedArray | Uint8Array;
}

/**
 * Options for {@linkcode encodeGif}.
 *
 * @example
 * ```ts
 * import type { EncodeGifOptions } from "./gif.ts";
 * const options: EncodeGifOptions = { delayMs: 50, repeat: 0 };
 * ```
 */
export interface EncodeGifOptions {
  /** Display time of each frame in ms (GIF resolution: 10 ms). @default 50 */
  delayMs?: number;
  /** Loop count: 0 forever, -1 once. @default 0 */
  repeat?: number;
  /** Palette size (2-256). @default 256 */
  maxColors?: number;
}

/**
 * Encodes frames of equal size as an animated GIF.
 *
 * @param frames The frames.
 * @param options Frame delay, looping, palette size.
 * @returns The GIF bytes.
 * @throws {RangeError} If there are no frames or their sizes differ.
 *
 * @example
 * ```ts
 * import { encodeGif } from "./gif.ts";
 * import assert from "node:assert/strict";
 * const frame = { width: 2, height: 1, rgba: new Uint8ClampedArray([255, 0, 0, 255, 0, 0, 255, 255]) };
 * const gif = encodeGif([frame, frame]);
 * assert.equal(new TextDecoder().decode(gif.subarray(0, 6)), "GIF89a");
 * ```
 */
export function encodeGif(
  frames: readonly GifFrame[],
  options: EncodeGifOptions = {},
): Uint8Array {
  if (frames.length === 0) {
    throw new RangeError("Cannot encode GIF as frames is empty");
  }
  const { width, height } = frames[0]!;
  for (const [i, f] of frames.entries()) {
    if (
      f.width !== width || f.height !== height ||
      f.rgba.length !== 4 * width * height
    ) {
      throw new RangeError(
        `Cannot encode GIF as frame ${i} must be ${width}x${height} RGBA: current size is ${f.width}x${f.height} with ${f.rgba.length} bytes`,
      );
    }
  }
  // PALETTE FROM UP TO 16 EVENLY SPACED FRAMES
  const picks = Math.min(16, frames.length);
  const sample = new Uint8Array(picks * 4 * width * height);
  for (let k = 0; k < picks; k++) {
    const f = frames[Math.floor((k * frames.length) / picks)]!;
    sample.set(f.rgba, k * 4 * width * height);
  }
  const palette = gifenc.quantize(sample, options.maxColors ?? 256);
  const gif = gifenc.GIFEncoder();
  for (const f of frames) {
    gif.writeFrame(gifenc.applyPalette(f.rgba, palette), width, height, {
      palette,
      delay: options.delayMs ?? 50,
      repeat: options.repeat ?? 0,
    });
  }
  gif.finish();
  return gif.bytes();
}
