/**
 * Fixed-delay sweep: d = 0..4, s from max(1, d) to H − d, all methods;
 * `exp_runs/sweep/sweep.csv` and `sweep.svg` (solve rate vs delay).
 * `--help` for the options; logic: `sweepMain` in `src/eval/sweep.ts`.
 *
 * @module
 */
import { sweepMain } from "../src/eval/sweep.ts";

if (import.meta.main) {
  Deno.exit(await sweepMain(Deno.args));
}
