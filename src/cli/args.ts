/**
 * Small parsers for experiment-script flags; each throws a `RangeError`
 * naming the flag and the value, which the scripts print as one line.
 *
 * @module
 */
import {
  BACKEND_ENV,
  type BackendName,
  parseBackendName,
} from "../gpu/backend.ts";

/**
 * Parses a comma-separated list (empty items rejected).
 *
 * @param text The flag value.
 * @param flag The flag name for messages.
 * @returns The items.
 * @throws {RangeError} If the list is empty or has an empty item.
 *
 * @example
 * ```ts
 * import { parseList } from "./args.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseList("naive, realtime", "--methods"), ["naive", "realtime"]);
 * ```
 */
export function parseList(text: string, flag: string): string[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === "")) {
    throw new RangeError(
      `Cannot parse ${flag} as it must be a comma-separated list of names: current value is "${text}"`,
    );
  }
  return items;
}

/**
 * Parses seeds: `0-4`, `0,2,5`, or a mix (`0-2,7`).
 *
 * @param text The flag value.
 * @param flag The flag name for messages. @default "--seeds"
 * @returns The seeds in the given order.
 * @throws {RangeError} If an item is not a non-negative integer or range.
 *
 * @example
 * ```ts
 * import { parseSeeds } from "./args.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseSeeds("0-2,7"), [0, 1, 2, 7]);
 * assert.throws(() => parseSeeds("a"), RangeError);
 * ```
 */
export function parseSeeds(text: string, flag = "--seeds"): number[] {
  const out: number[] = [];
  for (const item of parseList(text, flag)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || hi < lo || hi > 0xffffffff || hi - lo > 100000) {
      throw new RangeError(
        `Cannot parse ${flag} as it must be integers or ranges like 0-4: current value is "${text}"`,
      );
    }
    for (let s = lo; s <= hi; s++) out.push(s);
  }
  return out;
}

/**
 * Parses a positive (or non-negative) integer flag.
 *
 * @param text The flag value.
 * @param flag The flag name.
 * @param min Smallest allowed value. @default 1
 * @returns The integer.
 * @throws {RangeError} If it is not an integer ≥ min.
 *
 * @example
 * ```ts
 * import { parseIntFlag } from "./args.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseIntFlag("256", "--rollouts"), 256);
 * assert.throws(() => parseIntFlag("0", "--rollouts"), RangeError);
 * ```
 */
export function parseIntFlag(text: string, flag: string, min = 1): number {
  const v = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v) || v < min) {
    throw new RangeError(
      `Cannot parse ${flag} as it must be an integer >= ${min}: current value is "${text}"`,
    );
  }
  return v;
}

/**
 * Checks that a flag value is one of a fixed set.
 *
 * @param text The flag value.
 * @param flag The flag name.
 * @param allowed The allowed values.
 * @returns The value.
 * @throws {RangeError} If it is not allowed (the message lists the allowed values).
 *
 * @example
 * ```ts
 * import { parseChoice } from "./args.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseChoice("scan", "--evaluator", ["scan", "async"]), "scan");
 * ```
 */
export function parseChoice<T extends string>(
  text: string,
  flag: string,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new RangeError(
      `Cannot parse ${flag} as it must be one of ${
        allowed.join(", ")
      }: current value is "${text}"`,
    );
  }
  return text as T;
}

/**
 * A parsed forecaster flag.
 *
 * @example
 * ```ts
 * import type { ForecasterSpec } from "./args.ts";
 * const spec: ForecasterSpec = { kind: "buffer_max", size: 10 };
 * ```
 */
export type ForecasterSpec =
  | { kind: "oracle" }
  | { kind: "buffer_max"; size: number }
  | { kind: "quantile"; q: number; window: number };

