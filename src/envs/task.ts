/**
 * The task pattern: a task is a readonly params record, a CPU twin and a
 * WGSL twin built from the same record, frozen together by
 * {@linkcode defineTask}. The WGSL twin starts with the header of
 * {@linkcode taskHeaderWgsl} (the `TASK_*` sizes and the named constants,
 * generated from the spec and the params), so the two twins cannot drift.
 * `docs/ADD_A_TASK.md` walks through a toy task.
 *
 * @module
 */
import type { Task, TaskCpu, TaskParams, TaskSpec } from "./types.ts";

/**
 * Formats a number as a WGSL f32 literal of its float32 rounding (always
 * with a decimal point or exponent, so it never becomes an abstract
 * integer).
 *
 * @param x The value (finite).
 * @returns The literal text.
 * @throws {RangeError} If `x` is not finite.
 *
 * @example
 * ```ts
 * import { wgslFloat } from "./task.ts";
 * import assert from "node:assert/strict";
 * assert.equal(wgslFloat(3), "3.0");
 * assert.equal(wgslFloat(0.25), "0.25");
 * assert.equal(wgslFloat(0.05), "0.05000000074505806");
 * ```
 */
export function wgslFloat(x: number): string {
  if (!Number.isFinite(x)) {
    throw new RangeError(
      `Cannot format WGSL literal as x must be finite: current value is ${x}`,
    );
  }
  const s = String(Math.fround(x));
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Options for {@linkcode taskHeaderWgsl}. */
export interface TaskHeaderOptions {
  /** Prefix of the constant names, e.g. `"RA"` gives `RA_DT` for `dt`. */
  prefix: string;
  /** Params declared as `f32` constants (their float32 rounding). @default [] */
  f32?: readonly string[];
  /** Params declared as `u32` constants (non-negative integers). @default [] */
  u32?: readonly string[];
}

function constName(prefix: string, key: string): string {
  return `${prefix}_${
    key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()
  }`;
}

/**
 * The WGSL header of a task: `TASK_STATE_DIM`, `TASK_OBS_DIM`,
 * `TASK_ACTION_DIM`, `TASK_MAX_T` from the spec, then one constant per
 * listed param, named `<prefix>_<SNAKE_CASE_KEY>`.
 *
 * @param spec The task's spec.
 * @param options The params, the name prefix and which params to declare.
 * @returns WGSL source.
 * @throws {RangeError} If a listed key is missing or a `u32` param is not a non-negative integer.
 *
 * @example
 * ```ts
 * import { taskHeaderWgsl } from "./task.ts";
 * import assert from "node:assert/strict";
 * const spec = { name: "toy", obsDim: 1, actionDim: 1, stateDim: 2, maxTimesteps: 50 };
 * const wgsl = taskHeaderWgsl(spec, { params: { gain: 0.5, modeDraw: 7 }, prefix: "TOY", f32: ["gain"], u32: ["modeDraw"] });
 * assert.match(wgsl, /const TASK_MAX_T: u32 = 50u;/);
 * assert.match(wgsl, /const TOY_GAIN: f32 = 0\.5;/);
 * assert.match(wgsl, /const TOY_MODE_DRAW: u32 = 7u;/);
 * ```
 */
export function taskHeaderWgsl(
  spec: TaskSpec,
  options: TaskHeaderOptions & { params: TaskParams },
): string {
  const { params, prefix } = options;
  const value = (key: string): number => {
    const v = Object.hasOwn(params, key) ? params[key] : undefined;
    if (v === undefined) {
      throw new RangeError(
        `Cannot generate the ${spec.name} header as a listed param is missing: current value is "${key}"`,
      );
    }
    return v;
  };
  const lines = [
    `const TASK_STATE_DIM: u32 = ${spec.stateDim}u;`,
    `const TASK_OBS_DIM: u32 = ${spec.obsDim}u;`,
    `const TASK_ACTION_DIM: u32 = ${spec.actionDim}u;`,
    `const TASK_MAX_T: u32 = ${spec.maxTimesteps}u;`,
  ];
  for (const key of options.f32 ?? []) {
    lines.push(
      `const ${constName(prefix, key)}: f32 = ${wgslFloat(value(key))};`,
    );
  }
  for (const key of options.u32 ?? []) {
    const v = value(key);
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(
        `Cannot generate the ${spec.name} header as u32 param ${key} must be a non-negative integer: current value is ${v}`,
      );
    }
    lines.push(`const ${constName(prefix, key)}: u32 = ${v}u;`);
  }
  return lines.join("\n") + "\n";
}

/**
 * Checks a task's parts against each other and freezes it: the CPU twin's
 * spec is the task's, the sizes are positive integers, `actionDim <= 8`
 * (the wrapper's noise counter), the WGSL twin defines the four entry
 * points of the contract (see `types.ts`).
 *
 * @param task Spec, params, CPU twin and WGSL twin.
 * @returns The same task, frozen (its params too).
 * @throws {TypeError} If the parts do not fit together.
 *
 * @example
 * ```ts
 * import { defineTask } from "./task.ts";
 * import { REACH_AROUND } from "./reach_around/mod.ts";
 * import assert from "node:assert/strict";
 * const copy = defineTask({ ...REACH_AROUND });
 * assert.ok(Object.isFrozen(copy));
 * assert.throws(() => defineTask({ ...REACH_AROUND, wgsl: "" }), TypeError);
 * ```
 */
export function defineTask(
  task: {
    spec: TaskSpec;
    params: TaskParams;
    cpu: TaskCpu;
    wgsl: string;
  },
): Task {
  const { spec, cpu, wgsl } = task;
  const name = spec.name;
  if (cpu.spec !== spec) {
    throw new TypeError(
      `Cannot define task as cpu.spec must be the task's spec: current value is "${cpu.spec.name}" for "${name}"`,
    );
  }
  for (
    const key of ["obsDim", "actionDim", "stateDim", "maxTimesteps"] as const
  ) {
    const v = spec[key];
    if (!Number.isInteger(v) || v < 1) {
      throw new TypeError(
        `Cannot define task "${name}" as spec.${key} must be a positive integer: current value is ${v}`,
      );
    }
  }
  if (spec.actionDim > 8) {
    throw new TypeError(
      `Cannot define task "${name}" as spec.actionDim must be at most 8: current value is ${spec.actionDim}`,
    );
  }
  for (const fn of ["task_reset", "task_step", "task_observe", "task_expert"]) {
    if (!new RegExp(`\\bfn ${fn}\\(`).test(wgsl)) {
      throw new TypeError(
        `Cannot define task "${name}" as its WGSL twin must define fn ${fn}: current value has none`,
      );
    }
  }
  return Object.freeze({
    spec: Object.freeze(spec),
    params: Object.freeze(task.params),
    cpu,
    wgsl,
  });
}
