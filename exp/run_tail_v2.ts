/**
 * tail_v2: does tail control help? The async evaluator (RTC Algorithm 1,
 * delays per environment) over the profiles, controls and low-latency
 * references of `exp/tail_v2.json` for naive, realtime and training_time
 * (each from its own checkpoint) with cost-coupled latency, paired
 * comparisons against the uncontrolled arm; output `exp_runs/tail_v2`
 * (`--help`). Logic: `tailV2Main` in `src/cli/tail_v2.ts`.
 *
 * @module
 */
import { tailV2Main } from "../src/cli/tail_v2.ts";

if (import.meta.main) {
  Deno.exit(await tailV2Main(Deno.args));
}
