/**
 * Records a latency trace: wall-clock times of consecutive B = 1
 * inferences of a checkpoint (`--help` for the options). Logic:
 * `recordTraceMain` in `src/cli/record_trace.ts`.
 *
 * @module
 */
import { recordTraceMain } from "../src/cli/record_trace.ts";

if (import.meta.main) {
  Deno.exit(await recordTraceMain(Deno.args));
}
