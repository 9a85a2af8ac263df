import assert from "node:assert/strict";
import { loadProfiles, loadTraceCsv } from "./load.ts";
import { resolveProfile } from "./resolve.ts";
import { SEED_PROFILES } from "./presets.ts";

const DIR = new URL("./testdata/", import.meta.url).pathname;

Deno.test("loadTraceCsv() reads a numeric column in file order", async () => {
  assert.deepEqual(await loadTraceCsv(`${DIR}trace.csv`), [
    12.5,
    41,
    19.9,
    80,
    20,
  ]);
  assert.deepEqual(await loadTraceCsv(`${DIR}trace.csv`, { column: "t" }), [
    0,
    1,
    2,
    3,
    4,
  ]);
});

Deno.test("loadTraceCsv() names the file, column and row of bad input", async () => {
  await assert.rejects(
    () => loadTraceCsv(`${DIR}trace.csv`, { column: "ms" }),
    (e: Error) =>
      e instanceof TypeError && e.message.includes("trace.csv") &&
      e.message.includes(
        'column must be one of t, latency_ms, note: current value is "ms"',
      ),
  );
  await assert.rejects(
    () => loadTraceCsv(`${DIR}bad_trace.csv`),
    (e: Error) =>
      e instanceof SyntaxError &&
      e.message.includes(
        'bad_trace.csv:3: column latency_ms must be a finite number: current value is "oops"',
      ),
  );
});

Deno.test("loadTraceCsv() refuses a line with a missing cell, naming the file and line", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${tmp}/cut.csv`, "t,latency_ms\n0,41.5\n1\n");
    await assert.rejects(
      () => loadTraceCsv(`${tmp}/cut.csv`),
      (e: Error) =>
        e instanceof SyntaxError &&
        e.message === `${tmp}/cut.csv:3: line has 1 cell, the header has 2`,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("loadProfiles() validates every profile and inlines trace_csv", async () => {
  const profiles = await loadProfiles(`${DIR}profiles.json`);
  assert.deepEqual(Object.keys(profiles), [
    "long_tail",
    "tail_controlled",
    "measured",
  ]);
  assert.deepEqual(profiles.long_tail, SEED_PROFILES.long_tail);
  assert.deepEqual(profiles.tail_controlled, SEED_PROFILES.tail_controlled);
  const measured = profiles.measured!;
  assert.equal(measured.kind, "empirical");
  if (measured.kind === "empirical") {
    assert.deepEqual(measured.samples_ms, [12.5, 41, 19.9, 80, 20]);
  }
  // ceil(ms / 20) in replay order.
  assert.deepEqual([...resolveProfile(measured).sample(6, 0, 0)], [
    1,
    3,
    1,
    4,
    1,
    1,
  ]);
});

Deno.test("loadProfiles() errors name the file, the profile and the field", async () => {
  await assert.rejects(
    () => loadProfiles(`${DIR}bad_probs.json`),
    (e: Error) =>
      e instanceof RangeError &&
      e.message.startsWith(
        `Cannot load profile "broken" from ${DIR}bad_probs.json: `,
      ) &&
      e.message.includes("base_probs must sum to 1: current sum is 0.9"),
  );
  await assert.rejects(
    () => loadProfiles(`${DIR}trace.csv`),
    (e: Error) =>
      e instanceof SyntaxError &&
      e.message.startsWith(`${DIR}trace.csv: invalid JSON (`),
  );
  const tmp = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${tmp}/list.json`, "[1, 2]");
    await assert.rejects(
      () => loadProfiles(`${tmp}/list.json`),
      /must hold an object mapping names to profile configs: current value is an array/,
    );
    await Deno.writeTextFile(
      `${tmp}/missing.json`,
      JSON.stringify({
        m: { kind: "empirical", dt_ms: 20, trace_csv: "nope.csv" },
      }),
    );
    await assert.rejects(
      () => loadProfiles(`${tmp}/missing.json`),
      (e: Error) =>
        e instanceof TypeError &&
        e.message.includes(
          `"m" from ${tmp}/missing.json as trace_csv must name an existing file`,
        ),
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
