import assert from "node:assert/strict";
import { formatFixed, formatPythonFloat } from "./format.ts";

// Expected strings printed by CPython 3 (`repr(x)`, `"%.6f" % x`, `"%.3f" % x`).
const CASES: [number, string, string, string][] = [
  [0.0078125, "0.0078125", "0.007812", "0.008"],
  [2.5, "2.5", "2.500000", "2.500"],
  [-0.0234375, "-0.0234375", "-0.023438", "-0.023"],
  [1e-7, "1e-07", "0.000000", "0.000"],
  [123456789.123, "123456789.123", "123456789.123000", "123456789.123"],
  [3.7434241771698, "3.7434241771698", "3.743424", "3.743"],
  [
    1e22,
    "1e+22",
    "10000000000000000000000.000000",
    "10000000000000000000000.000",
  ],
  [0.1, "0.1", "0.100000", "0.100"],
  [1e16, "1e+16", "10000000000000000.000000", "10000000000000000.000"],
  [
    9999999999999998,
    "9999999999999998.0",
    "9999999999999998.000000",
    "9999999999999998.000",
  ],
  [0.0001, "0.0001", "0.000100", "0.000"],
  [0.00001234, "1.234e-05", "0.000012", "0.000"],
  [242.67578125, "242.67578125", "242.675781", "242.676"],
  [0.0005, "0.0005", "0.000500", "0.001"], // 0.0005 is just above 5e-4 in binary
  [0.0125, "0.0125", "0.012500", "0.013"], // 0.0125 is just above in binary
  [0.125, "0.125", "0.125000", "0.125"],
  [0.0625, "0.0625", "0.062500", "0.062"], // exact tie: half to even
];

Deno.test("formatPythonFloat() prints like Python repr(float)", () => {
  for (const [x, repr] of CASES) {
    assert.equal(formatPythonFloat(x), repr, String(x));
  }
  assert.equal(formatPythonFloat(NaN), "nan");
  assert.equal(formatPythonFloat(-Infinity), "-inf");
  assert.equal(formatPythonFloat(-0), "-0.0");
  assert.equal(formatPythonFloat(4), "4.0");
});

Deno.test("formatFixed() prints like Python %.6f and %.3f, ties to even", () => {
  for (const [x, , f6, f3] of CASES) {
    assert.equal(formatFixed(x), f6, String(x));
    assert.equal(formatFixed(x, 3), f3, String(x));
  }
  assert.equal(formatFixed(-0), "-0.000000");
  assert.equal(formatFixed(0.5, 0), "0");
  assert.equal(formatFixed(1.5, 0), "2");
});
