import assert from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";

Deno.test("encodeSafetensors()/decodeSafetensors() round-trip F32, I32 and U8 with metadata", () => {
  const bytes = encodeSafetensors([
    ["a", { dtype: "U8", shape: [3], data: Uint8Array.of(1, 2, 3) }],
    ["b", {
      dtype: "F32",
      shape: [2, 2],
      data: Float32Array.of(1.5, -2, 3, 4),
    }],
    ["c", { dtype: "I32", shape: [], data: Int32Array.of(-7) }],
  ], { metadata: { k: "v" } });
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(headerLen % 8, 0);
  const f = decodeSafetensors(bytes);
  assert.deepEqual([...f.tensors.keys()], ["a", "b", "c"]);
  assert.deepEqual(f.tensors.get("b"), {
    dtype: "F32",
    shape: [2, 2],
    data: Float32Array.of(1.5, -2, 3, 4),
  });
  assert.deepEqual(f.tensors.get("c")!.data, Int32Array.of(-7));
  assert.deepEqual(f.metadata, { k: "v" });
});

Deno.test("decodeSafetensors() rejects malformed files naming the source and tensor", () => {
  const good = encodeSafetensors([
    ["w", { dtype: "F32", shape: [2], data: Float32Array.of(1, 2) }],
  ]);
  assert.throws(
    () =>
      decodeSafetensors(good.subarray(0, good.length - 4), { source: "f.st" }),
    /tensor "w" of f\.st as its data_offsets \[0, 8\] lie outside the data section of 4 bytes/,
  );
  const lying = new Uint8Array(good);
  new DataView(lying.buffer).setBigUint64(0, 1000n, true);
  assert.throws(
    () => decodeSafetensors(lying, { source: "f.st" }),
    SyntaxError,
  );
  const header = new TextEncoder().encode(
    JSON.stringify({ w: { dtype: "F16", shape: [1], data_offsets: [0, 2] } }),
  );
  const f16 = new Uint8Array(8 + header.length + 2);
  new DataView(f16.buffer).setBigUint64(0, BigInt(header.length), true);
  f16.set(header, 8);
  assert.throws(
    () => decodeSafetensors(f16, { source: "h.st" }),
    /tensor "w" of h\.st as its dtype must be F32, I32 or U8: current dtype is "F16"/,
  );
  assert.throws(
    () =>
      encodeSafetensors([["x", {
        dtype: "F32",
        shape: [3],
        data: new Float32Array(2),
      }]]),
    TypeError,
  );
});
