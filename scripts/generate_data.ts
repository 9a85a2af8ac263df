/**
 * Expert demonstrations with the evaluation wrapper's 0.1 action noise,
 * written to `exp_runs/data/<task>.safetensors` for `deno task train`
 * (`--help` for the options). Logic: `generateDataMain` in
 * `src/eval/demonstrations.ts`.
 *
 * @module
 */
import { generateDataMain } from "../src/eval/demonstrations.ts";

if (import.meta.main) {
  Deno.exit(await generateDataMain(Deno.args));
}
