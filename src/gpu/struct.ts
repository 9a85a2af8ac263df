/**
 * One declaration of a uniform/storage struct shared by TypeScript and WGSL:
 * the WGSL text and the packing code are both generated from it, so layouts
 * cannot drift. Fields are 4-byte scalars (`u32`, `i32`, `f32`), laid out in
 * order; the struct size is rounded up to 16 bytes (uniform rules).
 *
 * @module
 */

/** A scalar WGSL type that takes 4 bytes. */
export type ScalarType = "u32" | "i32" | "f32";

/** A declared struct: its WGSL text, byte size, field offsets and packer. */
export interface StructLayout<F extends string> {
  /** The WGSL struct name. */
  readonly name: string;
  /** `struct Name { a: u32, b: f32, ... }` ready to paste into a shader. */
  readonly wgsl: string;
  /** Size in bytes, a multiple of 16. */
  readonly size: number;
  /** Byte offset of each field. */
  readonly offsets: Readonly<Record<F, number>>;
  /** Packs values into a new buffer of `size` bytes. */
  pack(values: Readonly<Record<F, number>>): Uint8Array<ArrayBuffer>;
}

/**
 * Declares a struct of 4-byte scalars.
 *
 * @param name WGSL struct name.
 * @param fields Field names and types in layout order.
 * @returns The layout with its WGSL declaration and packer.
 * @throws {TypeError} If a field type is not u32, i32 or f32.
 *
 * @example
 * ```ts
 * import { defineStruct } from "./struct.ts";
 * import assert from "node:assert/strict";
 * const P = defineStruct("Params", { n: "u32", scale: "f32" });
 * assert.equal(P.wgsl, "struct Params {\n  n: u32,\n  scale: f32,\n}");
 * assert.equal(P.size, 16);
 * assert.equal(P.offsets.scale, 4);
 * assert.equal(new DataView(P.pack({ n: 3, scale: 0.5 }).buffer).getFloat32(4, true), 0.5);
 * ```
 */
export function defineStruct<F extends string>(
  name: string,
  fields: Readonly<Record<F, ScalarType>>,
): StructLayout<F> {
  const entries = Object.entries(fields) as [F, ScalarType][];
  const offsets = {} as Record<F, number>;
  entries.forEach(([f, t], i) => {
    if (t !== "u32" && t !== "i32" && t !== "f32") {
      throw new TypeError(
        `Cannot define struct ${name} as field ${f} has unsupported type "${t}"`,
      );
    }
    offsets[f] = 4 * i;
  });
  const size = Math.max(16, Math.ceil((4 * entries.length) / 16) * 16);
  const wgsl = `struct ${name} {\n${
    entries.map(([f, t]) => `  ${f}: ${t},`).join("\n")
  }\n}`;
  return {
    name,
    wgsl,
    size,
    offsets,
    pack(values) {
      const bytes = new Uint8Array(size);
      const view = new DataView(bytes.buffer);
      for (const [f, t] of entries) {
        const v = values[f];
        if (v === undefined || Number.isNaN(v)) {
          throw new TypeError(
            `Cannot pack struct ${name} as field ${f} is ${v}`,
          );
        }
        if (t === "f32") view.setFloat32(offsets[f], v, true);
        else if (t === "u32") view.setUint32(offsets[f], v >>> 0, true);
        else view.setInt32(offsets[f], v | 0, true);
      }
      return bytes;
    },
  };
}
