/**
 * AdamW with a linear warm-up, an optional decay and global-norm clipping, on
 * flat `Float32Array` parameters and gradients: upstream's
 * `optax.chain(clip_by_global_norm(clip), adamw(warmup_constant_schedule(0, lr, warmup), weight_decay=wd))`
 * with the default `schedule: "constant"`, and optax's
 * `warmup_cosine_decay_schedule(0, lr, warmup, decaySteps, endLearningRate)`
 * with `schedule: "cosine"` (`"linear"`: the same with a straight line).
 *
 * One update with step counter c (0-based, the number of updates done so far):
 * 1. `g ← g · clip/‖g‖` if `‖g‖ ≥ clip` (global L2 norm, float64 sum);
 * 2. `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`;
 * 3. `u = (m/(1−β1^(c+1))) / (sqrt(v/(1−β2^(c+1))) + ε) + wd·p`;
 * 4. `p ← p − lr_c·u` with `lr_c = lr·min(c, warmup)/warmup` (so the very first
 *    update has learning rate 0, as optax's schedule does) during the warm-up;
 *    after it `lr_c = lr` (constant), or with progress
 *    `p = min(1, (c − warmup)/(decaySteps − warmup))`
 *    `lr_c = end + (lr − end)·(1 + cos(π·p))/2` (cosine) or
 *    `lr_c = lr + (end − lr)·p` (linear), and `end` from step `decaySteps` on.
 *
 * Element math is float64, results are stored as float32.
 *
 * @module
 */

/** Learning-rate shapes after the warm-up. */
export const LR_SCHEDULES = ["constant", "cosine", "linear"] as const;

/** Learning-rate shape after the warm-up (see the module doc). */
export type LrSchedule = typeof LR_SCHEDULES[number];

/** AdamW hyper-parameters. */
export interface AdamWOptions {
  /** Peak learning rate. @default 3e-4 */
  readonly learningRate: number;
  /** Linear warm-up length in steps, from 0 to the peak (0: no warm-up). @default 1000 */
  readonly warmupSteps: number;
  /** Shape after the warm-up. @default "constant" */
  readonly schedule: LrSchedule;
  /** Step at which a decaying schedule reaches `endLearningRate` (warm-up included, as optax counts); must exceed `warmupSteps` unless the schedule is constant. @default 0 */
  readonly decaySteps: number;
  /** Learning rate at and after `decaySteps` for a decaying schedule. @default 0 */
  readonly endLearningRate: number;
  /** Decoupled weight decay (applied to every parameter). @default 1e-2 */
  readonly weightDecay: number;
  /** Global-norm clip of the gradient (Infinity: none). @default 10 */
  readonly clipNorm: number;
  /** First-moment decay β1. @default 0.9 */
  readonly beta1: number;
  /** Second-moment decay β2. @default 0.999 */
  readonly beta2: number;
  /** ε added to the root of the second moment. @default 1e-8 */
  readonly eps: number;
}

/**
 * Upstream defaults (lr 3e-4, warm-up 1000, weight decay 1e-2, clip 10, optax betas).
 *
 * @example
 * ```ts
 * import { DEFAULT_ADAMW_OPTIONS } from "./adamw.ts";
 * import assert from "node:assert/strict";
 * assert.equal(DEFAULT_ADAMW_OPTIONS.learningRate, 3e-4);
 * ```
 */
export const DEFAULT_ADAMW_OPTIONS: AdamWOptions = Object.freeze({
  learningRate: 3e-4,
  warmupSteps: 1000,
  schedule: "constant",
  decaySteps: 0,
  endLearningRate: 0,
  weightDecay: 1e-2,
  clipNorm: 10,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
});

/**
 * Merges and validates AdamW options.
 *
 * @param partial Fields to override.
 * @returns The resolved, frozen options.
 * @throws {RangeError} If a field is out of range (the message names it).
 *
 * @example
 * ```ts
 * import { resolveAdamWOptions } from "./adamw.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resolveAdamWOptions({ warmupSteps: 0 }).warmupSteps, 0);
 * assert.throws(() => resolveAdamWOptions({ beta1: 1 }), RangeError);
 * ```
 */
