/**
 * Step D: the tail-latency matrix (profile × method × seed), as the seed's
 * `exp/run_stepD_tail_v1.py`. Defaults: long_tail + tail_controlled × naive +
 * realtime × seeds 0-4, 256 rollouts, s = 1, scan evaluator, task
 * reach_around, checkpoint `exp_runs/checkpoints/<task>/plain_h4.safetensors` (H = 4).
 * Run with `--help` for the options; the logic is `stepDMain` in
 * `src/cli/stepd.ts`.
 *
 * @module
 */
import { stepDMain } from "../src/cli/stepd.ts";

if (import.meta.main) {
  Deno.exit(await stepDMain(Deno.args));
}
