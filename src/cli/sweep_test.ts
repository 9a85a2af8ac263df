import assert from "node:assert/strict";
import { taggingSampler } from "../testing/toy_task.ts";
import { sweepMain } from "./sweep.ts";

Deno.test("sweepMain() runs the (d, s) grid and writes sweep.csv and sweep.svg", async () => {
  const out = await Deno.makeTempDir();
  try {
    const lines: string[] = [];
    const code = await sweepMain([
      "--out",
      out,
      "--rollouts",
      "2",
      "--delays",
      "0-2",
      "--methods",
      "naive,realtime",
    ], {
      stdout: (l) => lines.push(l),
      stderr: () => {},
      samplerFor: () => taggingSampler(4, 2),
      horizon: 4,
    });
    assert.equal(code, 0);
    // (d, s) pairs for H = 4, d <= 2: 8 pairs x 2 methods.
    assert.match(lines[0]!, /^sweep\.ts: 16 points/);
    const csv = await Deno.readTextFile(`${out}/sweep.csv`);
    assert.match(csv, /\r\nfixed_2,naive,0,reach_around,2,2,/);
    assert.match(await Deno.readTextFile(`${out}/sweep.svg`), /^<svg/);
    const bad: string[] = [];
    assert.equal(
      await sweepMain(["--out", out, "--delays", "5-6"], {
        stderr: (l) => bad.push(l),
        samplerFor: () => taggingSampler(4, 2),
        horizon: 4,
      }),
      2,
    );
    assert.match(bad[0]!, /no \(d, s\) pair/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
