/**
 * Reading JSON files with errors that name the file and the line.
 *
 * @module
 */

/**
 * Parses JSON text; a syntax error names the file and the line.
 *
 * @param text The JSON text.
 * @param file The file's name, for messages.
 * @returns The value.
 * @throws {SyntaxError} `<file>:<line>: invalid JSON (<why>)` (without the
 *   line where the parser does not tell the position).
 *
 * @example
 * ```ts
 * import { parseJsonText } from "./json.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseJsonText('{"a": 1}', "c.json"), { a: 1 });
 * assert.throws(() => parseJsonText('{\n"a": 1,\n', "c.json"), /^SyntaxError: c\.json:3: invalid JSON/);
 * ```
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos
      ? `:${text.slice(0, Number(pos[1])).split("\n").length}`
      : "";
    const why = msg.replace(/\s*\(line \d+ column \d+\)/, "");
    throw new SyntaxError(`${file}${line}: invalid JSON (${why})`);
  }
}

/**
 * Reads and parses a JSON file; a syntax error names the file and the line.
 *
 * @param path The file.
 * @returns The value.
 * @throws {SyntaxError} `<path>:<line>: invalid JSON (<why>)`.
 *
 * @example
 * ```ts
 * import { readJsonFile } from "./json.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, '{"rollouts": 8}');
 * assert.deepEqual(await readJsonFile(path), { rollouts: 8 });
 * await Deno.remove(path);
 * ```
 */
export async function readJsonFile(path: string): Promise<unknown> {
  return parseJsonText(await Deno.readTextFile(path), path);
}
