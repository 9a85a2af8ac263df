/**
 * Atomic file writes: the content goes to a temporary file beside the target
 * which is then renamed over it, so a reader (or a resumed run) never sees a
 * half-written file. A temporary file is named
 * `<target>.<host>-<pid>.<n>.<hex>.tmp` (`<host>`: 8 hex digits naming the
 * machine), so that {@linkcode removeStaleTempFiles} can tell one left by a
 * killed writer from one being written.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { faultPoint } from "./_fault.ts";
import { hostTag, processAlive } from "./_process.ts";

let tempCounter = 0;

function tempPath(path: string): string {
  tempCounter++;
  const rand = Math.floor(Math.random() * 0xffffffff).toString(16);
  return `${path}.${hostTag()}-${Deno.pid}.${tempCounter}.${rand}.tmp`;
}

const TEMP_NAME = /\.([0-9a-f]{8})-(\d+)\.\d+\.[0-9a-f]+\.tmp$/;
// Written by versions that did not record the host.
const OLD_TEMP_NAME = /\.\d+\.\d+\.[0-9a-f]+\.tmp$/;

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
    faultPoint();
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  faultPoint();
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

/**
 * Options for {@linkcode removeStaleTempFiles}.
 *
 * @example
 * ```ts
 * import type { StaleTempOptions } from "./atomic.ts";
 * const options: StaleTempOptions = { depth: 2, maxAgeSeconds: 600 };
 * ```
 */
export interface StaleTempOptions {
  /** Folder levels below `dir` searched (run folders sit 3 or 4 deep). @default 4 */
  depth?: number;
  /**
   * Age after which a temporary file written on another host (or by a
   * version that did not record the host) counts as abandoned.
   * @default 3600
   */
  maxAgeSeconds?: number;
}

/**
 * Removes the temporary files of the atomic writers that a killed process
 * left under `dir`: only names of the form `<target>.<host>-<pid>.<n>.<hex>.tmp`
 * written on this host by a process that no longer runs, or older than
 * `maxAgeSeconds` (any host). Nothing else is touched, symbolic links are not
 * followed, and a missing `dir` is fine.
 *
 * @param dir The folder (e.g. an output root).
 * @param options Search depth and the age limit.
 * @returns The paths removed.
 *
 * @example
 * ```ts
 * import { removeStaleTempFiles } from "./atomic.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/results.csv.00000000-1.1.ab.tmp`, "half");
 * await Deno.writeTextFile(`${dir}/notes.tmp`, "mine");
 * const old = new Date(Date.now() - 7200_000);
 * await Deno.utime(`${dir}/results.csv.00000000-1.1.ab.tmp`, old, old);
 * assert.equal((await removeStaleTempFiles(dir)).length, 1);
 * assert.ok((await Deno.stat(`${dir}/notes.tmp`)).isFile);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function removeStaleTempFiles(
  dir: string,
  options: StaleTempOptions = {},
): Promise<string[]> {
  const maxAgeMs = 1000 * (options.maxAgeSeconds ?? 3600);
  const ours = hostTag();
  const removed: string[] = [];
  const visit = async (path: string, depth: number): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(path));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const e of entries) {
      const p = join(path, e.name);
      if (e.isDirectory) {
        if (depth > 0) await visit(p, depth - 1);
        continue;
      }
      if (!e.isFile) continue;
      const m = TEMP_NAME.exec(e.name);
      if (!m && !OLD_TEMP_NAME.test(e.name)) continue;
      let stale = m !== null && m[1] === ours &&
        !(await processAlive(Number(m[2])));
      if (!stale) {
        const mtime = (await Deno.stat(p).catch(() => null))?.mtime;
        stale = mtime != null && Date.now() - mtime.getTime() > maxAgeMs;
      }
      if (stale) {
        try {
          await Deno.remove(p);
          removed.push(p);
        } catch (err) {
          if (!(err instanceof Deno.errors.NotFound)) throw err;
        }
      }
    }
  };
  await visit(dir, options.depth ?? 4);
  return removed;
}
