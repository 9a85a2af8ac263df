/**
 * Step D with the toy tagging sampler instead of a checkpoint (H = 4), as a
 * process of its own: the fault-injection tests kill it at a chosen write
 * point (`EXP_DELTA_FAULT_AT`) and resume it.
 *
 * @module
 */
import { stepDMain } from "../cli/stepd.ts";
import { taggingSampler } from "./toy_task.ts";

if (import.meta.main) {
  Deno.exit(
    await stepDMain(Deno.args, {
      samplerFor: () => taggingSampler(4, 2),
      horizon: 4,
    }),
  );
}
