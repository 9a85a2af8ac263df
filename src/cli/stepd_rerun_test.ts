import assert from "node:assert/strict";
import { stepDMain } from "./stepd.ts";
import { taggingSampler } from "../testing/toy_task.ts";
import { capture, snapshotTree } from "../testing/files.ts";

const toy = { samplerFor: () => taggingSampler(4, 2), horizon: 4 };
const one = [
  "--profiles",
  "long_tail",
  "--methods",
  "naive",
  "--seeds",
  "0",
  "--rollouts",
  "8",
];

function dataRows(csv: string): string[] {
  return csv.split("\r\n").slice(1).filter((l) => l !== "");
}

Deno.test("stepDMain() refuses to reuse a finished run made with other settings: one line naming the field, exit 2, nothing written", async () => {
  const root = await Deno.makeTempDir();
  try {
    assert.equal(
      await stepDMain(["--out", root, ...one], { ...capture().opts, ...toy }),
      0,
    );
    const before = await snapshotTree(root);
    const cases: [string[], RegExp][] = [
      [
        ["--rollouts", "16", "--evaluator", "async"],
        /was made with evaluator=scan; this request has evaluator=async/,
      ],
      [
        ["--rollouts", "16"],
        /was made with rollouts=8; this request has rollouts=16/,
      ],
      [
        ["--execute-horizon", "2"],
        /executeHorizon=1; this request has executeHorizon=2/,
      ],
    ];
    for (const [extra, re] of cases) {
      const c = capture();
      const code = await stepDMain(["--out", root, ...one, ...extra], {
        ...c.opts,
        ...toy,
      });
      assert.equal(code, 2, extra.join(" "));
      assert.equal(c.err.length, 1, c.err.join("\n"));
      assert.match(
        c.err[0]!,
        /^run_stepD_tail_v1\.ts: error: run long_tail\/naive\/seed_0 in .* \(use --force to recompute\)$/,
      );
      assert.match(c.err[0]!, re);
      assert.deepEqual(await snapshotTree(root), before);
    }
    // --force recomputes with the new settings.
    const forced = capture();
    assert.equal(
      await stepDMain(["--out", root, ...one, "--rollouts", "16", "--force"], {
        ...forced.opts,
        ...toy,
      }),
      0,
    );
    const all = await Deno.readTextFile(`${root}/results_all.csv`);
    assert.match(dataRows(all)[0]!, /,scan,16,4,/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepDMain() writes exactly the requested matrix into results_all.csv, in plan order", async () => {
  const root = await Deno.makeTempDir();
  try {
    const base = ["--out", root, "--profiles", "long_tail", "--rollouts", "4"];
    const c = capture();
    const all = [...base, "--methods", "realtime,naive", "--seeds", "1,0"];
    assert.equal(await stepDMain(all, { ...c.opts, ...toy }), 0);
    const rows = dataRows(await Deno.readTextFile(`${root}/results_all.csv`));
    assert.deepEqual(
      rows.map((r) => r.split(",").slice(0, 3).join(",")),
      [
        "long_tail,realtime,1",
        "long_tail,realtime,0",
        "long_tail,naive,1",
        "long_tail,naive,0",
      ],
    );
    const sub = [...base, "--methods", "naive", "--seeds", "1"];
    const again = capture();
    assert.equal(await stepDMain(sub, { ...again.opts, ...toy }), 0);
    assert.match(again.out[0]!, /0 run\(s\) computed, 1 skipped; 1 rows/);
    const only = dataRows(await Deno.readTextFile(`${root}/results_all.csv`));
    assert.deepEqual(only, [rows[2]]);
    // --merge merges what its flags request.
    const merged = capture();
    assert.equal(
      await stepDMain([...all, "--merge"], { ...merged.opts, ...toy }),
      0,
    );
    assert.deepEqual(
      dataRows(await Deno.readTextFile(`${root}/results_all.csv`)),
      rows,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepDMain() --merge validates every flag first and refuses a run that is missing or made with other settings", async () => {
  const root = await Deno.makeTempDir();
  try {
    assert.equal(
      await stepDMain(["--out", root, ...one], { ...capture().opts, ...toy }),
      0,
    );
    const before = await snapshotTree(root);
    const cases: [string[], RegExp][] = [
      [["--rollouts", "0", "--methods", "bogus"], /--methods|--rollouts/],
      [["--rollouts", "16"], /rollouts=8; this request has rollouts=16/],
      [["--seeds", "0,1"], /seed_1 in .* is not finished/],
    ];
    for (const [extra, re] of cases) {
      const c = capture();
      const code = await stepDMain(
        ["--out", root, ...one, ...extra, "--merge"],
        { ...c.opts, ...toy },
      );
      assert.equal(code, 2, extra.join(" "));
      assert.equal(c.err.length, 1, c.err.join("\n"));
      assert.match(c.err[0]!, /^run_stepD_tail_v1\.ts: error: /);
      assert.match(c.err[0]!, re);
      assert.deepEqual(await snapshotTree(root), before);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepDMain() reads run folders without a fingerprint (older versions) in --merge and refuses to skip them without --force", async () => {
  const root = await Deno.makeTempDir();
  try {
    assert.equal(
      await stepDMain(["--out", root, ...one], { ...capture().opts, ...toy }),
      0,
    );
    const run = `${root}/long_tail/naive/seed_0`;
    const config = JSON.parse(await Deno.readTextFile(`${run}/config.json`));
    delete config.fingerprint;
    await Deno.writeTextFile(`${run}/config.json`, JSON.stringify(config));
    await Deno.remove(`${run}/rollouts.csv`);
    const all = await Deno.readTextFile(`${root}/results_all.csv`);
    await Deno.remove(`${root}/results_all.csv`);

    const merged = capture();
    assert.equal(
      await stepDMain(["--out", root, ...one, "--merge"], {
        ...merged.opts,
        ...toy,
      }),
      0,
    );
    assert.equal(await Deno.readTextFile(`${root}/results_all.csv`), all);
    assert.match(merged.err.join("\n"), /1 run\(s\) have no fingerprint/);
    // A legacy run whose own columns disagree with the request is refused.
    const wrong = capture();
    assert.equal(
      await stepDMain(["--out", root, ...one, "--rollouts", "16", "--merge"], {
        ...wrong.opts,
        ...toy,
      }),
      2,
    );
    assert.match(wrong.err[0]!, /rollouts=8; this request has rollouts=16/);

    const rerun = capture();
    assert.equal(
      await stepDMain(["--out", root, ...one], { ...rerun.opts, ...toy }),
      2,
    );
    assert.match(
      rerun.err[0]!,
      /error: run long_tail\/naive\/seed_0 in .* has no fingerprint \(made by an older version\); use --force to recompute it$/,
    );
    const forced = capture();
    assert.equal(
      await stepDMain(["--out", root, ...one, "--force"], {
        ...forced.opts,
        ...toy,
      }),
      0,
    );
    assert.ok(
      JSON.parse(await Deno.readTextFile(`${run}/config.json`)).fingerprint,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
