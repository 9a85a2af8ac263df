/**
 * Number formatting that matches the seed's Python output: `repr(float)` for
 * per-run rows (pandas `to_csv` of float64 columns) and `"%.6f"` for summaries.
 *
 * @module
 */

/**
 * Formats a number like Python's `repr(float(x))`: shortest round-trip
 * digits, fixed notation for decimal exponents in [-4, 16), scientific
 * (`1e-05`, `1.5e+16`) otherwise, integers with a trailing `.0`, and
 * `nan`/`inf`/`-inf`.
 *
 * @param x The number.
 * @returns The text Python would print.
 *
 * @example
 * ```ts
 * import { formatPythonFloat } from "./format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatPythonFloat(0), "0.0");
 * assert.equal(formatPythonFloat(242.67578125), "242.67578125");
 * assert.equal(formatPythonFloat(Math.fround(4.475882530212402)), "4.475882530212402");
 * assert.equal(formatPythonFloat(1e-5), "1e-05");
 * assert.equal(formatPythonFloat(1.5e16), "1.5e+16");
 * ```
 */
export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  // Shortest round-trip digits and decimal exponent from JS.
  const [mant, expText] = Math.abs(x).toExponential().split("e") as [
    string,
    string,
  ];
  const digits = mant.replace(".", "");
  const exp = Number(expText);
  if (exp >= -4 && exp < 16) {
    let body: string;
    if (exp >= 0) {
      const intPart = digits.length > exp + 1
        ? digits.slice(0, exp + 1)
        : digits.padEnd(exp + 1, "0");
      const frac = digits.slice(exp + 1);
      body = `${intPart}.${frac === "" ? "0" : frac}`;
    } else {
      body = `0.${"0".repeat(-exp - 1)}${digits}`;
    }
    return sign + body;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = exp < 0
    ? `-${String(-exp).padStart(2, "0")}`
    : `+${String(exp).padStart(2, "0")}`;
  return `${sign}${m}e${e}`;
}

/**
 * Formats a number like C/Python `"%.{digits}f"`: exact decimal rounding of
 * the double with ties to even (JavaScript's `toFixed` breaks exact ties
 * away from zero, e.g. `0.0078125.toFixed(6)` is `0.007813`, Python prints
 * `0.007812`).
 *
 * @param x The number.
 * @param digits Digits after the decimal point. @default 6
 * @returns The formatted text.
 *
 * @example
 * ```ts
 * import { formatFixed } from "./format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatFixed(-0.02421875), "-0.024219");
 * assert.equal(formatFixed(0.0078125), "0.007812");
 * assert.equal(formatFixed(4, 3), "4.000");
 * ```
 */
export function formatFixed(x: number, digits = 6): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  if (a >= 1e21) {
    const frac = digits > 0 ? "." + "0".repeat(digits) : "";
    return (neg ? "-" : "") + BigInt(a).toString() + frac;
  }
  let out = a.toFixed(digits);
  // Exact expansion far enough to see whether the rounded part is exactly 1/2.
  const exact = a.toFixed(Math.min(100, digits + 80));
  const tail = exact.slice(exact.length - 80);
  if (tail[0] === "5" && /^0*$/.test(tail.slice(1))) {
    // A true tie: toFixed rounded up; round half to even instead.
    const truncated = exact.slice(0, exact.length - 80).replace(/\.$/, "");
    const lastDigit = Number(truncated[truncated.length - 1]);
    if (lastDigit % 2 === 0) out = truncated;
  }
  return (neg ? "-" : "") + out;
}
