import assert from "node:assert/strict";
import { exists, writeJsonAtomic, writeTextFileAtomic } from "./atomic.ts";

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
