import assert from "node:assert/strict";
import { cellNumber, formatCsv, parseCsv } from "./csv.ts";

Deno.test("formatCsv() writes the Python csv dialect: CRLF, minimal quoting, ints and repr floats", () => {
  const text = formatCsv([
    { a: "x,y", n: 3, f: 2, b: true, g: 'say "hi"' },
    { a: "plain", n: 0, f: 0.1, b: false },
  ], { columns: ["a", "n", "f", "b", "g"], integerColumns: ["n"] });
  assert.equal(
    text,
    'a,n,f,b,g\r\n"x,y",3,2.0,True,"say ""hi"""\r\nplain,0,0.1,False,\r\n',
  );
  assert.throws(
    () => formatCsv([{ n: 1.5 }], { columns: ["n"], integerColumns: ["n"] }),
    /column n as an integer: current value is 1.5/,
  );
});

Deno.test("parseCsv() reads back what formatCsv() wrote", () => {
  const rows = [{ a: "x,y\nz", f: 0.25 }];
  const { columns, rows: back } = parseCsv(
    formatCsv(rows, { columns: ["a", "f"] }),
  );
  assert.deepEqual(columns, ["a", "f"]);
  assert.equal(back[0]!.a, "x,y\nz");
  assert.equal(cellNumber(back[0]!, "f"), 0.25);
  assert.throws(() => parseCsv(""), SyntaxError);
  assert.throws(() => cellNumber({ f: "abc" }, "f"), /column f as a number/);
  assert.throws(() => cellNumber({}, "f"), /the cell is missing/);
});

Deno.test("parseCsv() refuses a damaged file, naming the file and the line", () => {
  const file = { file: "r.csv" };
  assert.throws(
    () => parseCsv("a,b\r\n1,2\r\n3\r\n", file),
    new SyntaxError("r.csv:3: line has 1 cell, the header has 2"),
  );
  assert.throws(
    () => parseCsv('a,b\r\n"x\ny",2\r\n3,4,5\r\n', file),
    new SyntaxError("r.csv:4: line has 3 cells, the header has 2"),
  );
  assert.throws(
    () => parseCsv("a,a\r\n1,2\r\n", file),
    new SyntaxError("r.csv:1: column a appears twice in the header"),
  );
  assert.throws(
    () => parseCsv("a,b\r\n1,2", { ...file, requireFinalNewline: true }),
    new SyntaxError(
      "r.csv:2: the last line has no line break (the file is cut short)",
    ),
  );
  assert.throws(
    () => parseCsv(" \n", file),
    /^SyntaxError: r\.csv:1: the file is empty/,
  );
  const ok = parseCsv("a,b\r\n1,2\r\n\r\n3,4", file);
  assert.deepEqual(ok.lines, [2, 4]);
  assert.deepEqual(ok.rows[1], { a: "3", b: "4" });
});
