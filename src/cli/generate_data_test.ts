import assert from "node:assert/strict";
import { readDataset } from "../data/dataset.ts";
import { generateDataMain } from "./generate_data.ts";

Deno.test("generateDataMain() writes a dataset and rejects bad flags with exit code 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out: string[] = [];
    const code = await generateDataMain(
      ["--envs", "2", "--steps", "5", "--out", `${dir}/d.safetensors`],
      { stdout: (l) => out.push(l) },
    );
    assert.equal(code, 0);
    assert.match(out[0]!, /10 transitions/);
    const data = await readDataset(`${dir}/d.safetensors`);
    assert.equal(data.task, "reach_around");
    assert.equal(data.done.length, 10);
    const err: string[] = [];
    assert.equal(
      await generateDataMain(["--noise=-1"], { stderr: (l) => err.push(l) }),
      2,
    );
    assert.match(err[0]!, /--noise as it must be a finite number >= 0/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
