import assert from "node:assert/strict";
import { isRunComplete, listRuns, runDirectory } from "./run_folder.ts";
import { provenance } from "./provenance.ts";

Deno.test("runDirectory() rejects unsafe names and bad seeds", () => {
  assert.throws(
    () => runDirectory("r", { profile: "../x", method: "m", seed: 0 }),
    /profile as a folder name .*"\.\.\/x"/,
  );
  assert.throws(
    () => runDirectory("r", { profile: "p", method: "m", seed: -1 }),
    /seed as it must be a non-negative integer: current value is -1/,
  );
});

Deno.test("listRuns() finds finished runs only, sorted by profile, method, numeric seed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const mk = async (p: string, m: string, s: number, done: boolean) => {
      const d = runDirectory(dir, { profile: p, method: m, seed: s });
      await Deno.mkdir(d, { recursive: true });
      await Deno.writeTextFile(`${d}/config.json`, "{}");
      if (done) await Deno.writeTextFile(`${d}/results.csv`, "a\r\n");
    };
    await mk("tail_controlled", "naive", 0, true);
    await mk("long_tail", "realtime", 10, true);
    await mk("long_tail", "realtime", 2, true);
    await mk("long_tail", "naive", 1, false); // killed before results.csv
    assert.deepEqual(await listRuns(dir), [
      { profile: "long_tail", method: "realtime", seed: 2 },
      { profile: "long_tail", method: "realtime", seed: 10 },
      { profile: "tail_controlled", method: "naive", seed: 0 },
    ]);
    assert.equal(
      await isRunComplete(dir, {
        profile: "long_tail",
        method: "naive",
        seed: 1,
      }),
      false,
    );
    assert.deepEqual(await listRuns(`${dir}/nope`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("provenance() records runtime versions and a git commit or null", async () => {
  const p = await provenance({ x: 1 }, { adapter: "cpu reference" });
  assert.equal(p.adapter, "cpu reference");
  assert.ok(p.gitCommit === null || /^[0-9a-f]{40}$/.test(p.gitCommit));
  const outside = await provenance({}, { cwd: "/" });
  assert.equal(outside.gitCommit, null);
  assert.equal(outside.gitDirty, null);
});
