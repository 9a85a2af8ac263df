/**
 * The fixed-delay sweep of the RTC paper: solve rate vs delay for every
 * method and execute horizon (`--help` for the options). Logic: `sweepMain`
 * in `src/cli/sweep.ts`.
 *
 * @module
 */
import { sweepMain } from "../src/cli/sweep.ts";

if (import.meta.main) {
  Deno.exit(await sweepMain(Deno.args));
}
