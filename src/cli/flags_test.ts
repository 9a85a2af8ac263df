import assert from "node:assert/strict";
import { benchStepDMain } from "./bench_stepd.ts";
import { daggerDataMain } from "./dagger_data.ts";
import { evalPolicyMain } from "./eval_policy.ts";
import { generateDataMain } from "./generate_data.ts";
import { stepAMain } from "./stepa.ts";
import { stepDMain } from "./stepd.ts";
import { summarizeMain } from "./summarize.ts";
import { sweepMain } from "./sweep.ts";
import { trainMain } from "./train.ts";
import { capture } from "../testing/files.ts";

type Main = (
  argv: string[],
  options: { stdout?: (l: string) => void; stderr?: (l: string) => void },
) => Promise<number>;

const MAINS: [string, Main][] = [
  ["bench_stepd.ts", benchStepDMain as Main],
  ["dagger_data.ts", daggerDataMain as Main],
  ["eval_policy.ts", evalPolicyMain as Main],
  ["generate_data.ts", generateDataMain as Main],
  ["run_stepA_baseline.ts", stepAMain as Main],
  ["run_stepD_tail_v1.ts", stepDMain as Main],
  ["summarize_tail_v1.ts", summarizeMain as Main],
  ["sweep.ts", sweepMain as Main],
  ["train.ts", trainMain as Main],
];

Deno.test("every command refuses an unknown flag or a stray argument with one error line and exit code 2", async () => {
  for (const [name, main] of MAINS) {
    for (const argv of [["--bogus-flag"], ["stray"]]) {
      const c = capture();
      const code = await main(argv, c.opts);
      assert.equal(code, 2, `${name} ${argv[0]}`);
      assert.equal(c.err.length, 1, `${name}: ${c.err.join("\n")}`);
      assert.match(
        c.err[0]!,
        new RegExp(`^${name.replace(".", "\\.")}: error: `),
      );
      assert.ok(!c.err[0]!.includes("\n"), c.err[0]);
      assert.deepEqual(c.out, []);
    }
  }
});
