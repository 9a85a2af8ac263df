/**
 * Run fingerprints: everything that determines a run's result (semantics
 * version, task, evaluator and its options, profile, method, rollouts, seed,
 * and the plan's `identity`: checkpoint content hash, backends), recorded in
 * the run's `config.json` as canonical JSON (sorted keys). A finished run is
 * reused only when its fingerprint equals the requested one.
 *
 * @module
 */
import type { RunKey } from "../io/run_folder.ts";
import { EVAL_SEMANTICS_VERSION } from "../eval/version.ts";
import type { MatrixPlan } from "./matrix_plan.ts";
import type { ResultRow } from "./results.ts";

/**
 * A run's fingerprint: a JSON object (field order: most telling first).
 *
 * @example
 * ```ts
 * import type { RunFingerprint } from "./fingerprint.ts";
 * const rollouts = (f: RunFingerprint): unknown => f.rollouts;
 * ```
 */
export type RunFingerprint = Record<string, unknown>;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonical(v);
    }
    return out;
  }
  return value;
}

/**
 * JSON with object keys sorted at every level (and `undefined` fields left
 * out), so equal values give equal text.
 *
 * @param value A JSON-serialisable value.
 * @returns The canonical JSON text.
 *
 * @example
 * ```ts
 * import { canonicalJson } from "./fingerprint.ts";
 * import assert from "node:assert/strict";
 * assert.equal(canonicalJson({ b: 1, a: { d: [2], c: undefined } }), '{"a":{"d":[2]},"b":1}');
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

/**
 * The fingerprint of one run of a plan.
 *
 * @param plan The plan.
 * @param key Profile, method, seed.
 * @returns The fingerprint.
 *
 * @example
 * ```ts
 * import { runFingerprint } from "./fingerprint.ts";
 * import { REACH_AROUND } from "../envs/mod.ts";
 * import { resolveProfile } from "../latency/mod.ts";
 * import assert from "node:assert/strict";
 * const config = { kind: "fixed" as const, delay: 1 };
 * const plan = {
 *   root: "unused", level: "reach_around", task: REACH_AROUND,
 *   profiles: [{ name: "fixed_1", profile: resolveProfile(config), config }],
 *   methods: [{ name: "zeros", sampler: () => Promise.resolve({ chunk: new Float32Array(8) }) }],
 *   seeds: [0], rollouts: 2, horizon: 4, executeHorizon: 1, evaluator: "scan" as const,
 *   identity: { checkpointSha256: "ab12" },
 * };
 * const fp = runFingerprint(plan, { profile: "fixed_1", method: "zeros", seed: 0 });
 * assert.equal(fp.rollouts, 2);
 * assert.equal(fp.checkpointSha256, "ab12");
 * assert.deepEqual(fp.profile, config);
 * ```
 */
export function runFingerprint(plan: MatrixPlan, key: RunKey): RunFingerprint {
  const p = plan.profiles.find((x) => x.name === key.profile);
  const m = plan.methods.find((x) => x.name === key.method);
  const fp: RunFingerprint = {
    semantics: EVAL_SEMANTICS_VERSION,
    task: plan.level,
    horizon: plan.horizon,
    evaluator: plan.evaluator,
  };
  if (plan.evaluator === "async") {
    fp.sMin = plan.executeHorizon;
    fp.forecaster = typeof plan.forecaster === "function" ? "custom" : "oracle";
    fp.starve = plan.starve ?? "hold";
  } else {
    fp.executeHorizon = plan.executeHorizon;
    fp.delayMode = plan.delayMode ?? "shared";
  }
  fp.profile = p?.config ?? null;
  fp.method = m?.config ?? null;
  if (m?.temporalEnsemble) fp.temporalEnsemble = m.temporalEnsemble;
  if (m?.latencyCost) fp.latencyCost = m.latencyCost;
  fp.rollouts = plan.rollouts;
  fp.seed = key.seed;
  for (const [k, v] of Object.entries(plan.identity ?? {})) {
    if (v !== undefined) fp[k] = v;
  }
  return JSON.parse(JSON.stringify(fp));
}

/**
 * The first field in which a recorded fingerprint differs from a requested
 * one (in the requested fingerprint's field order, nested objects followed
 * down to the differing field, e.g. `profile.d_spike`).
 *
 * @example
 * ```ts
 * import type { FingerprintDifference } from "./fingerprint.ts";
 * const d: FingerprintDifference = { field: "rollouts", recorded: 8, requested: 16 };
 * ```
 */
