import assert from "node:assert/strict";
import { CLAIM_FILE, claimFolder } from "./claim.ts";
import { hostName } from "./_process.ts";

async function deadPid(): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", ""],
    stdout: "null",
  }).spawn();
  await child.status;
  return child.pid;
}

async function plant(dir: string, holder: object, ageSeconds = 0) {
  const path = `${dir}/${CLAIM_FILE}`;
  await Deno.writeTextFile(path, JSON.stringify(holder));
  const t = new Date(Date.now() - 1000 * ageSeconds);
  await Deno.utime(path, t, t);
}

Deno.test("claimFolder() gives a folder to one claimant at a time and releases it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => claimFolder(`${dir}/run`)),
    );
    const held = results.filter((r) => "release" in r);
    assert.equal(held.length, 1);
    for (const r of results) {
      if ("heldBy" in r) assert.equal(r.heldBy?.pid, Deno.pid);
    }
    const claim = JSON.parse(
      await Deno.readTextFile(`${dir}/run/${CLAIM_FILE}`),
    );
    assert.equal(claim.host, hostName());
    await held[0]!.release();
    assert.deepEqual([...Deno.readDirSync(`${dir}/run`)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("claimFolder() takes over the claim of a dead process on this host, or an old one from another host, and leaves a fresh one alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const since = new Date().toISOString();
    await plant(dir, { pid: await deadPid(), host: hostName(), since });
    const a = await claimFolder(dir);
    assert.ok("release" in a, "dead process: taken over");
    await a.release();

    await plant(dir, { pid: 1, host: "elsewhere", since }, 30);
    const b = await claimFolder(dir, { staleAfterSeconds: 600 });
    assert.ok(
      "heldBy" in b && b.heldBy?.host === "elsewhere",
      "fresh: left alone",
    );
    const c = await claimFolder(dir, { staleAfterSeconds: 10 });
    assert.ok("release" in c, "not refreshed for 30 s > 10 s: taken over");
    await c.release();

    await Deno.writeTextFile(`${dir}/${CLAIM_FILE}`, '{"pi'); // cut short
    const d = await claimFolder(dir);
    assert.ok(
      "heldBy" in d && d.heldBy === null,
      "unreadable and new: left alone",
    );
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(`${dir}/${CLAIM_FILE}`, old, old);
    const e = await claimFolder(dir);
    assert.ok("release" in e, "unreadable and old: taken over");
    await e.release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
