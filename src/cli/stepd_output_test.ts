import assert from "node:assert/strict";
import { stepDMain } from "./stepd.ts";
import { stepAMain } from "./stepa.ts";
import { summarizeMain } from "./summarize.ts";
import { taggingSampler } from "../testing/toy_task.ts";
import { capture, deadPid, snapshotTree } from "../testing/files.ts";
import type { ChunkSampler } from "../eval/types.ts";

const one = [
  "--profiles",
  "long_tail",
  "--methods",
  "naive",
  "--seeds",
  "0",
  "--rollouts",
  "4",
];

/** Test samplers that count the runs they compute (first chunks). */
function counting(delayMs = 0) {
  const runs: number[] = [];
  const tag = taggingSampler(4, 2);
  const sampler: ChunkSampler = async (req) => {
    if (Number(req.counter) === 0) runs.push(1);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    return tag(req);
  };
  return { runs, opts: { samplerFor: () => sampler, horizon: 4 } };
}

Deno.test("stepDMain() refuses an --out that is a file, or a folder it cannot write, before computing anything", async () => {
  const root = await Deno.makeTempDir();
  try {
    const file = `${root}/plain.txt`;
    await Deno.writeTextFile(file, "x");
    const targets: [string, RegExp][] = [
      [file, /--out .*is not a directory/],
      [`${file}/sub`, /--out .*is not a directory/],
    ];
    if (Deno.uid() !== 0) {
      await Deno.mkdir(`${root}/ro`);
      await Deno.chmod(`${root}/ro`, 0o555);
      targets.push([`${root}/ro`, /--out .*permission denied/i]);
      targets.push([`${root}/ro/sub`, /--out .*permission denied/i]);
    } else {
      // root ignores file modes; sysfs refuses new files even to root.
      try {
        (await Deno.open("/sys/exp_delta_probe", {
          createNew: true,
          write: true,
        }))
          .close();
      } catch (e) {
        if (e instanceof Deno.errors.PermissionDenied) {
          targets.push(["/sys", /--out .*permission denied/i]);
        }
      }
    }
    for (const [out, re] of targets) {
      const c = capture();
      const count = counting();
      const code = await stepDMain(["--out", out, ...one], {
        ...c.opts,
        ...count.opts,
      });
      assert.equal(code, 2, out);
      assert.equal(c.err.length, 1, c.err.join("\n"));
      assert.match(c.err[0]!, /^run_stepD_tail_v1\.ts: error: /);
      assert.match(c.err[0]!, re);
      assert.equal(count.runs.length, 0);
    }
  } finally {
    await Deno.chmod(`${root}/ro`, 0o755).catch(() => {});
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepDMain() removes the temporary files a killed writer left in --out, and nothing else", async () => {
  const root = await Deno.makeTempDir();
  try {
    const c = capture();
    const args = ["--out", root, ...one];
    assert.equal(await stepDMain(args, { ...c.opts, ...counting().opts }), 0);
    const before = await snapshotTree(root);
    const run = `${root}/long_tail/naive/seed_0`;
    const pid = await deadPid();
    const orphan = `${run}/results.csv.${pid}.1.5f3a9c01.tmp`;
    await Deno.writeTextFile(orphan, "profile,method\r\nlong_");
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    await Deno.utime(orphan, old, old);
    const rootOrphan = `${root}/results_all.csv.${pid}.3.77.tmp`;
    await Deno.writeTextFile(rootOrphan, "");
    await Deno.utime(rootOrphan, old, old);
    await Deno.writeTextFile(`${root}/notes.tmp`, "mine");
    await Deno.writeTextFile(`${run}/draft.1.2.3.tmp.txt`, "mine");
    const again = capture();
    assert.equal(
      await stepDMain(args, { ...again.opts, ...counting().opts }),
      0,
    );
    assert.deepEqual(await snapshotTree(root), {
      ...before,
      "notes.tmp": "mine",
      "long_tail/naive/seed_0/draft.1.2.3.tmp.txt": "mine",
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepDMain() twice at once on one --out computes every run exactly once, and both merge the whole matrix", async () => {
  const root = await Deno.makeTempDir();
  try {
    const args = [
      "--out",
      root,
      "--profiles",
      "long_tail,tail_controlled",
      "--methods",
      "naive,realtime",
      "--seeds",
      "0-1",
      "--rollouts",
      "2",
    ];
    const a = counting(2);
    const b = counting(2);
    const ca = capture();
    const cb = capture();
    const codes = await Promise.all([
      stepDMain(args, { ...ca.opts, ...a.opts }),
      stepDMain(args, { ...cb.opts, ...b.opts }),
    ]);
    assert.deepEqual(codes, [0, 0], [...ca.err, ...cb.err].join("\n"));
    assert.equal(a.runs.length + b.runs.length, 8);
    assert.ok(a.runs.length > 0 && b.runs.length > 0);
    const rows = (await Deno.readTextFile(`${root}/results_all.csv`))
      .split("\r\n").filter((l) => l !== "");
    assert.equal(rows.length, 9);
    for (const line of [...ca.out, ...cb.out]) {
      assert.match(line, /; 8 rows in /);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepAMain() and summarizeMain() refuse an output folder that is a file, in one line", async () => {
  const root = await Deno.makeTempDir();
  try {
    const file = `${root}/plain.txt`;
    await Deno.writeTextFile(file, "x");
    const a = capture();
    const sampler = taggingSampler(4, 2);
    assert.equal(
      await stepAMain(["--out", file, "--rollouts", "2"], {
        ...a.opts,
        sampler,
      }),
      2,
    );
    assert.equal(a.err.length, 1, a.err.join("\n"));
    assert.match(
      a.err[0]!,
      /^run_stepA_baseline\.ts: error: Cannot use --out as .* is not a directory/,
    );
    const s = capture();
    assert.equal(
      await summarizeMain(["--root", file, "--input", file], s.opts),
      2,
    );
    assert.equal(s.err.length, 1, s.err.join("\n"));
    assert.match(s.err[0]!, /^summarize_tail_v1\.ts: error: /);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
