// Validation of the `transforms` list of a profile config into plan stages
// (see `_plan.ts` for the block allocation of each stage).

import { type Finite, MAX_TRANSFORMS, ONE, type Stage } from "./_plan.ts";
import {
  checkLength,
  checkNum,
  expectObject,
  fieldError,
  num,
  rejectUnknown,
} from "./_validate.ts";
import type { TransformConfig } from "./types.ts";

const TRANSFORMS = ["tail_cap", "drop_spike", "hedge", "cold_start"] as const;
const STEP = { min: 0, integer: true };
const PROB = { min: 0, max: 1 };
const MAX_WIDTH = 1 << 20;

/** Validates `transforms`; returns the stages, the blocks per draw and the normalised configs. */
export function resolveStages(
  raw: unknown,
  kind: string,
  mixtureBase: Finite | null,
  maxBase: number,
): { stages: Stage[]; width: number; configs: TransformConfig[] } {
  const what = `${kind} profile`;
  if (raw === undefined) return { stages: [], width: 1, configs: [] };
  if (!Array.isArray(raw)) {
    throw fieldError(TypeError, what, "transforms", "an array", raw);
  }
  checkLength(raw.length, MAX_TRANSFORMS, what, "transforms");
  const stages: Stage[] = [];
  const configs: TransformConfig[] = [];
  let width = 1;
  raw.forEach((item, i) => {
    const at = `transforms[${i}]`;
    const t = expectObject(item, what, at);
    const tk = t.kind;
    if (typeof tk !== "string") {
      throw fieldError(TypeError, what, `${at}.kind`, "a string", tk);
    }
    if (!(TRANSFORMS as readonly string[]).includes(tk)) {
      throw fieldError(
        RangeError,
        what,
        `${at}.kind`,
        `one of ${TRANSFORMS.join(", ")}`,
        tk,
      );
    }
    const pre = `${at}.`;
    switch (tk as TransformConfig["kind"]) {
      case "tail_cap": {
        rejectUnknown(t, ["kind", "cap"], what, pre);
        const cap = num(t, "cap", STEP, what, pre);
        stages.push({ kind: "tail_cap", cap });
        configs.push({ kind: "tail_cap", cap });
        break;
      }
      case "cold_start": {
        rejectUnknown(t, ["kind", "extra"], what, pre);
        const extra = num(t, "extra", STEP, what, pre);
        stages.push({ kind: "cold_start", extra });
        configs.push({ kind: "cold_start", extra });
        break;
      }
      case "hedge": {
        rejectUnknown(t, ["kind", "k"], what, pre);
        const k = num(t, "k", { min: 1, max: 16, integer: true }, what, pre);
        stages.push({ kind: "hedge", k, widthUp: width });
        configs.push({ kind: "hedge", k });
        width *= k;
        break;
      }
      case "drop_spike": {
        rejectUnknown(t, ["kind", "p", "threshold"], what, pre);
        const p = num(t, "p", PROB, what, pre);
        let threshold: number;
        if (t.threshold === undefined && mixtureBase) threshold = maxBase;
        else {
          if (t.threshold === undefined) {
            throw fieldError(
              TypeError,
              what,
              `${pre}threshold`,
              "an integer >= 0 (required unless the profile is a mixture)",
              undefined,
            );
          }
          threshold = checkNum(t.threshold, STEP, what, `${pre}threshold`);
        }
        const direct = mixtureBase && threshold >= maxBase ? mixtureBase : null;
        stages.push({
          kind: "drop_spike",
          pT: Math.round(p * ONE),
          threshold,
          direct,
          widthUp: width,
        });
        configs.push(
          t.threshold === undefined
            ? { kind: "drop_spike", p }
            : { kind: "drop_spike", p, threshold },
        );
        width += direct ? 2 : 9;
        break;
      }
    }
    if (width > MAX_WIDTH) {
      throw new RangeError(
        `Cannot create ${what} as ${at} makes the pipeline use more than ${MAX_WIDTH} draws per delay: current count is ${width}`,
      );
    }
  });
  return { stages, width, configs };
}
