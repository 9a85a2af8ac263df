/**
 * CSV in the seed's dialect (Python's `csv` module): a header row, comma
 * separators, `\r\n` line ends, quoting only where needed, integers as
 * integers and floats as Python `repr`.
 *
 * @module
 */
import * as dsv from "d3-dsv";
import { formatPythonFloat } from "./format.ts";

// d3-dsv ships no type declarations; these are the two functions used.
const { csvFormatRow, csvParseRows } = dsv as unknown as {
  csvFormatRow(row: readonly string[]): string;
  csvParseRows(text: string): string[][];
};

/**
 * One CSV cell value before formatting.
 *
 * @example
 * ```ts
 * import type { CsvValue } from "./csv.ts";
 * const cells: CsvValue[] = ["long_tail", 0.5, true, null];
 * ```
 */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * A row: column name to value.
 *
 * @example
 * ```ts
 * import type { CsvRow } from "./csv.ts";
 * const row: CsvRow = { profile: "long_tail", seed: 0 };
 * ```
 */
export type CsvRow = Readonly<Record<string, CsvValue>>;

/**
 * Options for {@linkcode formatCsv}.
 *
 * @example
 * ```ts
 * import type { FormatCsvOptions } from "./csv.ts";
 * const options: FormatCsvOptions = { columns: ["seed", "p"], integerColumns: ["seed"] };
 * ```
 */
export interface FormatCsvOptions {
  /** Column order (the header). Missing values print as empty cells. */
  columns: readonly string[];
  /**
   * Columns whose numbers print as integers (`1`, not `1.0`). Every other
   * numeric cell prints like Python `repr(float)`.
   * @default []
   */
  integerColumns?: readonly string[];
  /**
   * Custom formatter for numbers, applied instead of Python `repr` to the
   * non-integer columns (e.g. `(x) => formatFixed(x)` for summaries).
   */
  formatNumber?: (x: number, column: string) => string;
  /** Line terminator (Python's `csv` default, as in the seed's files). @default "\r\n" */
  lineTerminator?: string;
}

/**
 * Formats rows as CSV text with a trailing newline.
 *
 * @param rows The rows.
 * @param options Column order, integer columns, number formatter.
 * @returns The CSV text (every line terminated).
 * @throws {RangeError} If an integer column holds a non-integer number.
 *
 * @example
 * ```ts
 * import { formatCsv } from "./csv.ts";
 * import assert from "node:assert/strict";
 * const text = formatCsv([{ seed: 0, p: 0.5, name: "a,b" }], {
 *   columns: ["name", "seed", "p"],
 *   integerColumns: ["seed"],
 * });
 * assert.equal(text, 'name,seed,p\r\n"a,b",0,0.5\r\n');
 * ```
 */
export function formatCsv(
  rows: readonly CsvRow[],
  options: FormatCsvOptions,
): string {
  const ints = new Set(options.integerColumns ?? []);
  const fmt = options.formatNumber;
  const body = rows.map((row) =>
    options.columns.map((col) => {
      const v = row[col];
      if (v === null || v === undefined) return "";
      if (typeof v === "number") {
        if (ints.has(col)) {
          if (!Number.isInteger(v)) {
            throw new RangeError(
              `Cannot format CSV column ${col} as an integer: current value is ${v}`,
            );
          }
          return String(v);
        }
        return fmt ? fmt(v, col) : formatPythonFloat(v);
      }
      if (typeof v === "boolean") return v ? "True" : "False";
      return v;
    })
  );
  const eol = options.lineTerminator ?? "\r\n";
  return [options.columns, ...body].map((r) => csvFormatRow(r) + eol).join("");
}

/**
 * A parsed CSV: its header and its rows as strings.
 *
 * @example
 * ```ts
 * import type { ParsedCsv } from "./csv.ts";
 * const width = (p: ParsedCsv): number => p.columns.length;
 * ```
 */
export interface ParsedCsv {
  /** Column names in file order. */
  columns: string[];
  /** Rows, cells as the raw strings (every column present). */
  rows: Record<string, string>[];
  /** The line (1-based) on which each row starts. */
  lines: number[];
}

