import assert from "node:assert/strict";
import { parseCsv } from "../io/csv.ts";
import { pairedDifference } from "./paired.ts";
import {
  forecasterComparisons,
  formatTailV2Csv,
  TAIL_V2_COLUMNS,
  type TailV2Arm,
  tailV2Rows,
} from "./tail_v2_table.ts";
import { pairedPower, tailV2Markdown } from "./tail_v2_report.ts";

// A toy matrix: 2 profiles x 3 arms x 2 methods x 2 forecasters, 400
// rollouts, outcomes from a fixed LCG so the pairs are partly concordant.
const N = 400;

function outcomes(seed: number, p: number, base?: Uint8Array): Uint8Array {
  let x = seed;
  const out = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const u = x / 2 ** 32;
    // with a base: keep its outcome 80% of the time (correlated pairs)
    out[i] = base && u < 0.8 ? base[i]! : (u * 7919) % 1 < p ? 1 : 0;
  }
  return out;
}

function arm(over: Partial<TailV2Arm>, solved: Uint8Array): TailV2Arm {
  return {
    task: "reach_around",
    profile: "spikes",
    control: "none",
    method: "naive",
    forecaster: "buffer_max:10",
    seed: 0,
    solved,
    pStarve: 0.01,
    dP50: 1,
    dP95: 2,
    dP99: 5,
    latencyScale: 1,
    dtMs: 40,
    delays: [{ delay: 1, count: 10 }],
    ...over,
  };
}

function toyMatrix(): TailV2Arm[] {
  const arms: TailV2Arm[] = [];
  let s = 1;
  for (const forecaster of ["buffer_max:10", "quantile:0.9:20"]) {
    for (const profile of ["spikes", "trace"]) {
      for (const method of ["naive", "realtime"]) {
        const none = outcomes(s++, 0.5);
        arms.push(arm({ forecaster, profile, method }, none));
        arms.push(
          arm(
            { forecaster, profile, method, control: "tail_cap" },
            outcomes(s++, 0.7, none),
          ),
        );
        arms.push(
          arm(
            { forecaster, profile, method, control: "reference" },
            outcomes(s++, 0.9, none),
          ),
        );
      }
    }
  }
  return arms.reverse(); // any order in
}

Deno.test("tailV2Rows() pairs every arm with none of the same task, profile, method, forecaster and seed", () => {
  const arms = toyMatrix();
  const rows = tailV2Rows(arms);
  assert.equal(rows.length, arms.length);
  // sorted: forecaster, profile, method, then none, controls, reference
  assert.deepEqual(
    rows.slice(0, 3).map((r) => [r.forecaster, r.profile, r.method, r.control]),
    [
      ["buffer_max:10", "spikes", "naive", "none"],
      ["buffer_max:10", "spikes", "naive", "tail_cap"],
      ["buffer_max:10", "spikes", "naive", "reference"],
    ],
  );
  for (const r of rows) {
    const mine = arms.find((a) =>
      a.forecaster === r.forecaster && a.profile === r.profile &&
      a.method === r.method && a.control === r.control
    )!;
    const none = arms.find((a) =>
      a.forecaster === r.forecaster && a.profile === r.profile &&
      a.method === r.method && a.control === "none"
    )!;
    const expected = r.control === "none"
      ? { diff: 0, lower: 0, upper: 0, pValue: 1, phi: 1 }
      : pairedDifference(mine.solved, none.solved);
    assert.equal(r.diff_vs_none, expected.diff);
    assert.equal(r.diff_lo, expected.lower);
    assert.equal(r.diff_hi, expected.upper);
    assert.equal(r.p_mcnemar, expected.pValue);
    assert.equal(r.phi, expected.phi);
    assert.equal(r.rollouts, N);
    assert.ok(r.solved_lo <= r.solved && r.solved <= r.solved_hi);
  }
  const capped = rows.find((r) => r.control === "tail_cap")!;
  assert.ok(capped.phi > 0.5, `correlated pairs: phi ${capped.phi}`);
  assert.ok(capped.diff_lo > 0, "a resolved improvement");
});

Deno.test("tailV2Rows() leaves the difference empty without a none arm and refuses unequal rollouts", () => {
  const lone = tailV2Rows([
    arm({ control: "hedge" }, Uint8Array.of(1, 0)),
  ]);
  assert.ok(Number.isNaN(lone[0]!.diff_vs_none));
  const csv = parseCsv(formatTailV2Csv(lone));
  assert.deepEqual(csv.columns, [...TAIL_V2_COLUMNS]);
  assert.equal(csv.rows[0]!.diff_vs_none, "");
  assert.equal(csv.rows[0]!.solved, "0.5");
  assert.throws(
    () =>
      tailV2Rows([
        arm({}, Uint8Array.of(1, 0)),
        arm({ control: "hedge" }, Uint8Array.of(1, 0, 1)),
      ]),
    /same rollouts: current values are 3 and 2/,
  );
});

Deno.test("forecasterComparisons() pairs each arm of another forecaster with the main one", () => {
  const arms = toyMatrix();
  const c = forecasterComparisons(arms, { main: "buffer_max:10" });
  assert.equal(c.length, arms.length / 2);
  for (const x of c) {
    assert.equal(x.versus, "buffer_max:10");
    assert.equal(x.forecaster, "quantile:0.9:20");
    assert.ok(x.diff_lo <= x.diff && x.diff <= x.diff_hi);
  }
});

Deno.test("tailV2Markdown() states the tail's cost, each control's verdict, the bar and the power", () => {
  const rows = tailV2Rows(toyMatrix());
  const md = tailV2Markdown(rows, {
    comparisons: forecasterComparisons(toyMatrix(), { main: "buffer_max:10" }),
    main: "buffer_max:10",
    notes: ["Command: `deno task tail_v2`"],
  });
  assert.match(md, /^# tail_v2: does tail control help\?\n\nCommand:/);
  assert.match(md, /## reach_around \(forecaster buffer_max:10\)/);
  assert.match(
    md,
    /- reach_around \/ spikes \/ naive: the tail costs 0\.\d+ \[0\.\d+, 0\.\d+\] against the reference .*tail_cap \+0\.\d+ \[0\.\d+, 0\.\d+\] \(helps, p/,
  );
  assert.match(
    md,
    /Controls recovering at least 0\.05 with the paired 95% interval above 0: tail_cap recovers/,
  );
  assert.match(md, /## Forecasters \(paired, each against buffer_max:10\)/);
  assert.match(md, /## Power of the paired design/);
  const power = pairedPower(rows);
  assert.equal(power.comparisons, 16);
  assert.ok(power.medianDiscordant > 0 && power.medianDiscordant < 0.5);
});
