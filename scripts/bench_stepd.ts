/**
 * Step D speed benchmark: one run per method and engine, printed as a
 * Markdown table (`--help` for the options). Logic: `benchStepDMain`
 * in `src/cli/bench_stepd.ts`.
 *
 * @module
 */
import { benchStepDMain } from "../src/cli/bench_stepd.ts";

if (import.meta.main) {
  Deno.exit(await benchStepDMain(Deno.args));
}
