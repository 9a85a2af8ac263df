/**
 * Output folders: checked before any work (a directory, or creatable; and
 * writable), then created and cleared of the temporary files a killed writer
 * left behind.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { hostTag } from "./_process.ts";
import { removeStaleTempFiles } from "./atomic.ts";

/**
 * Options for {@linkcode checkOutputDir} and {@linkcode prepareOutputDir}.
 *
 * @example
 * ```ts
 * import type { OutputDirOptions } from "./out_dir.ts";
 * const options: OutputDirOptions = { flag: "--root", create: false };
 * ```
 */
export interface OutputDirOptions {
  /** The flag that named the folder, for messages. @default "--out" */
  flag?: string;
  /** Whether a missing folder may be created; when false it must exist. @default true */
  create?: boolean;
}

function refuse(flag: string, why: string, path: string): never {
  throw new RangeError(
    `Cannot use ${flag} as ${why}: current value is ${JSON.stringify(path)}`,
  );
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    if (err instanceof Deno.errors.NotADirectory) return null;
    throw err;
  }
}

/**
 * Checks, writing nothing that stays, that `path` is a writable directory or
 * can be created as one: the nearest existing folder on the way must be a
 * directory in which a file can be created (a probe file is created and
 * removed at once).
 *
 * @param path The output folder.
 * @param options The flag name for messages; whether it may be created.
 * @returns A promise that settles when the folder is usable.
 * @throws {RangeError} Naming the flag and the path: not a directory, missing
 *   (with `create: false`), or not writable.
 *
 * @example
 * ```ts
 * import { checkOutputDir } from "./out_dir.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * await checkOutputDir(`${dir}/new/run`); // creatable
 * await Deno.writeTextFile(`${dir}/file`, "x");
 * await assert.rejects(checkOutputDir(`${dir}/file`), /--out as .* is not a directory/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function checkOutputDir(
  path: string,
  options: OutputDirOptions = {},
): Promise<void> {
  const flag = options.flag ?? "--out";
  if (path.trim() === "") refuse(flag, "it is empty", path);
  let probeDir = resolve(path);
  for (;;) {
    const info = await statOrNull(probeDir);
    if (info) {
      if (!info.isDirectory) {
        refuse(flag, `${JSON.stringify(probeDir)} is not a directory`, path);
      }
      break;
    }
    if (options.create === false) {
      refuse(flag, "the folder does not exist", path);
    }
    const up = dirname(probeDir);
    if (up === probeDir) break;
    probeDir = up;
  }
  const rand = Math.floor(Math.random() * 0xffffffff).toString(16);
  const probe =
    `${probeDir}/.write_probe.${hostTag()}-${Deno.pid}.0.${rand}.tmp`;
  try {
    (await Deno.open(probe, { createNew: true, write: true })).close();
    await Deno.remove(probe);
  } catch (err) {
    const why = err instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (err as Error).message.replace(/\s*\(os error \d+\).*$/, "");
    refuse(
      flag,
      `${JSON.stringify(probeDir)} cannot be written (${why})`,
      path,
    );
  }
}

/**
 * Checks the output folder ({@linkcode checkOutputDir}), creates it, and
 * removes the temporary files that killed writers left in it
 * (`removeStaleTempFiles`).
 *
 * @param path The output folder.
 * @param options The flag name for messages; whether it may be created.
 * @returns The temporary files removed.
 * @throws {RangeError} As {@linkcode checkOutputDir}.
 *
 * @example
 * ```ts
 * import { prepareOutputDir } from "./out_dir.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * assert.deepEqual(await prepareOutputDir(`${dir}/runs`), []);
 * assert.ok((await Deno.stat(`${dir}/runs`)).isDirectory);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function prepareOutputDir(
  path: string,
  options: OutputDirOptions = {},
): Promise<string[]> {
  await checkOutputDir(path, options);
  try {
    await Deno.mkdir(path, { recursive: true });
  } catch (err) {
    refuse(
      options.flag ?? "--out",
      `the folder cannot be created (${(err as Error).message})`,
      path,
    );
  }
  return await removeStaleTempFiles(path);
}