export function resolveAdamWOptions(
  partial: Partial<AdamWOptions> = {},
): AdamWOptions {
  const o = { ...DEFAULT_ADAMW_OPTIONS, ...partial };
  const bad = (field: string, rule: string, value: number): never => {
    throw new RangeError(
      `Cannot resolve AdamW options as ${field} must be ${rule}: current value is ${value}`,
    );
  };
  if (!(o.learningRate >= 0) || !Number.isFinite(o.learningRate)) {
    bad("learningRate", "a finite number >= 0", o.learningRate);
  }
  if (!Number.isInteger(o.warmupSteps) || o.warmupSteps < 0) {
    bad("warmupSteps", "an integer >= 0", o.warmupSteps);
  }
  if (!(LR_SCHEDULES as readonly string[]).includes(o.schedule)) {
    throw new RangeError(
      `Cannot resolve AdamW options as schedule must be one of ${
        LR_SCHEDULES.join(", ")
      }: current value is "${o.schedule}"`,
    );
  }
  if (!Number.isInteger(o.decaySteps) || o.decaySteps < 0) {
    bad("decaySteps", "an integer >= 0", o.decaySteps);
  }
  if (o.schedule !== "constant" && o.decaySteps <= o.warmupSteps) {
    bad(
      "decaySteps",
      `> warmupSteps (${o.warmupSteps}) for a ${o.schedule} schedule`,
      o.decaySteps,
    );
  }
  if (
    !(o.endLearningRate >= 0) || !(o.endLearningRate <= o.learningRate)
  ) {
    bad(
      "endLearningRate",
      `in [0, learningRate (${o.learningRate})]`,
      o.endLearningRate,
    );
  }
  if (!(o.weightDecay >= 0) || !Number.isFinite(o.weightDecay)) {
    bad("weightDecay", "a finite number >= 0", o.weightDecay);
  }
  if (!(o.clipNorm > 0)) bad("clipNorm", "> 0 (Infinity for none)", o.clipNorm);
  if (!(o.beta1 >= 0 && o.beta1 < 1)) bad("beta1", "in [0, 1)", o.beta1);
  if (!(o.beta2 >= 0 && o.beta2 < 1)) bad("beta2", "in [0, 1)", o.beta2);
  if (!(o.eps >= 0) || !Number.isFinite(o.eps)) {
    bad("eps", "a finite number >= 0", o.eps);
  }
  return Object.freeze({ ...o });
}

/** Optimizer state: update count and the two moments (flat, parameter order). */
export interface AdamWState {
  /** Number of updates applied so far. */
  step: number;
  /** First moment. */
  readonly m: Float32Array;
  /** Second moment. */
  readonly v: Float32Array;
}

/**
 * A fresh state (zero moments, step 0) for `size` parameters.
 *
 * @param size Number of parameters.
 * @returns The state.
 *
 * @example
 * ```ts
 * import { createAdamWState } from "./adamw.ts";
 * import assert from "node:assert/strict";
 * assert.equal(createAdamWState(3).m.length, 3);
 * ```
 */
export function createAdamWState(size: number): AdamWState {
  return { step: 0, m: new Float32Array(size), v: new Float32Array(size) };
}

/**
 * The learning rate of update number `step` (0-based).
 *
 * @param step Update count before this update.
 * @param options Resolved options.
 * @returns `lr·step/warmup` during the warm-up, then `lr` (constant) or the
 * cosine / linear decay to `endLearningRate` at `decaySteps`.
 *
 * @example
 * ```ts
 * import { learningRateAt, resolveAdamWOptions } from "./adamw.ts";
 * import assert from "node:assert/strict";
 * const o = resolveAdamWOptions({ learningRate: 1, warmupSteps: 4 });
 * assert.deepEqual([0, 1, 4, 9].map((s) => learningRateAt(s, o)), [0, 0.25, 1, 1]);
 * const c = resolveAdamWOptions({ learningRate: 1, warmupSteps: 2, schedule: "cosine", decaySteps: 6 });
 * assert.deepEqual([1, 2, 4, 6, 9].map((s) => learningRateAt(s, c)), [0.5, 1, 0.5, 0, 0]);
 * ```
 */