/**
 * Options for {@linkcode parseCsv}.
 *
 * @example
 * ```ts
 * import type { ParseCsvOptions } from "./csv.ts";
 * const options: ParseCsvOptions = { file: "results.csv", requireFinalNewline: true };
 * ```
 */
export interface ParseCsvOptions {
  /** The file's name, for messages. @default "CSV" */
  file?: string;
  /**
   * Refuse text whose last line has no line break: the toolkit ends every
   * line it writes, so a missing one means the file was cut short.
   * @default false
   */
  requireFinalNewline?: boolean;
}

/**
 * Parses CSV text (with a header row) into raw string cells, refusing a
 * damaged file: every line must have as many cells as the header, and
 * column names must be distinct. Empty lines are skipped.
 *
 * @param text The CSV text.
 * @param options The file name for messages; whether the last line must be terminated.
 * @returns Header, rows and their line numbers.
 * @throws {SyntaxError} `<file>:<line>: <what>`, if the text is empty, a line
 *   has the wrong number of cells, a column name repeats, or (with
 *   `requireFinalNewline`) the last line is not terminated.
 *
 * @example
 * ```ts
 * import { parseCsv } from "./csv.ts";
 * import assert from "node:assert/strict";
 * const { columns, rows } = parseCsv("a,b\n1,x\n");
 * assert.deepEqual(columns, ["a", "b"]);
 * assert.equal(rows[0]!.b, "x");
 * assert.throws(() => parseCsv("a,b\n1,x\n2\n", { file: "t.csv" }), /^SyntaxError: t\.csv:3: line has 1 cell, the header has 2$/);
 * ```
 */
export function parseCsv(
  text: string,
  options: ParseCsvOptions = {},
): ParsedCsv {
  const file = options.file ?? "CSV";
  if (text.trim() === "") {
    throw new SyntaxError(`${file}:1: the file is empty (no header row)`);
  }
  const records = csvParseRows(text);
  const columns = records[0]!;
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) {
      throw new SyntaxError(
        `${file}:1: column ${c} appears twice in the header`,
      );
    }
    seen.add(c);
  }
  const rows: Record<string, string>[] = [];
  const lines: number[] = [];
  let line = 1;
  for (const [k, record] of records.entries()) {
    const at = line;
    for (const cell of record) line += cell.split("\n").length - 1;
    line++;
    if (k === 0 || (record.length === 1 && record[0] === "")) continue;
    if (record.length !== columns.length) {
      const n = record.length;
      throw new SyntaxError(
        `${file}:${at}: line has ${n} cell${
          n === 1 ? "" : "s"
        }, the header has ${columns.length}`,
      );
    }
    const row: Record<string, string> = {};
    columns.forEach((c, j) => (row[c] = record[j]!));
    rows.push(row);
    lines.push(at);
  }
  if (options.requireFinalNewline && !text.endsWith("\n")) {
    throw new SyntaxError(
      `${file}:${
        line - 1
      }: the last line has no line break (the file is cut short)`,
    );
  }
  return { columns, rows, lines };
}

/**
 * Reads a numeric cell: Python spellings `nan`, `inf`, `-inf` are accepted.
 *
 * @param row The row.
 * @param column The column name.
 * @returns The number.
 * @throws {SyntaxError} If the cell is missing or not a number.
 *
 * @example
 * ```ts
 * import { cellNumber } from "./csv.ts";
 * import assert from "node:assert/strict";
 * assert.equal(cellNumber({ x: "0.25" }, "x"), 0.25);
 * assert.ok(Number.isNaN(cellNumber({ x: "nan" }, "x")));
 * ```
 */
export function cellNumber(
  row: Readonly<Record<string, string | undefined>>,
  column: string,
): number {
  const raw = row[column];
  if (raw === undefined || raw === "") {
    throw new SyntaxError(
      `Cannot read CSV column ${column} as a number: the cell is missing`,
    );
  }
  const t = raw.trim().toLowerCase();
  if (t === "nan") return NaN;
  if (t === "inf" || t === "+inf") return Infinity;
  if (t === "-inf") return -Infinity;
  const v = Number(raw);
  if (Number.isNaN(v)) {
    throw new SyntaxError(
      `Cannot read CSV column ${column} as a number: current value is "${raw}"`,
    );
  }
  return v;
}
