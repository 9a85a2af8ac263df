import assert from "node:assert/strict";
import { REACH_AROUND } from "../envs/mod.ts";
import { taggingSampler } from "../testing/toy_task.ts";
import { formatDelaysCsv, runTailV2 } from "./tail_v2.ts";
import type { TailV2Spec } from "./tail_v2_spec.ts";

const SPEC: TailV2Spec = {
  profiles: {
    p: {
      kind: "mixture",
      base_delays: [1],
      base_probs: [1],
      p_spike: 0.3,
      d_spike: 6,
    },
  },
  references: {},
  controls: { none: [], tail_cap: [{ kind: "tail_cap", cap: 2 }] },
};
const naive = { name: "naive", sampler: taggingSampler(4, 2), checkpoint: "x" };

Deno.test("runTailV2() refuses arms without none and compared methods it does not run, writing nothing", async () => {
  const out = await Deno.makeTempDir();
  try {
    const base = {
      spec: SPEC,
      methods: [naive],
      horizon: 4,
      rollouts: 2,
      out,
      progress: () => {},
    };
    await assert.rejects(
      runTailV2(REACH_AROUND, { ...base, arms: ["tail_cap"] }),
      /arms must include none/,
    );
    await assert.rejects(
      runTailV2(REACH_AROUND, {
        ...base,
        compare: {
          forecaster: { kind: "oracle" },
          profiles: ["p"],
          methods: ["realtime"],
        },
      }),
      /compared method must be a method of the run: current value is "realtime"/,
    );
    assert.deepEqual([...Deno.readDirSync(out)], []);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("runTailV2() runs every arm on one seed: the capped arm's delays are none's capped at 2, and no profile without a reference gets one", async () => {
  const out = await Deno.makeTempDir();
  try {
    await runTailV2(REACH_AROUND, {
      spec: SPEC,
      methods: [naive],
      horizon: 4,
      rollouts: 8,
      out,
      seed: 3,
      progress: () => {},
    });
    const root = `${out}/buffer_max_10`;
    assert.deepEqual(
      [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) =>
        e.name
      ).sort(),
      [
        "p.none",
        "p.tail_cap",
      ],
    );
    const read = (arm: string) =>
      Deno.readTextFile(`${root}/${arm}/naive/seed_3/delays.csv`);
    assert.match(await read("p.none"), /^delay,count\r\n1,\d+\r\n6,\d+\r\n$/);
    assert.match(
      await read("p.tail_cap"),
      /^delay,count\r\n1,\d+\r\n2,\d+\r\n$/,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("formatDelaysCsv() counts each distinct delay in increasing order", () => {
  assert.equal(formatDelaysCsv([]), "delay,count\r\n");
  assert.equal(
    formatDelaysCsv(Int32Array.of(3, 0, 3, 3)),
    "delay,count\r\n0,1\r\n3,3\r\n",
  );
});
