/**
 * Trains a FlowPolicy by flow matching on a demonstration dataset
 * (`deno task train --help`). Logic: `trainMain`
 * in `src/cli/train.ts`.
 *
 * @module
 */
import { trainMain } from "../src/cli/train.ts";

if (import.meta.main) {
  Deno.exit(await trainMain(Deno.args));
}