/**
 * Parses `oracle`, `buffer_max:<b>` or `quantile:<q>:<window>`.
 *
 * @param text The flag value.
 * @returns The forecaster spec (the `ForecasterConfig` of `src/latency`).
 * @throws {RangeError} If the text is none of these.
 *
 * @example
 * ```ts
 * import { parseForecaster } from "./args.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseForecaster("buffer_max:10"), { kind: "buffer_max", size: 10 });
 * assert.deepEqual(parseForecaster("quantile:0.9:20"), { kind: "quantile", q: 0.9, window: 20 });
 * ```
 */
export function parseForecaster(text: string): ForecasterSpec {
  const parts = text.split(":");
  if (text === "oracle") return { kind: "oracle" };
  if (parts[0] === "buffer_max" && parts.length === 2) {
    const size = Number(parts[1]);
    if (Number.isInteger(size) && size >= 1) {
      return { kind: "buffer_max", size };
    }
  }
  if (parts[0] === "quantile" && parts.length === 3) {
    const q = Number(parts[1]);
    const window = Number(parts[2]);
    if (q >= 0 && q <= 1 && Number.isInteger(window) && window >= 1) {
      return { kind: "quantile", q, window };
    }
  }
  throw new RangeError(
    `Cannot parse --forecaster as it must be oracle, buffer_max:<b> or quantile:<q>:<window>: current value is "${text}"`,
  );
}

/**
 * The message of an error as one line (Node's `parseArgs` errors span
 * several), for the scripts' single `error:` line.
 *
 * @param error The caught value.
 * @returns Its message with line breaks collapsed.
 *
 * @example
 * ```ts
 * import { errorLine } from "./args.ts";
 * import assert from "node:assert/strict";
 * assert.equal(errorLine(new TypeError("a\n  b")), "a b");
 * ```
 */
export function errorLine(error: unknown): string {
  const msg = error instanceof Error ? error.message : String(error);
  return msg.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * Runs a command's body and turns a thrown error into one `<name>: error:`
 * line and exit code 2.
 *
 * @param name Script name for the message, e.g. `"train.ts"`.
 * @param options The body (its exit code; none means 0) and where errors go.
 * @returns The exit code.
 *
 * @example
 * ```ts
 * import { exitCodeOf } from "./args.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * const code = await exitCodeOf("x.ts", {
 *   run: () => Promise.reject(new RangeError("bad --n")),
 *   stderr: (l) => lines.push(l),
 * });
 * assert.deepEqual([code, lines[0]], [2, "x.ts: error: bad --n"]);
 * ```
 */
export async function exitCodeOf(
  name: string,
  options: {
    run: () => Promise<number | void>;
    stderr?: (line: string) => void;
  },
): Promise<number> {
  try {
    return (await options.run()) ?? 0;
  } catch (e) {
    (options.stderr ?? ((l: string) => console.error(l)))(
      `${name}: error: ${errorLine(e)}`,
    );
    return 2;
  }
}

/**
 * The backend of a command: the `--backend` flag, else the
 * `EXP_DELTA_BACKEND` environment variable, else `auto` (a hardware GPU,
 * otherwise the faster of the native engine and a software WebGPU adapter
 * by a short calibration; the choice is recorded in every config.json).
 *
 * @param value The flag's text, or undefined when absent.
 * @returns The backend name to ask `getBackend` for (undefined: the environment variable decides).
 * @throws {RangeError} If the flag is not a backend name.
 *
 * @example
 * ```ts
 * import { parseBackendFlag } from "./args.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseBackendFlag("native"), "native");
 * if (!Deno.env.get("EXP_DELTA_BACKEND")) assert.equal(parseBackendFlag(undefined), "auto");
 * assert.throws(() => parseBackendFlag("cuda"), /--backend/);
 * ```
 */
export function parseBackendFlag(
  value: string | undefined,
): BackendName | undefined {
  if (value !== undefined) return parseBackendName(value, "--backend");
  let env: string | undefined;
  try {
    env = Deno.env.get(BACKEND_ENV);
  } catch {
    env = undefined;
  }
  return env ? undefined : "auto";
}
