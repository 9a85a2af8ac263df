import assert from "node:assert/strict";
import { resolveProfile } from "../latency/resolve.ts";
import { scaleProfile } from "../latency/scale.ts";
import {
  armProfile,
  loadTailV2Spec,
  REFERENCE_ARM,
  tailV2SpecFromJson,
} from "./tail_v2_spec.ts";

const GOOD = {
  profiles: {
    spikes: {
      kind: "bursty",
      dt_ms: 20,
      p_enter: 0.05,
      p_exit: 0.95,
      calm: { median_ms: 30, sigma: 0.3 },
      burst: { median_ms: 150, sigma: 0.3 },
      replicas: "independent",
      transforms: [{ kind: "cold_start", extra: 3 }],
    },
  },
  references: { spikes: { kind: "fixed", delay: 2 } },
  controls: {
    none: [],
    tail_cap: [{ kind: "tail_cap", cap: 4 }],
    hedge: [{ kind: "hedge", k: 2 }],
  },
};

Deno.test("tailV2SpecFromJson() rejects a malformed spec naming the file, field and value", async () => {
  const cases: [unknown, RegExp][] = [
    [[], /x\.json as the spec must be an object/],
    [
      { ...GOOD, extra: 1 },
      /extra must be one of profiles, references, controls/,
    ],
    [{ ...GOOD, profiles: {} }, /profiles must be non-empty/],
    [
      { ...GOOD, profiles: { "a.b": GOOD.profiles.spikes } },
      /profiles names must be \[A-Za-z0-9_-\]\+: current value is "a\.b"/,
    ],
    [
      { ...GOOD, controls: { cap: [] } },
      /"none": \[\] \(the uncontrolled arm\)/,
    ],
    [
      { ...GOOD, controls: { none: [{ kind: "hedge", k: 2 }] } },
      /"none": \[\]/,
    ],
    [
      { ...GOOD, controls: { none: [], reference: [] } },
      /controls must be free of "reference"/,
    ],
    [
      { ...GOOD, controls: { none: [], cap: { kind: "tail_cap" } } },
      /controls\.cap must be an array of transforms/,
    ],
    [
      { ...GOOD, controls: { none: [], cap: [{ kind: "tail_cap", cap: -1 }] } },
      /control cap on profile spikes is invalid: .*cap must be an integer >= 0: current value is -1/,
    ],
    [
      { ...GOOD, references: { other: { kind: "fixed", delay: 1 } } },
      /references must be keyed by profile names: current value is "other"/,
    ],
    [
      { ...GOOD, references: { spikes: { kind: "fixed", delay: -2 } } },
      /profile "spikes" from x\.json: .*delay must be an integer >= 0/,
    ],
  ];
  for (const [data, re] of cases) {
    await assert.rejects(
      tailV2SpecFromJson(data, { path: "x.json" }),
      (e: Error) => {
        assert.match(e.message, re);
        assert.ok(!e.message.includes("\n"));
        return true;
      },
    );
  }
});

Deno.test("armProfile() appends a control after the profile's own transforms and returns the reference", async () => {
  const spec = await tailV2SpecFromJson(GOOD, { path: "x.json" });
  const cap = armProfile(spec, { profile: "spikes", arm: "tail_cap" });
  assert.deepEqual(cap.transforms, [
    { kind: "cold_start", extra: 3 },
    { kind: "tail_cap", cap: 4 },
  ]);
  assert.deepEqual(
    armProfile(spec, { profile: "spikes", arm: "none" }),
    spec.profiles.spikes,
  );
  assert.deepEqual(
    armProfile(spec, { profile: "spikes", arm: REFERENCE_ARM }),
    {
      kind: "fixed",
      delay: 2,
    },
  );
  assert.throws(
    () => armProfile(spec, { profile: "spikes", arm: "drop" }),
    /control must be one of none, tail_cap, hedge, reference: current value is "drop"/,
  );
  assert.throws(
    () => armProfile(spec, { profile: "calm", arm: "none" }),
    /profile must be one of spikes/,
  );
});

// Common random numbers across arms, draw by draw (environment e's i-th
// inference), for every profile and control of the shipped spec, unscaled
// and at realtime's cost: tail_cap is min(none, cap); drop_spike keeps every
// draw at or below its threshold; hedge is at most none (copy 0 is none's
// draw); the reference is fixed.
Deno.test("the shipped spec's arms keep none's draw where the control allows", async () => {
  const spec = await loadTailV2Spec("exp/tail_v2.json");
  assert.ok(Object.keys(spec.profiles).length >= 2);
  for (const scale of [1, 1.384]) {
    for (const profile of Object.keys(spec.profiles)) {
      const draw = (arm: string) =>
        scaleProfile(resolveProfile(armProfile(spec, { profile, arm })), scale)
          .sample(4000, 0, 7);
      const none = draw("none");
      for (const [arm, transforms] of Object.entries(spec.controls)) {
        if (arm === "none") continue;
        const d = draw(arm);
        const t = transforms[0]!;
        for (let i = 0; i < none.length; i++) {
          const what = `${profile} ${arm} x${scale} draw ${i}`;
          if (t.kind === "tail_cap") {
            assert.equal(d[i], Math.min(none[i]!, t.cap), what);
          } else if (t.kind === "drop_spike") {
            if (none[i]! <= t.threshold!) assert.equal(d[i], none[i], what);
          } else if (t.kind === "hedge") assert.ok(d[i]! <= none[i]!, what);
        }
        assert.ok(d.some((x, i) => x !== none[i]), `${profile} ${arm} acts`);
      }
    }
  }
});

Deno.test("the shipped references draw the body from the same uniforms, and the calibration spec loads", async () => {
  const spec = await loadTailV2Spec("exp/tail_v2.json");
  for (const profile of ["spikes", "spikes_cold"]) {
    const none = resolveProfile(spec.profiles[profile]!).sample(20000, 0, 3);
    const ref = resolveProfile(spec.references[profile]!).sample(20000, 0, 3);
    let same = 0;
    for (let i = 1; i < none.length; i++) if (none[i] === ref[i]) same++;
    // every calm draw (95%) is the reference's draw
    assert.ok(same / 20000 > 0.94, `${profile}: ${same} of 20000 identical`);
  }
  const calibration = await loadTailV2Spec("exp/tail_v2_calibration.json");
  assert.deepEqual(Object.keys(calibration.controls), ["none"]);
});
