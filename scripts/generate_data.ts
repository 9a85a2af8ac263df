/**
 * Expert demonstrations with the evaluation wrapper's action noise,
 * written to `exp_runs/data/<task>.safetensors` (`--help` for the options). Logic: `generateDataMain`
 * in `src/cli/generate_data.ts`.
 *
 * @module
 */
import { generateDataMain } from "../src/cli/generate_data.ts";

if (import.meta.main) {
  Deno.exit(await generateDataMain(Deno.args));
}
