import assert from "node:assert/strict";
import {
  CHECKPOINT_FORMAT,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from "./checkpoint.ts";
import { resolveModelConfig } from "./config.ts";
import { paramLayout, randomParams } from "./params.ts";
import { encodeSafetensors } from "../io/safetensors.ts";

const config = resolveModelConfig({
  channelDim: 8,
  channelHiddenDim: 12,
  tokenHiddenDim: 4,
  numLayers: 2,
  actionChunkSize: 4,
  simulatedDelay: 2,
});
const dims = { obsDim: 3, actionDim: 2 };
const layout = paramLayout(config, dims);
const params = randomParams(layout, { seed: 3, scale: 0.5 });

/** A safetensors file built by hand: reversed tensor order, unpadded header, snake_case config. */
function handBuilt(
  mutate: (t: Record<string, { shape: number[]; data: Float32Array }>) => void =
    () => {},
): Uint8Array {
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const e of layout.entries) {
    tensors[e.name] = {
      shape: [...e.shape],
      data: params.slice(e.offset, e.offset + e.size),
    };
  }
  mutate(tensors);
  const names = Object.keys(tensors).reverse();
  const header: Record<string, unknown> = {};
  let offset = 0;
  const blobs: Uint8Array[] = [];
  for (const n of names) {
    const t = tensors[n]!;
    const b = new Uint8Array(t.data.buffer.slice(0));
    header[n] = {
      dtype: "F32",
      shape: t.shape,
      data_offsets: [offset, offset + b.length],
    };
    blobs.push(b);
    offset += b.length;
  }
  header.__metadata__ = {
    action_dim: "2",
    obs_dim: "3",
    model_config: JSON.stringify({
      simulated_delay: 2,
      action_chunk_size: 4,
      num_layers: 2,
      token_hidden_dim: 4,
      channel_hidden_dim: 12,
      channel_dim: 8,
    }),
  };
  const json = new TextEncoder().encode(JSON.stringify(header) + "x".slice(1));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

Deno.test("saveCheckpoint()/loadCheckpoint() round-trip params, config and metadata atomically", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sub/policy.safetensors`;
  await saveCheckpoint(path, {
    config,
    ...dims,
    params,
    task: "reach_around",
    provenance: { epochs: 3, seed: 1 },
    metadata: { note: "hello" },
  });
  const ck = await loadCheckpoint(path);
  assert.deepEqual(ck.params, params);
  assert.deepEqual(ck.config, config);
  assert.equal(ck.obsDim, 3);
  assert.equal(ck.actionDim, 2);
  assert.equal(ck.task, "reach_around");
  assert.deepEqual(ck.provenance, { epochs: 3, seed: 1 });
  assert.equal(ck.metadata!.note, "hello");
  assert.equal(ck.metadata!.format, CHECKPOINT_FORMAT);
  assert.deepEqual(JSON.parse(ck.metadata!.model_config!), {
    channel_dim: 8,
    channel_hidden_dim: 12,
    token_hidden_dim: 4,
    num_layers: 2,
    action_chunk_size: 4,
    simulated_delay: 2,
  });
  const left = [...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name);
  assert.deepEqual(left, ["policy.safetensors"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("encodeCheckpoint() writes one F32 tensor per parameter in layout order with an 8-byte aligned header", () => {
  const bytes = encodeCheckpoint({ config, ...dims, params });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(n % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const names = Object.keys(header).filter((k) => k !== "__metadata__");
  assert.deepEqual(names, layout.entries.map((e) => e.name));
  assert.deepEqual(header["in_proj.kernel"], {
    dtype: "F32",
    shape: [5, 8],
    data_offsets: [0, 160],
  });
});

Deno.test("decodeCheckpoint() loads a file from another writer (other order and offsets)", () => {
  const ck = decodeCheckpoint(handBuilt(), { source: "other.safetensors" });
  assert.deepEqual(ck.params, params);
  assert.deepEqual(ck.config, config);
  assert.equal(ck.task, undefined);
});

Deno.test("decodeCheckpoint() names the file and tensor on invalid contents", () => {
  const src = { source: "bad.safetensors" };
  assert.throws(
    () => decodeCheckpoint(handBuilt((t) => delete t["out_proj.bias"]), src),
    /bad\.safetensors as tensor "out_proj\.bias" is missing/,
  );
  assert.throws(
    () =>
      decodeCheckpoint(
        handBuilt((t) => {
          t["out_proj.bias"] = { shape: [1, 2], data: new Float32Array(2) };
        }),
        src,
      ),
    /tensor "out_proj\.bias" must have shape \[2\]: current shape is \[1,2\]/,
  );
  assert.throws(
    () =>
      decodeCheckpoint(
        handBuilt((t) => {
          t["extra.kernel"] = { shape: [1], data: new Float32Array(1) };
        }),
        src,
      ),
    /tensor "extra\.kernel" is not a parameter/,
  );
  assert.throws(
    () =>
      decodeCheckpoint(
        handBuilt((t) => {
          t["in_proj.bias"]!.data[3] = NaN;
        }),
        src,
      ),
    /bad\.safetensors as tensor "in_proj\.bias" holds a non-finite value at flat index 3/,
  );
  const ints = encodeSafetensors(
    [["in_proj.bias", {
      dtype: "I32",
      shape: [8],
      data: new Int32Array(8),
    }]],
    {
      metadata: {
        obs_dim: "3",
        action_dim: "2",
        model_config: JSON.stringify(config),
      },
    },
  );
  assert.throws(
    () => decodeCheckpoint(ints, src),
    /tensor "in_proj\.bias" must be F32: current dtype is I32/,
  );
  assert.throws(
    () =>
      decodeCheckpoint(
        encodeSafetensors([], { metadata: { model_config: '{"width": 8}' } }),
        src,
      ),
    /bad\.safetensors as __metadata__\.model_config has an unknown key: current value is "width"/,
  );
  assert.throws(
    () =>
      decodeCheckpoint(
        encodeSafetensors([], { metadata: { model_config: "{}" } }),
        src,
      ),
    /bad\.safetensors as __metadata__\.obs_dim is missing and cannot be inferred/,
  );
});

Deno.test("loadCheckpoint() reports a truncated file by name", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/trunc.safetensors`;
  const bytes = encodeCheckpoint({ config, ...dims, params });
  await Deno.writeFile(path, bytes.subarray(0, bytes.length - 10));
  await assert.rejects(() => loadCheckpoint(path), /trunc\.safetensors/);
  await Deno.remove(dir, { recursive: true });
});
