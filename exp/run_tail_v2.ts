/**
 * The tail_v2 preset of Step D: the asynchronous evaluator (RTC Algorithm 1
 * with a buffer_max:10 forecaster, starvation counted) over the profiles of
 * `exp/tail_v2_profiles.json` (the seed's two, lognormal, Pareto and bursty
 * latency with tail control: cap, hedging, spike dropping) and the methods
 * naive, realtime, hard_masking, bid; output `exp_runs/tail_v2`. Every flag
 * of `run_stepD_tail_v1.ts` works here too (`--help`). Summarise with
 * `deno task summarize --root exp_runs/tail_v2`.
 *
 * @module
 */
import { STEPD_DEFAULTS, stepDMain } from "../src/cli/stepd.ts";

/** The tail_v2 defaults. */
export const TAIL_V2_DEFAULTS = {
  ...STEPD_DEFAULTS,
  profiles: new URL("./tail_v2_profiles.json", import.meta.url).pathname,
  methods: "naive,realtime,hard_masking,bid",
  evaluator: "async" as const,
  out: "exp_runs/tail_v2",
};

if (import.meta.main) {
  Deno.exit(
    await stepDMain(Deno.args, {
      name: "run_tail_v2.ts",
      defaults: TAIL_V2_DEFAULTS,
    }),
  );
}
