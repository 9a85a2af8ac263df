/**
 * A small safetensors codec (https://github.com/huggingface/safetensors):
 * 8-byte little-endian header length N, N bytes of UTF-8 JSON (padded with
 * spaces to a multiple of 8), then the raw little-endian tensor bytes. The
 * header maps each tensor name to `{ dtype, shape, data_offsets: [begin, end] }`
 * (offsets relative to the start of the data section) and may hold a
 * `__metadata__` map of string to string.
 *
 * Supported dtypes: `F32`, `I32`, `U8`. Readers accept any tensor order and
 * any offsets (files from other writers load); the writer stores tensors in
 * the order given, back to back.
 *
 * @module
 */

/** Element types this codec reads and writes. */
export type SafetensorsDtype = "F32" | "I32" | "U8";

/** One tensor: dtype, shape and row-major data of matching length. */
export interface SafeTensor {
  /** Element type. */
  readonly dtype: SafetensorsDtype;
  /** Dimensions (row-major). `[]` is a scalar. */
  readonly shape: readonly number[];
  /** The elements, `shape` product many. */
  readonly data: Float32Array | Int32Array | Uint8Array;
}

/** A decoded file: tensors by name (in file order of their offsets) and the metadata map. */
export interface SafetensorsFile {
  /** Tensors by name. */
  readonly tensors: Map<string, SafeTensor>;
  /** The `__metadata__` map (empty when absent). */
  readonly metadata: Record<string, string>;
}

const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F32: 4, I32: 4, U8: 1 };

function dtypeOf(data: SafeTensor["data"]): SafetensorsDtype {
  if (data instanceof Float32Array) return "F32";
  if (data instanceof Int32Array) return "I32";
  return "U8";
}

function product(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Encodes tensors and metadata as safetensors bytes.
 *
 * @param tensors Tensors in the order to store them.
 * @param options `metadata`: string map stored as `__metadata__`.
 * @returns The file contents.
 * @throws {TypeError} If a tensor's data length does not match its shape or dtype.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * import assert from "node:assert/strict";
 * const bytes = encodeSafetensors(
 *   [["w", { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) }]],
 *   { metadata: { note: "hi" } },
 * );
 * const file = decodeSafetensors(bytes);
 * assert.deepEqual([...file.tensors.get("w")!.data], [1, 2]);
 * assert.equal(file.metadata.note, "hi");
 * ```
 */
export function encodeSafetensors(
  tensors: Iterable<readonly [string, SafeTensor]>,
  options: { metadata?: Record<string, string> } = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (options.metadata && Object.keys(options.metadata).length > 0) {
    header.__metadata__ = options.metadata;
  }
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === "__metadata__") {
      throw new TypeError(
        'Cannot encode safetensors as a tensor is named "__metadata__"',
      );
    }
    const n = product(t.shape);
    if (t.data.length !== n || dtypeOf(t.data) !== t.dtype) {
      throw new TypeError(
        `Cannot encode tensor "${name}" as its data (${
          dtypeOf(t.data)
        } x ${t.data.length}) does not match dtype ${t.dtype} and shape [${t.shape}]`,
      );
    }
    const bytes = new Uint8Array(
      t.data.buffer,
      t.data.byteOffset,
      t.data.byteLength,
    );
    header[name] = {
      dtype: t.dtype,
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  let headerBytes = new TextEncoder().encode(json);
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) {
    json += " ".repeat(padded - headerBytes.length);
    headerBytes = new TextEncoder().encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Decodes safetensors bytes. Tensor order and offsets may be arbitrary;
 * every tensor is bounds- and size-checked.
 *
 * @param bytes The file contents.
 * @param options `source`: a name for error messages (e.g. the path).
 * @returns Tensors (copied into aligned typed arrays) and metadata.
 * @throws {SyntaxError} If the header is not valid safetensors.
 * @throws {TypeError} If a tensor has an unsupported dtype or a size that does not match its shape.
 * @throws {RangeError} If a tensor's offsets lie outside the data section.
 *
 * @example
 * ```ts
 * import { decodeSafetensors } from "./safetensors.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => decodeSafetensors(new Uint8Array(3), { source: "x.safetensors" }), SyntaxError);
 * ```
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: { source?: string } = {},
): SafetensorsFile {
  const src = options.source ?? "safetensors data";
  if (bytes.length < 8) {
    throw new SyntaxError(
      `Cannot read ${src} as it is shorter than the 8-byte header length: current length is ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8) {
    throw new SyntaxError(
      `Cannot read ${src} as its header length ${headerLen} exceeds the file size ${bytes.length}`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(
        bytes.subarray(8, 8 + headerLen),
      ),
    );
  } catch (e) {
    throw new SyntaxError(
      `Cannot read ${src} as its header is not valid UTF-8 JSON: ${
        (e as Error).message
      }`,
    );
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new SyntaxError(
      `Cannot read ${src} as its header is not a JSON object`,
    );
  }
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: [string, SafeTensor, number][] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== "string") {
          throw new SyntaxError(
            `Cannot read ${src} as __metadata__.${k} is not a string`,
          );
        }
        metadata[k] = v;
      }
      continue;
    }
    const info = raw as {
      dtype?: unknown;
      shape?: unknown;
      data_offsets?: unknown;
    };
    const dtype = info.dtype;
    if (dtype !== "F32" && dtype !== "I32" && dtype !== "U8") {
      throw new TypeError(
        `Cannot read tensor "${name}" of ${src} as its dtype must be F32, I32 or U8: current dtype is ${
          JSON.stringify(dtype)
        }`,
      );
    }
    const shape = info.shape;
    const offsets = info.data_offsets;
    if (
      !Array.isArray(shape) ||
      !shape.every((s) => Number.isInteger(s) && s >= 0) ||
      !Array.isArray(offsets) || offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && o >= 0)
    ) {
      throw new SyntaxError(
        `Cannot read tensor "${name}" of ${src} as its shape or data_offsets are malformed`,
      );
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin || end > dataLen) {
      throw new RangeError(
        `Cannot read tensor "${name}" of ${src} as its data_offsets [${begin}, ${end}] lie outside the data section of ${dataLen} bytes`,
      );
    }
    const n = product(shape as number[]);
    if (end - begin !== n * DTYPE_BYTES[dtype]) {
      throw new TypeError(
        `Cannot read tensor "${name}" of ${src} as it holds ${
          end - begin
        } bytes but shape [${shape}] of ${dtype} needs ${
          n * DTYPE_BYTES[dtype]
        }`,
      );
    }
    const copy = bytes.slice(dataStart + begin, dataStart + end).buffer;
    const data = dtype === "F32"
      ? new Float32Array(copy)
      : dtype === "I32"
      ? new Int32Array(copy)
      : new Uint8Array(copy);
    entries.push([name, { dtype, shape: shape as number[], data }, begin]);
  }
  entries.sort((a, b) => a[2] - b[2]);
  return {
    tensors: new Map(entries.map(([n, t]) => [n, t])),
    metadata,
  };
}
