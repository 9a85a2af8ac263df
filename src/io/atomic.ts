/**
 * Atomic file writes: the content goes to a temporary file beside the target
 * which is then renamed over it, so a reader (or a resumed run) never sees a
 * half-written file.
 *
 * @module
 */
import { dirname } from "node:path";

let tempCounter = 0;

function tempPath(path: string): string {
  tempCounter++;
  const rand = Math.floor(Math.random() * 0xffffffff).toString(16);
  return `${path}.${Deno.pid}.${tempCounter}.${rand}.tmp`;
}

/**
 * Options for the atomic writers.
 *
 * @example
 * ```ts
 * import type { AtomicWriteOptions } from "./atomic.ts";
 * const options: AtomicWriteOptions = { mkdirs: false };
 * ```
 */
export interface AtomicWriteOptions {
  /** Create missing parent directories. @default true */
  mkdirs?: boolean;
}

/**
 * Writes bytes to `path` atomically (temporary file in the same directory,
 * then rename).
 *
 * @param path Destination file.
 * @param data The bytes.
 * @param options Whether to create parent directories.
 * @returns A promise that settles once the file is in place.
 *
 * @example Write and read back
 * ```ts
 * import { writeFileAtomic } from "./atomic.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a/b.bin`, new Uint8Array([1, 2, 3]));
 * assert.deepEqual(await Deno.readFile(`${dir}/a/b.bin`), new Uint8Array([1, 2, 3]));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  if (options.mkdirs ?? true) {
    await Deno.mkdir(dirname(path), { recursive: true });
  }
  const tmp = tempPath(path);
  try {
    await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Writes UTF-8 text to `path` atomically.
 *
 * @param path Destination file.
 * @param text The text.
 * @param options Whether to create parent directories.
 * @returns A promise that settles once the file is in place.
 *
 * @example
 * ```ts
 * import { writeTextFileAtomic } from "./atomic.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await writeTextFileAtomic(`${dir}/x.txt`, "hello\n");
 * assert.equal(await Deno.readTextFile(`${dir}/x.txt`), "hello\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function writeTextFileAtomic(
  path: string,
  text: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  return writeFileAtomic(path, new TextEncoder().encode(text), options);
}

/**
 * Writes a value as pretty JSON (2-space indent, trailing newline) to `path`
 * atomically.
 *
 * @param path Destination file.
 * @param value Any JSON-serialisable value.
 * @param options Whether to create parent directories.
 * @returns A promise that settles once the file is in place.
 *
 * @example
 * ```ts
 * import { writeJsonAtomic } from "./atomic.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await writeJsonAtomic(`${dir}/c.json`, { a: 1 });
 * assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/c.json`)), { a: 1 });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function writeJsonAtomic(
  path: string,
  value: unknown,
  options: AtomicWriteOptions = {},
): Promise<void> {
  return writeTextFileAtomic(
    path,
    JSON.stringify(value, null, 2) + "\n",
    options,
  );
}

/**
 * Whether a file (or directory) exists at `path`.
 *
 * @param path The path.
 * @returns True when `Deno.stat` succeeds.
 *
 * @example
 * ```ts
 * import { exists } from "./atomic.ts";
 * import assert from "node:assert/strict";
 * assert.equal(await exists("/definitely/not/here"), false);
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}
