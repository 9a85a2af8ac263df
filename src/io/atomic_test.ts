import assert from "node:assert/strict";
import {
  exists,
  removeStaleTempFiles,
  writeJsonAtomic,
  writeTextFileAtomic,
} from "./atomic.ts";

Deno.test("writeTextFileAtomic() replaces the file and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeTextFileAtomic(`${dir}/sub/x.csv`, "a\n");
    await writeTextFileAtomic(`${dir}/sub/x.csv`, "b\n");
    assert.equal(await Deno.readTextFile(`${dir}/sub/x.csv`), "b\n");
    const names = [...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name);
    assert.deepEqual(names, ["x.csv"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeTextFileAtomic() concurrent writers leave one complete version", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const texts = Array.from({ length: 8 }, (_, i) => `${i}`.repeat(10000));
    await Promise.all(texts.map((t) => writeTextFileAtomic(`${dir}/f`, t)));
    assert.ok(texts.includes(await Deno.readTextFile(`${dir}/f`)));
    assert.equal([...Deno.readDirSync(dir)].length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeJsonAtomic() writes indented JSON; mkdirs: false requires the folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeJsonAtomic(`${dir}/c.json`, { a: [1, 2] });
    assert.equal(
      await Deno.readTextFile(`${dir}/c.json`),
      '{\n  "a": [\n    1,\n    2\n  ]\n}\n',
    );
    await assert.rejects(
      writeJsonAtomic(`${dir}/missing/c.json`, {}, { mkdirs: false }),
      Deno.errors.NotFound,
    );
    assert.equal(await exists(`${dir}/missing`), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("removeStaleTempFiles() removes what dead writers of this host left, and old ones of any host, and nothing else", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", ""],
      stdout: "null",
    }).spawn();
    await child.status;
    await Deno.mkdir(`${dir}/a/b`, { recursive: true });
    const tag = (await import("./_process.ts")).hostTag();
    const files = {
      dead: `${dir}/a/results.csv.${tag}-${child.pid}.1.ab.tmp`,
      live: `${dir}/a/results.csv.${tag}-${Deno.pid}.2.ab.tmp`,
      otherHost: `${dir}/a/config.json.0badc0de-${child.pid}.1.ff.tmp`,
      otherHostOld: `${dir}/a/b/rollouts.csv.0badc0de-1.1.ff.tmp`,
      oldFormatOld: `${dir}/results_all.csv.${child.pid}.4.99.tmp`,
      oldFormatNew: `${dir}/summary.csv.${child.pid}.5.99.tmp`,
      notOurs: `${dir}/a/notes.tmp`,
    };
    for (const f of Object.values(files)) await Deno.writeTextFile(f, "");
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    for (const f of [files.otherHostOld, files.oldFormatOld]) {
      await Deno.utime(f, old, old);
    }
    const removed = await removeStaleTempFiles(dir);
    assert.deepEqual(
      removed.sort(),
      [files.dead, files.otherHostOld, files.oldFormatOld].sort(),
    );
    for (
      const f of [
        files.live,
        files.otherHost,
        files.oldFormatNew,
        files.notOurs,
      ]
    ) {
      assert.ok(await exists(f), f);
    }
    assert.deepEqual(await removeStaleTempFiles(`${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