export interface FingerprintDifference {
  /** Dotted path of the field. */
  field: string;
  /** Its recorded value (undefined: absent). */
  recorded: unknown;
  /** Its requested value (undefined: absent). */
  requested: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Compares a recorded fingerprint with a requested one.
 *
 * @param recorded The fingerprint in the run folder.
 * @param requested The fingerprint of the request.
 * @returns The first difference, or undefined when they are equal.
 *
 * @example
 * ```ts
 * import { fingerprintDifference } from "./fingerprint.ts";
 * import assert from "node:assert/strict";
 * const a = { evaluator: "scan", profile: { kind: "fixed", delay: 1 }, rollouts: 8 };
 * assert.equal(fingerprintDifference(a, { ...a }), undefined);
 * assert.deepEqual(
 *   fingerprintDifference(a, { ...a, profile: { kind: "fixed", delay: 2 }, rollouts: 16 }),
 *   { field: "profile.delay", recorded: 1, requested: 2 },
 * );
 * ```
 */
export function fingerprintDifference(
  recorded: Record<string, unknown>,
  requested: Record<string, unknown>,
): FingerprintDifference | undefined {
  const keys = [...Object.keys(requested)];
  for (const k of Object.keys(recorded)) if (!keys.includes(k)) keys.push(k);
  for (const k of keys) {
    const a = recorded[k];
    const b = requested[k];
    if (canonicalJson(a) === canonicalJson(b)) continue;
    if (isObject(a) && isObject(b)) {
      const inner = fingerprintDifference(a, b);
      if (inner) return { ...inner, field: `${k}.${inner.field}` };
    }
    return { field: k, recorded: a, requested: b };
  }
  return undefined;
}

/**
 * The difference between a result row of a run without a fingerprint (made
 * by an older version) and a requested fingerprint, as far as the row's own
 * columns tell: task (`level`), evaluator, execute horizon or s_min,
 * rollouts and chunk length.
 *
 * @param row The run's result row.
 * @param requested The requested fingerprint.
 * @returns The first difference, or undefined when the columns agree.
 *
 * @example
 * ```ts
 * import { rowDifference } from "./fingerprint.ts";
 * import assert from "node:assert/strict";
 * const row = { profile: "p", method: "m", seed: 0, level: "reach_around", delay: "profile", execute_horizon: 1, rollouts: 8 };
 * assert.deepEqual(rowDifference(row, { task: "reach_around", rollouts: 16 }), { field: "rollouts", recorded: 8, requested: 16 });
 * ```
 */
export function rowDifference(
  row: ResultRow,
  requested: RunFingerprint,
): FingerprintDifference | undefined {
  const pairs: [string, string][] = [
    ["task", "level"],
    ["evaluator", "evaluator"],
    ["executeHorizon", "execute_horizon"],
    ["sMin", "execute_horizon"],
    ["horizon", "action_chunk_size"],
    ["rollouts", "rollouts"],
  ];
  for (const [field, column] of pairs) {
    const want = requested[field];
    const have = row[column];
    if (want === undefined || have === undefined) continue;
    if (have !== want) return { field, recorded: have, requested: want };
  }
  return undefined;
}

function show(field: string, value: unknown): string {
  const text = value === undefined
    ? "(none)"
    : typeof value === "string"
    ? value
    : JSON.stringify(value);
  return `${field}=${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}

/**
 * A finished run that cannot be reused or merged for this request: made
 * with other settings, or without a fingerprint. Commands report its message
 * as one line (exit code 2).
 *
 * @example
 * ```ts
 * import { RunConflictError } from "./fingerprint.ts";
 * import assert from "node:assert/strict";
 * const e = RunConflictError.differs(
 *   { field: "rollouts", recorded: 8, requested: 16 },
 *   { run: "p/m/seed_0", root: "/tmp/s", hint: "use --force to recompute" },
 * );
 * assert.equal(e.message, "run p/m/seed_0 in /tmp/s was made with rollouts=8; this request has rollouts=16 (use --force to recompute)");
 * ```
 */
export class RunConflictError extends Error {
  /**
   * Makes the error of a run whose settings differ.
   *
   * @param diff The first difference.
   * @param where The run (`profile/method/seed_n`), the matrix root, and
   *   what to do (in parentheses at the end).
   * @returns The error.
   */
  static differs(
    diff: FingerprintDifference,
    where: { run: string; root: string; hint: string },
  ): RunConflictError {
    const { run, root, hint } = where;
    return new RunConflictError(
      `run ${run} in ${root} was made with ${
        show(diff.field, diff.recorded)
      }; this request has ${show(diff.field, diff.requested)} (${hint})`,
    );
  }

  /**
   * An error with the given message.
   *
   * @param message The one-line message.
   */
  constructor(message: string) {
    super(message);
    this.name = "RunConflictError";
  }
}
