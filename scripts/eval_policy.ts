/**
 * Solve rate of a checkpoint under one method, delay and execute horizon
 * (scan evaluator; `--help` for the options). Logic: `evalPolicyMain`
 * in `src/cli/eval_policy.ts`.
 *
 * @module
 */
import { evalPolicyMain } from "../src/cli/eval_policy.ts";

if (import.meta.main) {
  Deno.exit(await evalPolicyMain(Deno.args));
}
