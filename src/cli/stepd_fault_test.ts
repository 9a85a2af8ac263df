import assert from "node:assert/strict";
import { snapshotTree } from "../testing/files.ts";

const MAIN = new URL("../testing/stepd_toy_main.ts", import.meta.url).pathname;
const MATRIX = [
  "--profiles",
  "long_tail",
  "--methods",
  "naive",
  "--seeds",
  "0-1",
];

async function stepD(
  out: string,
  args: string[],
  faultAt?: number,
): Promise<Deno.CommandStatus & { stderr: string }> {
  const env: Record<string, string> = {};
  if (faultAt !== undefined) env.EXP_DELTA_FAULT_AT = String(faultAt);
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--out", out, ...MATRIX, ...args],
    env,
    stdout: "null",
    stderr: "piped",
  }).output();
  return {
    success: r.success,
    code: r.code,
    signal: r.signal,
    stderr: new TextDecoder().decode(r.stderr),
  };
}

/** The output tree with each config.json's timing (wall clock) left out. */
async function outcome(dir: string): Promise<Record<string, string>> {
  const tree = await snapshotTree(dir);
  for (const [path, text] of Object.entries(tree)) {
    if (path.endsWith("config.json")) {
      const { timing: _, ...rest } = JSON.parse(text);
      tree[path] = JSON.stringify(rest);
    }
  }
  return tree;
}

/**
 * Kills a Step D process at write point k = 1, 2, ... (until a process runs
 * to the end), resumes it with `resume` flags, and compares each folder with
 * the uninterrupted one. Four folders at a time.
 */
async function killAtEveryWritePoint(
  root: string,
  setup: (dir: string) => Promise<void>,
  args: string[],
  resume: string[],
  reference: Record<string, string>,
): Promise<number> {
  let points = 0;
  for (let k0 = 1; points === 0; k0 += 4) {
    const ks = [k0, k0 + 1, k0 + 2, k0 + 3];
    const done = await Promise.all(ks.map(async (k) => {
      const dir = `${root}/k${k}`;
      await setup(dir);
      const killed = await stepD(dir, args, k);
      if (killed.success) return true;
      assert.equal(killed.signal, "SIGKILL", `k=${k}: ${killed.stderr}`);
      const resumed = await stepD(dir, resume);
      assert.ok(resumed.success, `k=${k}: ${resumed.stderr}`);
      assert.deepEqual(await outcome(dir), reference, `k=${k}`);
      return false;
    }));
    const first = done.indexOf(true);
    if (first >= 0) points = ks[first]! - 1;
  }
  return points;
}

Deno.test("Step D killed at every write point of a small matrix and resumed ends byte-identical to an uninterrupted run", async () => {
  const root = await Deno.makeTempDir();
  try {
    const args = ["--rollouts", "4"];
    assert.ok((await stepD(`${root}/ref`, args)).success);
    const reference = await outcome(`${root}/ref`);
    assert.equal(Object.keys(reference).length, 7); // 2 runs x 3 files + results_all.csv
    const points = await killAtEveryWritePoint(
      root,
      () => Promise.resolve(),
      args,
      args,
      reference,
    );
    // per run: claim, 3 atomic writes x 2 points, claim released; then results_all.csv
    assert.equal(points, 2 * 8 + 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("Step D --force over finished runs killed at every write point and resumed ends byte-identical", async () => {
  const root = await Deno.makeTempDir();
  try {
    const old = ["--rollouts", "2"];
    const args = ["--rollouts", "4", "--force"];
    assert.ok((await stepD(`${root}/old`, old)).success);
    const before = await snapshotTree(`${root}/old`);
    assert.ok((await stepD(`${root}/ref`, args)).success);
    const reference = await outcome(`${root}/ref`);
    const setup = async (dir: string) => {
      for (const [path, text] of Object.entries(before)) {
        await Deno.mkdir(`${dir}/${path}`.replace(/\/[^/]*$/, ""), {
          recursive: true,
        });
        await Deno.writeTextFile(`${dir}/${path}`, text);
      }
    };
    const points = await killAtEveryWritePoint(
      root,
      setup,
      args,
      args,
      reference,
    );
    // per run: claim, old results removed, 3 atomic writes x 2, claim released
    assert.equal(points, 2 * 9 + 2);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
