import assert from "node:assert/strict";
import { checkOutputDir, prepareOutputDir } from "./out_dir.ts";

Deno.test("checkOutputDir() accepts a writable or creatable folder and refuses a file, a path under a file, and a missing folder when it may not be created", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await checkOutputDir(dir);
    await checkOutputDir(`${dir}/a/b/c`);
    assert.deepEqual([...Deno.readDirSync(dir)], []); // nothing left behind
    await Deno.writeTextFile(`${dir}/f`, "x");
    await assert.rejects(
      checkOutputDir(`${dir}/f`),
      new RangeError(
        `Cannot use --out as "${dir}/f" is not a directory: current value is "${dir}/f"`,
      ),
    );
    await assert.rejects(
      checkOutputDir(`${dir}/f/sub`, { flag: "--root" }),
      /^RangeError: Cannot use --root as ".*\/f" is not a directory/,
    );
    await assert.rejects(
      checkOutputDir(`${dir}/missing`, { flag: "--root", create: false }),
      /--root as the folder does not exist/,
    );
    await assert.rejects(checkOutputDir(""), /--out as it is empty/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkOutputDir() refuses a folder it cannot write", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let target = `${dir}/ro`;
    if (Deno.uid() === 0) target = "/sys"; // root ignores modes; sysfs does not
    else {
      await Deno.mkdir(target);
      await Deno.chmod(target, 0o555);
    }
    try {
      (await Deno.open(`${target}/probe`, { createNew: true, write: true }))
        .close();
      await Deno.remove(`${target}/probe`);
      return; // writable after all here: nothing to test
    } catch {
      // expected
    }
    await assert.rejects(
      checkOutputDir(`${target}/runs`),
      /--out as ".*" cannot be written \(permission denied\)/,
    );
  } finally {
    await Deno.chmod(`${dir}/ro`, 0o755).catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("prepareOutputDir() creates the folder and clears stale temporary files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/runs/p`, { recursive: true });
    const stale = `${dir}/runs/p/results.csv.1.1.ab.tmp`;
    await Deno.writeTextFile(stale, "");
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    await Deno.utime(stale, old, old);
    assert.deepEqual(await prepareOutputDir(`${dir}/runs`), [stale]);
    assert.deepEqual(await prepareOutputDir(`${dir}/new`), []);
    assert.ok((await Deno.stat(`${dir}/new`)).isDirectory);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
