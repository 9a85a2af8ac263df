/**
 * A checkpoint in upstream naming (flax paths, snake_case `model_config`
 * without `simulated_delay`, no `obs_dim` / `action_dim`) loads and its
 * float32 CPU forward pass matches a float64 reference of upstream
 * `model.py` written here from the network's definition
 * (`docs/SEMANTICS.md` §2): it reads the tensors by name and shares no code
 * with `src/policy` (no layout, offsets or kernels).
 */
import assert from "node:assert/strict";
import { getBackend } from "../gpu/backend.ts";
import { encodeSafetensors, type SafeTensor } from "../io/safetensors.ts";
import { loadCheckpoint } from "./checkpoint.ts";
import { createNet } from "./net.ts";

/** Largest |f32 forward − f64 reference| accepted. */
const UPSTREAM_ATOL = 1e-4;

const C = 16, HC = 32, HT = 8, L = 2, H = 4, O = 5, A = 3, B = 3;

/** A small deterministic generator (independent of src/rng). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

type Tensors = Map<string, { shape: number[]; data: Float32Array }>;

function upstreamTensors(seed: number): Tensors {
  const rand = lcg(seed);
  const t: Tensors = new Map();
  const add = (name: string, shape: number[], scale: number) => {
    const n = shape.reduce((a, b) => a * b, 1);
    t.set(name, {
      shape,
      data: Float32Array.from({ length: n }, () => scale * rand()),
    });
  };
  const dense = (name: string, i: number, o: number, bias: boolean) => {
    add(`${name}.kernel`, [i, o], 2 / Math.sqrt(i));
    if (bias) add(`${name}.bias`, [o], 0.2);
  };
  // Reverse of the order in which src/policy lays them out.
  dense("out_proj", C, A, true);
  dense("final_adaln", C, 2 * C, true);
  dense("time_mlp.layers.2", C, C, true);
  dense("time_mlp.layers.0", C, C, true);
  for (let l = L - 1; l >= 0; l--) {
    const p = `mlp_stack.${l}.`;
    dense(p + "adaln_2", C, 3 * C, true);
    dense(p + "adaln_1", C, 3 * C, true);
    dense(p + "channel_mix_out", HC, C, false);
    dense(p + "channel_mix_in", C, HC, false);
    dense(p + "token_mix_out", HT, H, false);
    dense(p + "token_mix_in", H, HT, false);
  }
  dense("in_proj", A + O, C, true);
  return t;
}

// FLOAT64 REFERENCE OF UPSTREAM model.py
type Mat = number[][];

function dense(t: Tensors, name: string, x: Mat): Mat {
  const k = t.get(`${name}.kernel`)!;
  const b = t.get(`${name}.bias`);
  const [n, m] = k.shape as [number, number];
  return x.map((row) => {
    const out = new Array<number>(m).fill(0);
    for (let j = 0; j < m; j++) {
      let acc = b ? b.data[j]! : 0;
      for (let i = 0; i < n; i++) acc += row[i]! * k.data[i * m + j]!;
      out[j] = acc;
    }
    return out;
  });
}
const swish = (v: number) => v / (1 + Math.exp(-v));
const gelu = (v: number) =>
  0.5 * v *
  (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
const map = (x: Mat, f: (v: number) => number) => x.map((r) => r.map(f));
function layerNorm(row: number[]): number[] {
  const mean = row.reduce((a, b) => a + b, 0) / row.length;
  const v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
  return row.map((x) => (x - mean) / Math.sqrt(v + 1e-6));
}
const transpose = (x: Mat) => x[0]!.map((_, j) => x.map((r) => r[j]!));

function reference(
  t: Tensors,
  obs: number[],
  xt: Mat,
  time: number[],
): Mat {
  // posemb_sincos(time, C, min_period 4e-3, max_period 4.0)
  const emb = time.map((tau) => {
    const half = C / 2;
    const s: number[] = [], c: number[] = [];
    for (let j = 0; j < half; j++) {
      const period = 4e-3 * (4.0 / 4e-3) ** (j / (half - 1));
      s.push(Math.sin((tau * 2 * Math.PI) / period));
      c.push(Math.cos((tau * 2 * Math.PI) / period));
    }
    return [...s, ...c];
  });
  const temb = map(
    dense(
      t,
      "time_mlp.layers.2",
      map(dense(t, "time_mlp.layers.0", emb), swish),
    ),
    swish,
  );
  let x = dense(t, "in_proj", xt.map((a) => [...a, ...obs]));
  const modulate = (row: number[], mod: number[], k: number, n: number) =>
    layerNorm(row).map((v, i) =>
      v * (1 + mod[k * n + i]!) + mod[(k + 1) * n + i]!
    );
  for (let l = 0; l < L; l++) {
    const p = `mlp_stack.${l}.`;
    const m1 = dense(t, p + "adaln_1", temb); // scale, shift, gate
    const m2 = dense(t, p + "adaln_2", temb);
    // TOKEN MIX
    let y = x.map((row, h) => modulate(row, m1[h]!, 0, C));
    y = transpose(
      dense(
        t,
        p + "token_mix_out",
        map(dense(t, p + "token_mix_in", transpose(y)), gelu),
      ),
    );
    x = x.map((row, h) =>
      row.map((r, i) => r + m1[h]![2 * C + i]! * y[h]![i]!)
    );
    // CHANNEL MIX
    let z = x.map((row, h) => modulate(row, m2[h]!, 0, C));
    z = dense(
      t,
      p + "channel_mix_out",
      map(dense(t, p + "channel_mix_in", z), gelu),
    );
    x = x.map((row, h) =>
      row.map((r, i) => r + m2[h]![2 * C + i]! * z[h]![i]!)
    );
  }
  const fm = dense(t, "final_adaln", temb); // scale, shift
  x = x.map((row, h) => modulate(row, fm[h]!, 0, C));
  return dense(t, "out_proj", x);
}

Deno.test("loadCheckpoint() loads an upstream-named checkpoint without simulated_delay and matches a float64 reference of upstream model.py", async () => {
  const tensors = upstreamTensors(7);
  const bytes = encodeSafetensors(
    [...tensors].map(([name, { shape, data }]): [string, SafeTensor] => [
      name,
      { dtype: "F32", shape, data },
    ]),
    {
      metadata: {
        model_config: JSON.stringify({
          channel_dim: C,
          channel_hidden_dim: HC,
          token_hidden_dim: HT,
          num_layers: L,
          action_chunk_size: H,
        }),
      },
    },
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/upstream.safetensors`, bytes);
    const ck = await loadCheckpoint(`${dir}/upstream.safetensors`);
    assert.equal(ck.config.simulatedDelay, null);
    assert.deepEqual([ck.obsDim, ck.actionDim], [O, A]);
    const net = await createNet(await getBackend({ backend: "cpu" }), ck);
    const rand = lcg(99);
    const obs = Float32Array.from({ length: B * O }, () => 2 * rand());
    const xt = Float32Array.from({ length: B * H * A }, () => 2 * rand());
    const time = Float32Array.from({ length: B * H }, () => rand() + 0.5);
    const v = await net.forward({ batch: B, obs, xt, time });
    let worst = 0;
    for (let b = 0; b < B; b++) {
      const want = reference(
        tensors,
        [...obs.subarray(b * O, (b + 1) * O)],
        Array.from(
          { length: H },
          (_, h) => [...xt.subarray((b * H + h) * A, (b * H + h + 1) * A)],
        ),
        [...time.subarray(b * H, (b + 1) * H)],
      );
      for (let h = 0; h < H; h++) {
        for (let a = 0; a < A; a++) {
          const got = v[(b * H + h) * A + a]!;
          worst = Math.max(worst, Math.abs(got - want[h]![a]!));
        }
      }
    }
    assert.ok(worst <= UPSTREAM_ATOL, `max |f32 - f64 reference| = ${worst}`);
    assert.ok(worst > 0, "the reference is computed, not copied");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadCheckpoint() still rejects an upstream-named checkpoint with a wrong shape, name or dtype in one line", async () => {
  const config = JSON.stringify({
    channel_dim: C,
    channel_hidden_dim: HC,
    token_hidden_dim: HT,
    num_layers: L,
    action_chunk_size: H,
  });
  const write = async (edit: (t: [string, SafeTensor][]) => void) => {
    const list: [string, SafeTensor][] = [...upstreamTensors(1)].map((
      [name, { shape, data }],
    ) => [name, { dtype: "F32", shape, data }]);
    edit(list);
    const dir = await Deno.makeTempDir();
    const path = `${dir}/bad.safetensors`;
    await Deno.writeFile(
      path,
      encodeSafetensors(list, { metadata: { model_config: config } }),
    );
    return path;
  };
  const cases: [(t: [string, SafeTensor][]) => void, RegExp][] = [
    [(t) => {
      const i = t.findIndex(([n]) => n === "mlp_stack.0.token_mix_in.kernel");
      t[i] = [t[i]![0], { dtype: "F32", shape: [HT, H], data: t[i]![1].data }];
    }, /tensor "mlp_stack\.0\.token_mix_in\.kernel" must have shape \[4,8\]/],
    [(t) => {
      t[0] = ["output_proj.kernel", t[0]![1]];
    }, /tensor "output_proj\.kernel" is not a parameter/],
    [(t) => {
      const i = t.findIndex(([n]) => n === "final_adaln.bias");
      t[i] = [t[i]![0], {
        dtype: "I32",
        shape: [2 * C],
        data: new Int32Array(2 * C),
      }];
    }, /tensor "final_adaln\.bias" must be F32: current dtype is I32/],
  ];
  for (const [edit, message] of cases) {
    const path = await write(edit);
    const error = await loadCheckpoint(path).then(() => null, (e) => e);
    assert.ok(error instanceof Error);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n/);
    await Deno.remove(path.replace(/\/bad\.safetensors$/, ""), {
      recursive: true,
    });
  }
});