export function learningRateAt(step: number, options: AdamWOptions): number {
  const { learningRate: lr, warmupSteps: warmup } = options;
  if (step < warmup) return lr * step / warmup;
  if (options.schedule === "constant") return lr;
  const end = options.endLearningRate;
  const p = Math.min(1, (step - warmup) / (options.decaySteps - warmup));
  if (options.schedule === "linear") return lr + (end - lr) * p;
  return end + (lr - end) * 0.5 * (1 + Math.cos(Math.PI * p));
}

/**
 * The global L2 norm of a flat gradient (float64 accumulation).
 *
 * @param grad The gradient.
 * @returns `sqrt(Σ g²)`.
 *
 * @example
 * ```ts
 * import { globalNorm } from "./adamw.ts";
 * import assert from "node:assert/strict";
 * assert.equal(globalNorm(Float32Array.of(3, 4)), 5);
 * ```
 */
export function globalNorm(grad: Float32Array): number {
  let s = 0;
  for (let i = 0; i < grad.length; i++) s += grad[i]! * grad[i]!;
  return Math.sqrt(s);
}

/** What one {@linkcode adamwStep} did. */
export interface AdamWStepInfo {
  /** Learning rate used. */
  readonly learningRate: number;
  /** Gradient norm before clipping. */
  readonly gradNorm: number;
  /** Factor the gradient was scaled by (1 when not clipped). */
  readonly clipScale: number;
}

/**
 * Applies one AdamW update in place to `params` and `state` (see the module
 * doc for the exact formula).
 *
 * @param params Parameters (updated in place).
 * @param options Gradient, state and resolved options.
 * @returns The learning rate, gradient norm and clip factor used.
 * @throws {TypeError} If the gradient or moments do not match the parameter count.
 *
 * @example
 * ```ts
 * import { adamwStep, createAdamWState, resolveAdamWOptions } from "./adamw.ts";
 * import assert from "node:assert/strict";
 * const p = Float32Array.of(1);
 * const state = createAdamWState(1);
 * const options = resolveAdamWOptions({ learningRate: 0.1, warmupSteps: 0, weightDecay: 0 });
 * adamwStep(p, { grad: Float32Array.of(2), state, options });
 * assert.ok(Math.abs(p[0]! - 0.9) < 1e-6); // first Adam step moves by lr·sign(g)
 * ```
 */
export function adamwStep(
  params: Float32Array,
  options: { grad: Float32Array; state: AdamWState; options: AdamWOptions },
): AdamWStepInfo {
  const { grad, state } = options;
  const o = options.options;
  const n = params.length;
  for (
    const [field, arr] of [["grad", grad], ["state.m", state.m], [
      "state.v",
      state.v,
    ]] as const
  ) {
    if (arr.length !== n) {
      throw new TypeError(
        `Cannot apply AdamW as ${field} must have length ${n}: current length is ${arr.length}`,
      );
    }
  }
  const gradNorm = globalNorm(grad);
  const clipScale = gradNorm >= o.clipNorm ? o.clipNorm / gradNorm : 1;
  const lr = learningRateAt(state.step, o);
  const c = state.step + 1;
  const bc1 = 1 - Math.pow(o.beta1, c);
  const bc2 = 1 - Math.pow(o.beta2, c);
  const { m, v } = state;
  for (let i = 0; i < n; i++) {
    const g = grad[i]! * clipScale;
    const mi = o.beta1 * m[i]! + (1 - o.beta1) * g;
    const vi = o.beta2 * v[i]! + (1 - o.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    const u = (mi / bc1) / (Math.sqrt(vi / bc2) + o.eps) +
      o.weightDecay * params[i]!;
    params[i] = params[i]! - lr * u;
  }
  state.step = c;
  return { learningRate: lr, gradNorm, clipScale };
}
