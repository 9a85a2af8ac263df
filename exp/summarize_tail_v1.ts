/**
 * Step E: `summary.csv`, `summary.md` (the seed's format) and SVG figures
 * from `exp_runs/tail_v1/results_all.csv` (`--root` for another matrix, e.g.
 * `exp_runs/tail_v2`). Logic: `summarizeMain` in `src/cli/summarize.ts`.
 *
 * @module
 */
import { summarizeMain } from "../src/cli/summarize.ts";

if (import.meta.main) {
  Deno.exit(await summarizeMain(Deno.args));
}
