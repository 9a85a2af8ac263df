import assert from "node:assert/strict";
import { stepDMain } from "./stepd.ts";
import { taggingSampler } from "../testing/toy_task.ts";
import { capture } from "../testing/files.ts";

const toy = { samplerFor: () => taggingSampler(4, 2), horizon: 4 };

Deno.test("stepDMain() refuses a profile over the size limits at validation, in one line", async () => {
  const root = await Deno.makeTempDir();
  try {
    const n = 100_000;
    const path = `${root}/profiles.json`;
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        huge: {
          kind: "mixture",
          base_delays: Array.from({ length: n }, (_, i) => i % 4),
          base_probs: new Array(n).fill(1 / n),
          p_spike: 0.05,
          d_spike: 4,
        },
      }),
    );
    const c = capture();
    const out = `${root}/out`;
    const args = ["--out", out, "--profiles", path, "--seeds", "0"];
    assert.equal(await stepDMain(args, { ...c.opts, ...toy }), 2);
    assert.equal(c.err.length, 1, c.err.join("\n"));
    assert.match(
      c.err[0]!,
      /^run_stepD_tail_v1\.ts: error: .*base_delays must have at most 65536 entries: current length is 100000$/,
    );
    await assert.rejects(Deno.stat(out), Deno.errors.NotFound);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("stepDMain() says when the scan evaluator clips a profile's delays to the chunk length and records it in config.json", async () => {
  const root = await Deno.makeTempDir();
  try {
    const path = `${root}/profiles.json`;
    const spiky = {
      kind: "mixture",
      base_delays: [0, 1],
      base_probs: [0.8, 0.2],
      p_spike: 0.5,
      d_spike: 6,
    };
    await Deno.writeTextFile(path, JSON.stringify({ spiky }));
    const args = ["--profiles", path, "--methods", "naive", "--seeds", "0"];
    const scan = capture();
    const out = `${root}/scan`;
    assert.equal(
      await stepDMain(["--out", out, ...args, "--rollouts", "2"], {
        ...scan.opts,
        ...toy,
      }),
      0,
    );
    const notices = scan.err.filter((l) => l.includes("notice:"));
    assert.deepEqual(notices, [
      "run_stepD_tail_v1.ts: notice: profile spiky draws delays up to 6, above the chunk length H = 4; the scan evaluator clips them to 4 (d_p* and p_violate count the clipped delays; recorded as delayClip in config.json)",
    ]);
    const config = JSON.parse(
      await Deno.readTextFile(`${out}/spiky/naive/seed_0/config.json`),
    );
    assert.deepEqual(config.config.delayClip, { at: 4, profileMax: 6 });
    assert.equal(config.config.profile.d_spike, 6);
    const csv = await Deno.readTextFile(`${out}/results_all.csv`);
    assert.match(csv.split("\r\n")[1]!, /,4\.0,/); // d_p99 is the clipped 4

    // The async evaluator does not clip: a delay above H starves the robot.
    const asy = capture();
    assert.equal(
      await stepDMain(
        [
          "--out",
          `${root}/async`,
          ...args,
          "--rollouts",
          "2",
          "--evaluator",
          "async",
        ],
        { ...asy.opts, ...toy },
      ),
      0,
    );
    assert.deepEqual(asy.err.filter((l) => l.includes("notice:")), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
