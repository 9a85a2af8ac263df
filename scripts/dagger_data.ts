/**
 * DAgger-style relabelling: the expert labels states a trained policy
 * visits, appended to a demonstration dataset (`--help` for the options). Logic: `daggerDataMain`
 * in `src/cli/dagger_data.ts`.
 *
 * @module
 */
import { daggerDataMain } from "../src/cli/dagger_data.ts";

if (import.meta.main) {
  Deno.exit(await daggerDataMain(Deno.args));
}
