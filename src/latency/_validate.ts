// Field validation for profile and forecaster configs. Messages follow
// the std style: "Cannot create <what> as <field> must be <rule>: current
// value is <value>". TypeError for wrong shape, RangeError for wrong range.

/** Formats a value for an error message. */
export function fmt(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return String(value);
  if (value === undefined) return "undefined";
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}

/** Builds an error of the given class with the std-style message. */
export function fieldError(
  Kind: TypeErrorConstructor | RangeErrorConstructor,
  what: string,
  field: string,
  rule: string,
  value: unknown,
): Error {
  return new Kind(
    `Cannot create ${what} as ${field} must be ${rule}: current value is ${
      fmt(value)
    }`,
  );
}

/** Throws unless `value` is a plain object. */
export function expectObject(
  value: unknown,
  what: string,
  field: string,
): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw fieldError(TypeError, what, field, "an object", value);
  }
  return value as Record<string, unknown>;
}

/** Throws a TypeError naming the first field of `obj` not in `allowed`. */
export function rejectUnknown(
  obj: Record<string, unknown>,
  allowed: readonly string[],
  what: string,
  prefix: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new TypeError(
        `Cannot create ${what} as ${prefix}${key} is not a known field (known: ${
          allowed.join(", ")
        }): current value is ${fmt(obj[key])}`,
      );
    }
  }
}

/** Rules for {@linkcode num}. */
export interface NumRule {
  /** Inclusive minimum. */
  min?: number;
  /** Exclusive minimum. */
  gt?: number;
  /** Inclusive maximum. */
  max?: number;
  /** Must be an integer. */
  integer?: boolean;
}

function describe(rule: NumRule): string {
  const parts: string[] = [rule.integer ? "an integer" : "a finite number"];
  if (rule.gt !== undefined) parts.push(`> ${rule.gt}`);
  if (rule.min !== undefined && rule.max !== undefined) {
    parts.push(`in [${rule.min}, ${rule.max}]`);
  } else if (rule.min !== undefined) parts.push(`>= ${rule.min}`);
  else if (rule.max !== undefined) parts.push(`<= ${rule.max}`);
  return parts.join(" ");
}

/** Checks one number: TypeError if not a number, RangeError if NaN/out of range. */
export function checkNum(
  value: unknown,
  rule: NumRule,
  what: string,
  field: string,
): number {
  if (typeof value !== "number") {
    throw fieldError(TypeError, what, field, describe(rule), value);
  }
  const ok = Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || value >= rule.min) &&
    (rule.gt === undefined || value > rule.gt) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw fieldError(RangeError, what, field, describe(rule), value);
  return value;
}

/** Reads a required (or defaulted) number field. */
export function num(
  obj: Record<string, unknown>,
  key: string,
  rule: NumRule,
  what: string,
  prefix = "",
  fallback?: number,
): number {
  const value = obj[key];
  if (value === undefined && fallback !== undefined) return fallback;
  return checkNum(value, rule, what, prefix + key);
}

/** Throws a RangeError unless `length` is at most `max` (the limit in the message). */
export function checkLength(
  length: number,
  max: number,
  what: string,
  field: string,
  qualifier = "",
): void {
  if (length > max) {
    throw new RangeError(
      `Cannot create ${what} as ${field} must have at most ${max} entries${qualifier}: current length is ${length}`,
    );
  }
}

/** Reads a required non-empty array of numbers (at most `maxLength` of them). */
export function numArray(
  obj: Record<string, unknown>,
  key: string,
  rule: NumRule,
  what: string,
  prefix = "",
  maxLength = Infinity,
): number[] {
  const value = obj[key];
  if (!Array.isArray(value)) {
    throw fieldError(
      TypeError,
      what,
      prefix + key,
      "an array of numbers",
      value,
    );
  }
  if (value.length === 0) {
    throw fieldError(RangeError, what, prefix + key, "non-empty", value);
  }
  checkLength(value.length, maxLength, what, prefix + key);
  return value.map((v, i) => checkNum(v, rule, what, `${prefix}${key}[${i}]`));
}

/** Checks that probabilities sum to 1 within 1e-6. */
export function checkSum(
  probs: readonly number[],
  what: string,
  field: string,
): void {
  let sum = 0;
  for (const p of probs) sum += p;
  if (Math.abs(sum - 1) > 1e-6) {
    throw new RangeError(
      `Cannot create ${what} as ${field} must sum to 1: current sum is ${sum}`,
    );
  }
}

/** Reads an optional string field restricted to `choices`. */
export function choice<T extends string>(
  obj: Record<string, unknown>,
  key: string,
  choices: readonly T[],
  fallback: T,
  what: string,
  prefix = "",
): T {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value !== "string") {
    throw fieldError(
      TypeError,
      what,
      prefix + key,
      `one of ${choices.join(", ")}`,
      value,
    );
  }
  if (!(choices as readonly string[]).includes(value)) {
    throw fieldError(
      RangeError,
      what,
      prefix + key,
      `one of ${choices.join(", ")}`,
      value,
    );
  }
  return value as T;
}
