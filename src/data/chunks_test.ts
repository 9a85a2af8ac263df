import assert from "node:assert/strict";
import {
  batchStarts,
  epochPermutation,
  gatherChunks,
  stepsPerEpoch,
} from "./chunks.ts";
import type { DemoDataset } from "./dataset.ts";

const data: DemoDataset = {
  task: "t",
  obsDim: 1,
  actionDim: 2,
  obs: Float32Array.of(10, 11, 12, 13, 14),
  actions: Float32Array.of(1, -1, 2, -2, 3, -3, 4, -4, 5, -5),
  done: Uint8Array.of(0, 0, 1, 0, 1),
  solved: new Uint8Array(5),
};

Deno.test("gatherChunks() takes H consecutive actions and zeroes those after an episode end", () => {
  const b = gatherChunks(data, { starts: [0, 1, 2, 3, 4], horizon: 3 });
  assert.deepEqual([...b.obs], [10, 11, 12, 13, 14]);
  assert.deepEqual([...b.actions], [
    1,
    -1,
    2,
    -2,
    3,
    -3, // 0..2, episode ends at 2 (kept)
    2,
    -2,
    3,
    -3,
    0,
    0, // 3 belongs to the next episode
    3,
    -3,
    0,
    0,
    0,
    0,
    4,
    -4,
    5,
    -5,
    0,
    0, // past the end of the data
    5,
    -5,
    0,
    0,
    0,
    0,
  ]);
  assert.throws(
    () => gatherChunks(data, { starts: [5], horizon: 3 }),
    /starts\[0\] must be an integer in \[0, 5\): current value is 5/,
  );
});

Deno.test("epochPermutation() is a deterministic, epoch-dependent shuffle", () => {
  const a = epochPermutation(50, { seed: 7, epoch: 0 });
  assert.deepEqual([...a].sort((x, y) => x - y), [...Array(50).keys()]);
  assert.deepEqual(a, epochPermutation(50, { seed: 7, epoch: 0 }));
  assert.notDeepEqual(a, epochPermutation(50, { seed: 7, epoch: 1 }));
  assert.notDeepEqual(a, epochPermutation(50, { seed: 8, epoch: 0 }));
});

Deno.test("batchStarts() splits an epoch into disjoint batches", () => {
  const p = epochPermutation(10, { seed: 1, epoch: 0 });
  assert.equal(stepsPerEpoch(10, 3), 3);
  const seen = new Set<number>();
  for (let k = 0; k < 3; k++) {
    for (const s of batchStarts(p, { step: k, batchSize: 3 })) seen.add(s);
  }
  assert.equal(seen.size, 9);
});
