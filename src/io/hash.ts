/**
 * Content hashes of files (SHA-256, Web Crypto).
 *
 * @module
 */

/**
 * The SHA-256 of bytes, as 64 lowercase hex digits.
 *
 * @param data The bytes.
 * @returns The hex digest.
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./hash.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   await sha256Hex(new TextEncoder().encode("abc")),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    data as Uint8Array<ArrayBuffer>,
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/**
 * The SHA-256 of a file's bytes, as 64 lowercase hex digits.
 *
 * @param path The file.
 * @returns The hex digest.
 *
 * @example
 * ```ts
 * import { sha256File } from "./hash.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "abc");
 * assert.match(await sha256File(path), /^ba7816bf/);
 * await Deno.remove(path);
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  return await sha256Hex(await Deno.readFile(path));
}
