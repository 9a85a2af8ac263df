/**
 * The tail_v2 specification: latency profiles, the tail controls compared
 * on each, and a low-latency reference per profile (`exp/tail_v2.json`):
 *
 * ```json
 * { "profiles": { "spikes": { "kind": "bursty", "dt_ms": 20, ... } },
 *   "references": { "spikes": { "kind": "fixed", "delay": 2 } },
 *   "controls": { "none": [], "tail_cap": [{ "kind": "tail_cap", "cap": 4 }] } }
 * ```
 *
 * An arm is a profile with one control's transforms appended to the
 * profile's own (so a cap also bounds a cold start), or the profile's
 * reference (arm name `reference`, no control). Control `none` (no
 * transforms) is required: it is the arm every other is paired with.
 *
 * @module
 */
import { profilesFromJson } from "../latency/load.ts";
import { resolveProfile } from "../latency/resolve.ts";
import { withTransforms } from "../latency/transforms.ts";
import type { ProfileConfig, TransformConfig } from "../latency/types.ts";

/**
 * A validated tail_v2 specification.
 *
 * @example
 * ```ts
 * import type { TailV2Spec } from "./tail_v2_spec.ts";
 * const arms = (s: TailV2Spec): number => Object.keys(s.profiles).length * Object.keys(s.controls).length;
 * ```
 */
export interface TailV2Spec {
  /** Profiles by name (traces inlined). */
  profiles: Record<string, ProfileConfig>;
  /** Low-latency reference profile by profile name (optional per profile). */
  references: Record<string, ProfileConfig>;
  /** Tail controls by name: transforms appended to a profile's own. */
  controls: Record<string, TransformConfig[]>;
}

/**
 * Name of the reference arm (not a control: the profile replaced by its
 * low-latency reference on the same seeds).
 *
 * @example
 * ```ts
 * import { REFERENCE_ARM } from "./tail_v2_spec.ts";
 * import assert from "node:assert/strict";
 * assert.equal(REFERENCE_ARM, "reference");
 * ```
 */
export const REFERENCE_ARM = "reference";

const NAME_RE = /^[A-Za-z0-9_-]+$/;

function fail(
  Kind: TypeErrorConstructor | RangeErrorConstructor,
  path: string,
  field: string,
  rule: string,
  value: unknown,
): never {
  throw new Kind(
    `Cannot load tail_v2 spec ${path} as ${field} must be ${rule}: current value is ${
      JSON.stringify(value)?.slice(0, 80)
    }`,
  );
}

function objectAt(
  value: unknown,
  path: string,
  field: string,
): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(TypeError, path, field, "an object", value);
  }
  return value as Record<string, unknown>;
}

function checkNames(obj: Record<string, unknown>, path: string, at: string) {
  for (const name of Object.keys(obj)) {
    if (!NAME_RE.test(name)) {
      fail(RangeError, path, `${at} names`, "[A-Za-z0-9_-]+", name);
    }
  }
}

/**
 * Validates a parsed tail_v2 specification: every profile and reference
 * resolves (`trace_csv` read relative to `path`), every reference names a
 * profile, names match `[A-Za-z0-9_-]+`, control `none` exists with no
 * transforms, `reference` is not a control name, and every profile resolves
 * with every control appended.
 *
 * @param data The parsed JSON.
 * @param options `path`: the file (for `trace_csv` and messages).
 * @returns The validated spec.
 * @throws {TypeError | RangeError} Naming the file, the field and the value.
 *
 * @example
 * ```ts
 * import { tailV2SpecFromJson } from "./tail_v2_spec.ts";
 * import assert from "node:assert/strict";
 * const spec = await tailV2SpecFromJson({
 *   profiles: { p: { kind: "fixed", delay: 3 } },
 *   controls: { none: [], tail_cap: [{ kind: "tail_cap", cap: 2 }] },
 * }, { path: "spec.json" });
 * assert.deepEqual(Object.keys(spec.controls), ["none", "tail_cap"]);
 * await assert.rejects(tailV2SpecFromJson({ profiles: {}, controls: {} }, { path: "x.json" }), /profiles must be non-empty/);
 * ```
 */
