/**
 * The fixed-delay sweep of the RTC paper: solve rate vs delay d (execute
 * horizon s = max(d, 1)) for every method and the expert bounds, with paired
 * differences to naive (`--help` for the options). Logic: `sweepMain`
 * in `src/cli/sweep.ts`.
 *
 * @module
 */
import { sweepMain } from "../src/cli/sweep.ts";

if (import.meta.main) {
  Deno.exit(await sweepMain(Deno.args));
}
