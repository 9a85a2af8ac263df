/**
 * Per-step traces of fixed-delay evaluations, summarised per method, delay
 * and lookahead (`--help`); logic: `traceMain` in `src/cli/trace.ts`.
 *
 * @module
 */
import { traceMain } from "../src/cli/trace.ts";

if (import.meta.main) {
  Deno.exit(await traceMain(Deno.args));
}