export async function tailV2SpecFromJson(
  data: unknown,
  options: { path: string },
): Promise<TailV2Spec> {
  const path = options.path;
  const top = objectAt(data, path, "the spec");
  for (const key of Object.keys(top)) {
    if (!["profiles", "references", "controls"].includes(key)) {
      fail(TypeError, path, key, "one of profiles, references, controls", key);
    }
  }
  const rawProfiles = objectAt(top.profiles, path, "profiles");
  if (Object.keys(rawProfiles).length === 0) {
    fail(RangeError, path, "profiles", "non-empty", rawProfiles);
  }
  checkNames(rawProfiles, path, "profiles");
  const profiles = await profilesFromJson(rawProfiles, { path });
  const rawRefs = objectAt(top.references ?? {}, path, "references");
  for (const name of Object.keys(rawRefs)) {
    if (!Object.hasOwn(profiles, name)) {
      fail(RangeError, path, "references", "keyed by profile names", name);
    }
  }
  const references = await profilesFromJson(rawRefs, { path });
  const rawControls = objectAt(top.controls, path, "controls");
  checkNames(rawControls, path, "controls");
  const none = rawControls.none;
  if (!Array.isArray(none) || none.length !== 0) {
    fail(
      RangeError,
      path,
      "controls",
      'an object with "none": [] (the uncontrolled arm)',
      rawControls,
    );
  }
  if (Object.hasOwn(rawControls, REFERENCE_ARM)) {
    fail(RangeError, path, "controls", `free of "${REFERENCE_ARM}"`, "");
  }
  const controls: Record<string, TransformConfig[]> = {};
  for (const [name, raw] of Object.entries(rawControls)) {
    if (!Array.isArray(raw)) {
      fail(TypeError, path, `controls.${name}`, "an array of transforms", raw);
    }
    controls[name] = raw as TransformConfig[];
    for (const [pname, config] of Object.entries(profiles)) {
      try {
        resolveProfile(withTransforms(config, controls[name]!));
      } catch (e) {
        const Kind = e instanceof RangeError ? RangeError : TypeError;
        throw new Kind(
          `Cannot load tail_v2 spec ${path} as control ${name} on profile ${pname} is invalid: ${
            (e as Error).message
          }`,
        );
      }
    }
  }
  return { profiles, references, controls };
}

/**
 * Reads and validates a tail_v2 specification file (see
 * {@linkcode tailV2SpecFromJson}).
 *
 * @param path The JSON file.
 * @returns The validated spec.
 * @throws {SyntaxError} If the file is not JSON.
 * @throws {TypeError | RangeError} As {@linkcode tailV2SpecFromJson}.
 *
 * @example
 * ```ts
 * import { loadTailV2Spec } from "./tail_v2_spec.ts";
 * import assert from "node:assert/strict";
 * const spec = await loadTailV2Spec("exp/tail_v2.json");
 * assert.ok("none" in spec.controls);
 * ```
 */
export async function loadTailV2Spec(path: string): Promise<TailV2Spec> {
  let data: unknown;
  try {
    data = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new RangeError(
        `Cannot load tail_v2 spec as the file does not exist: current value is "${path}"`,
      );
    }
    throw new SyntaxError(
      `Cannot load tail_v2 spec ${path} as it is not valid JSON: ${
        (e as Error).message
      }`,
    );
  }
  return await tailV2SpecFromJson(data, { path });
}

/**
 * The profile config of an arm: the profile with the control's transforms
 * appended, or (arm {@linkcode REFERENCE_ARM}) the profile's reference.
 *
 * @param spec The spec.
 * @param options Profile and arm (a control name or `reference`).
 * @returns The arm's profile config.
 * @throws {RangeError} If the profile, control or reference does not exist.
 *
 * @example
 * ```ts
 * import { armProfile } from "./tail_v2_spec.ts";
 * import assert from "node:assert/strict";
 * const spec = {
 *   profiles: { p: { kind: "fixed" as const, delay: 3, transforms: [{ kind: "cold_start" as const, extra: 5 }] } },
 *   references: { p: { kind: "fixed" as const, delay: 1 } },
 *   controls: { none: [], tail_cap: [{ kind: "tail_cap" as const, cap: 4 }] },
 * };
 * assert.deepEqual(armProfile(spec, { profile: "p", arm: "tail_cap" }).transforms?.map((t) => t.kind), ["cold_start", "tail_cap"]);
 * assert.deepEqual(armProfile(spec, { profile: "p", arm: "reference" }), { kind: "fixed", delay: 1 });
 * ```
 */
export function armProfile(
  spec: TailV2Spec,
  options: { profile: string; arm: string },
): ProfileConfig {
  const { profile, arm } = options;
  const config = spec.profiles[profile];
  if (!config) {
    throw new RangeError(
      `Cannot build arm as the profile must be one of ${
        Object.keys(spec.profiles).join(", ")
      }: current value is "${profile}"`,
    );
  }
  if (arm === REFERENCE_ARM) {
    const ref = spec.references[profile];
    if (!ref) {
      throw new RangeError(
        `Cannot build arm as profile ${profile} has no reference: current value is "${arm}"`,
      );
    }
    return structuredClone(ref);
  }
  const control = spec.controls[arm];
  if (!control) {
    throw new RangeError(
      `Cannot build arm as the control must be one of ${
        [...Object.keys(spec.controls), REFERENCE_ARM].join(", ")
      }: current value is "${arm}"`,
    );
  }
  return control.length === 0
    ? structuredClone(config)
    : withTransforms(config, control);
}
