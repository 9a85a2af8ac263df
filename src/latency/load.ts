/**
 * Loading profiles from files: {@linkcode loadTraceCsv} reads a latency
 * trace column from a CSV file and {@linkcode loadProfiles} reads a JSON map
 * `name → profile config`, inlining `trace_csv` references and validating
 * every profile.
 *
 * @module
 */

import { parseCsv } from "../io/csv.ts";
import { parseJsonText } from "../io/json.ts";
import { resolveProfile } from "./resolve.ts";
import type { ProfileConfig } from "./types.ts";

/** Options of {@linkcode loadTraceCsv}. */
export interface TraceOptions {
  /** Column with the latencies in ms. @default "latency_ms" */
  column?: string;
}

function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i < 0 ? "." : path.slice(0, i);
}

function isAbsolute(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path);
}

/**
 * Reads one numeric column of a CSV file (header row, comma-separated).
 *
 * @param path The CSV file.
 * @param options Which column.
 * @returns The values, in file order.
 * @throws {TypeError} If the column is missing (the message lists the columns).
 * @throws {SyntaxError} `<file>:<line>: <what>`, if a line has the wrong
 *   number of cells or a cell of the column is not a finite number.
 *
 * @example
 * ```ts
 * import { loadTraceCsv } from "./load.ts";
 * import assert from "node:assert/strict";
 * const path = `${await Deno.makeTempDir()}/trace.csv`;
 * await Deno.writeTextFile(path, "step,latency_ms\n0,41.5\n1,120\n");
 * assert.deepEqual(await loadTraceCsv(path, { column: "latency_ms" }), [41.5, 120]);
 * ```
 */
export async function loadTraceCsv(
  path: string,
  options: TraceOptions = {},
): Promise<number[]> {
  const column = options.column ?? "latency_ms";
  const { columns, rows, lines } = parseCsv(await Deno.readTextFile(path), {
    file: path,
  });
  if (!columns.includes(column)) {
    throw new TypeError(
      `Cannot load trace ${path} as column must be one of ${
        columns.join(", ")
      }: current value is ${JSON.stringify(column)}`,
    );
  }
  return rows.map((row, i) => {
    const cell = row[column]!.trim();
    const value = cell === "" ? NaN : Number(cell);
    if (!Number.isFinite(value)) {
      throw new SyntaxError(
        `${path}:${
          lines[i]
        }: column ${column} must be a finite number: current value is ${
          JSON.stringify(cell)
        }`,
      );
    }
    return value;
  });
}

/**
 * Reads a JSON file mapping profile names to configs, replaces each
 * `empirical` profile's `trace_csv` (relative to the JSON file) by the
 * `samples_ms` it holds, and validates every profile with `resolveProfile`.
 *
 * @param path The JSON file.
 * @returns Validated configs by name (JSON-serialisable, traces inlined).
 * @throws {SyntaxError} If the file is not JSON (`<file>:<line>: invalid JSON (...)`).
 * @throws {TypeError | RangeError} If a profile is invalid; the message names
 *   the file, the profile and the field.
 *
 * @example
 * ```ts
 * import { loadProfiles } from "./load.ts";
 * import { resolveProfile } from "./resolve.ts";
 * import assert from "node:assert/strict";
 * const path = `${await Deno.makeTempDir()}/profiles.json`;
 * await Deno.writeTextFile(path, JSON.stringify({ fixed_2: { kind: "fixed", delay: 2 } }));
 * const profiles = await loadProfiles(path);
 * assert.equal(resolveProfile(profiles.fixed_2!).sampleAt(0, 0, 0), 2);
 * ```
 */
export async function loadProfiles(
  path: string,
): Promise<Record<string, ProfileConfig>> {
  const data = parseJsonText(await Deno.readTextFile(path), path);
  return await profilesFromJson(data, { path });
}

/**
 * Validates parsed JSON mapping profile names to configs, as
 * {@linkcode loadProfiles} does for a file: each `empirical` profile's
 * `trace_csv` (relative to `path`'s folder) is read into `samples_ms`.
 *
 * @param data The parsed JSON.
 * @param options `path`: the file it came from (for `trace_csv` and messages).
 * @returns Validated configs by name (JSON-serialisable, traces inlined).
 * @throws {TypeError | RangeError} If the value is not an object or a
 *   profile is invalid; the message names the file, the profile and the field.
 *
 * @example
 * ```ts
 * import { profilesFromJson } from "./load.ts";
 * import assert from "node:assert/strict";
 * const profiles = await profilesFromJson({ f: { kind: "fixed", delay: 1 } }, { path: "spec.json" });
 * assert.deepEqual(profiles.f, { kind: "fixed", delay: 1 });
 * await assert.rejects(profilesFromJson([1], { path: "spec.json" }), TypeError);
 * ```
 */
export async function profilesFromJson(
  data: unknown,
  options: { path: string },
): Promise<Record<string, ProfileConfig>> {
  const path = options.path;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new TypeError(
      `Cannot load profiles from ${path} as it must hold an object mapping names to profile configs: current value is ${
        Array.isArray(data) ? "an array" : JSON.stringify(data)
      }`,
    );
  }
  const out: Record<string, ProfileConfig> = {};
  for (const [name, raw] of Object.entries(data as Record<string, unknown>)) {
    try {
      const config = structuredClone(raw) as Record<string, unknown>;
      if (
        typeof config === "object" && config !== null &&
        config.kind === "empirical" && typeof config.trace_csv === "string"
      ) {
        const csv = isAbsolute(config.trace_csv)
          ? config.trace_csv
          : `${dirOf(path)}/${config.trace_csv}`;
        config.samples_ms = await loadTraceCsv(csv, {
          column: typeof config.column === "string" ? config.column : undefined,
        });
      }
      out[name] = resolveProfile(config as unknown as ProfileConfig).config;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new TypeError(
          `Cannot load profile "${name}" from ${path} as trace_csv must name an existing file: ${err.message}`,
        );
      }
      const e = err as Error;
      const Kind = e instanceof RangeError
        ? RangeError
        : e instanceof SyntaxError
        ? SyntaxError
        : TypeError;
      throw new Kind(
        `Cannot load profile "${name}" from ${path}: ${e.message}`,
      );
    }
  }
  return out;
}
