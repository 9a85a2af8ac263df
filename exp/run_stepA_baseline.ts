/**
 * Step A: baseline sanity check (naive, d = 0, s = 1), as the seed's
 * `exp/run_stepA_baseline.py`: `exp_runs/stepA_baseline/results.csv` and a
 * preview animation (`preview.gif`). `--help` for the options; logic:
 * `stepAMain` in `src/cli/stepa.ts`.
 *
 * @module
 */
import { stepAMain } from "../src/cli/stepa.ts";

if (import.meta.main) {
  Deno.exit(await stepAMain(Deno.args));
}
