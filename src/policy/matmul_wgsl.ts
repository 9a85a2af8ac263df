/**
 * Matmul kernel generators for the policy network: a scalar skeleton (odd
 * shapes) and vec4 skeletons `x@W`, `x@Wᵀ` and weight gradients `Xᵀ@G`,
 * each taking its operand loads and epilogue as WGSL snippets.
 *
 * @module
 */

import type { NetShape } from "./forward_cpu.ts";
import { MM_UNIFORMS, prelude, range, VEC4_FNS } from "./_wgsl_util.ts";

export interface MatmulSpec {
  bindings: string;
  /** Expression for A[row, k] (row clamped in-bounds, `z` = workgroup z). */
  loadA: (row: string, k: string) => string;
  /** Expression for B[k, col]. */
  loadB: (k: string, col: string) => string;
  /** Optional second product term. */
  loadA2?: (row: string, k: string) => string;
  loadB2?: (k: string, col: string) => string;
  /** Statements storing `acc` at (row, col) (both in bounds). */
  epilogue: (row: string, col: string, acc: string) => string;
  /** When true, workgroup z is a split of the reduction range. */
  split: boolean;
}

/** Output rows each matmul invocation accumulates (uniform across its workgroup). */
export const MM_ROWS = 8;

export const T = Array.from({ length: MM_ROWS }, (_, i) => i);

/**
 * Matmul skeleton laid out for SIMD-on-CPU (llvmpipe) and for GPUs alike:
 * the invocations of a workgroup own consecutive output columns (override
 * `WX` wide), and each accumulates the same MM_ROWS rows. The A operand
 * address depends only on the workgroup and the loop counter, so it is
 * uniform (one scalar load broadcast to all lanes on llvmpipe, a broadcast on
 * a GPU); the B operand is read at consecutive addresses across lanes.
 */
export function matmul(s: NetShape, spec: MatmulSpec): string {
  const lines: string[] = [];
  lines.push(`let rb = ${spec.loadB("k", "c0")};`);
  if (spec.loadB2) lines.push(`let sb = ${spec.loadB2("k", "c0")};`);
  for (const i of T) {
    const extra = spec.loadA2 ? ` + ${spec.loadA2(`r${i}`, "k")} * sb` : "";
    lines.push(`a${i} = a${i} + ${spec.loadA(`r${i}`, "k")} * rb${extra};`);
  }
  const stores: string[] = T.map((i) =>
    `if (row0 + ${i}u < u.rows) { ${
      spec.epilogue(`(row0 + ${i}u)`, "col", `a${i}`)
    } }`
  );
  const range = spec.split
    ? "let kb = z * u.split; let ke = min(u.red, kb + u.split);"
    : "let kb = 0u; let ke = u.red;";
  return /* wgsl */ `${prelude(s)}
${MM_UNIFORMS.wgsl}
@group(0) @binding(0) var<uniform> u: MM;
${spec.bindings}
override WX: u32 = 64u;
@compute @workgroup_size(WX)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let z = wg.z;
  let col = wg.x * WX + lid.x;
  let row0 = wg.y * ${MM_ROWS}u;
  let c0 = min(col, u.cols - 1u);
  let rl = u.rows - 1u;
  ${T.map((i) => `let r${i} = min(row0 + ${i}u, rl);`).join(" ")}
  ${T.map((i) => `var a${i} = 0.0;`).join(" ")}
  ${range}
  for (var k = kb; k < ke; k = k + 1u) {
    ${lines.join("\n    ")}
  }
  if (col < u.cols) {
    ${stores.join("\n    ")}
  }
}
`;
}

/**
 * Rows per workgroup and vec4 column groups per invocation of the vec4
 * kernels. On llvmpipe every storage load (scalar or vec4, uniform or not)
 * costs tens of FMAs, so the register blocks are large (spills go to the
 * stack, which is cheap by comparison): a 16×8 block per invocation loads
 * 16 + 8 vec4s per 512 FMAs (an 8×8 block: 8 + 8 per 256). Larger blocks
 * (24×8, 16×16) ran another ~10% faster but LLVM's compile time grows fast
 * with the block (uncached llvmpipe compiles are already tens of seconds
 * for the test suite's shapes).
 */
export const MM4 = {
  /** `mm4*`: rows per workgroup (uniform A), vec4 column groups per invocation. */
  nn: { rows: 16, groups: 2 },
  /** `mmt4*`: rows per workgroup, scalar columns per invocation. */
  nt: { rows: 8, cols: 2 },
  /** `wgrad4*`: output rows per workgroup (multiple of 4), vec4 column groups per invocation. */
  tn: { rows: 16, groups: 2 },
} as const;

export interface Mm4Spec {
  bindings: string;
  /** vec4 of A[row, 4·k4 .. 4·k4+3]. */
  loadA4: (row: string, k4: string) => string;
  /** Statements storing vec4 `acc` at (row, vec4 column group g). */
  epilogue: (row: string, g: string, acc: string) => string;
}

/**
 * `out[r, 4g..4g+3] = Σ_k A[r,k]·W[k, 4g..4g+3]` with W = params (vec4 view)
 * at `(wOff + z·zW)/4`, `[red, cols]` row-major. The summation runs in k
 * order, as in the CPU reference. Loads are vec4: on llvmpipe every load is
 * a gather whatever its width, so wide loads and a 16×8 register block keep
 * the FMA units busy.
 */
export function mm4(s: NetShape, spec: Mm4Spec): string {
  const { rows: TM, groups: TC } = MM4.nn;
  const R = range(TM), G = range(TC);
  const body: string[] = [];
  for (const j of G) {
    for (const q of [0, 1, 2, 3]) {
      body.push(`let b${q}_${j} = params4[kb + ${q}u * c4n + gc${j}];`);
    }
  }
  for (const i of R) {
    body.push(`{ let x = ${spec.loadA4(`r${i}`, "k4")};`);
    for (const j of G) {
      body.push(
        `  a${i}_${j} = a${i}_${j} + x.x * b0_${j} + x.y * b1_${j} + x.z * b2_${j} + x.w * b3_${j};`,
      );
    }
    body.push("}");
  }
  // the epilogue (activations are long once inlined) runs in a loop over
  // rows, not unrolled, to keep llvmpipe's compile time down
  const stores = [
    `var acc: array<vec4<f32>, ${TM * TC}>;`,
    ...R.flatMap((i) => G.map((j) => `acc[${i * TC + j}] = a${i}_${j};`)),
    `for (var i = 0u; i < ${TM}u; i = i + 1u) {`,
    `    if (row0 + i >= u.rows) { break; }`,
    ...G.map((j) =>
      `    if (g${j} < c4n) { ${
        spec.epilogue("(row0 + i)", `g${j}`, `acc[i * ${TC}u + ${j}u]`)
      } }`
    ),
    "  }",
  ];
  return /* wgsl */ `${prelude(s)}
${VEC4_FNS}
${MM_UNIFORMS.wgsl}
@group(0) @binding(0) var<uniform> u: MM;
@group(0) @binding(1) var<storage, read> params4: array<vec4<f32>>;
${spec.bindings}
override WX: u32 = 8u;
@compute @workgroup_size(WX)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let z = wg.z;
  let c4n = u.cols / 4u;
  let rq = u.red / 4u;
  let gb = wg.x * WX * ${TC}u + lid.x;
  ${
    G.map((j) =>
      `let g${j} = gb + ${j}u * WX; let gc${j} = min(g${j}, c4n - 1u);`
    ).join("\n  ")
  }
  let row0 = wg.y * ${TM}u;
  let rl = u.rows - 1u;
  ${R.map((i) => `let r${i} = min(row0 + ${i}u, rl);`).join(" ")}
  ${
    R.map((i) => G.map((j) => `var a${i}_${j} = vec4<f32>(0.0);`).join(" "))
      .join("\n  ")
  }
  let wb = (u.wOff + z * u.zW) / 4u;
  for (var k4 = 0u; k4 < rq; k4 = k4 + 1u) {
    let kb = wb + k4 * 4u * c4n;
    ${body.join("\n    ")}
  }
  let bias4 = wb + rq * 4u * c4n;
  ${stores.join("\n  ")}
}
`;
}

export interface Mmt4Spec {
  bindings: string;
  loadA4: (row: string, k4: string) => string;
  /** Optional second term: A2 (vec4) and W2 (vec4 view of params at `aux2/4`). */
  second?: boolean;
  /** Statements storing scalar `acc` at (row, col). */
  epilogue: (row: string, col: string, acc: string) => string;
}

/**
 * `out[r, c] = Σ_k A[r,k]·W[c,k]` (a product with a transposed kernel, W =
 * params at `wOff`, `[cols, red]` row-major), k in order.
 */
export function mmt4(s: NetShape, spec: Mmt4Spec): string {
  const { rows: TM, cols: TC } = MM4.nt;
  const R = range(TM), G = range(TC);
  const body: string[] = [];
  for (const j of G) {
    body.push(`let w${j} = params4[wb + cc${j} * rq + k4];`);
    if (spec.second) body.push(`let v${j} = params4[wb2 + cc${j} * rq + k4];`);
  }
  for (const i of R) {
    body.push(`{ let x = ${spec.loadA4(`r${i}`, "k4")};`);
    if (spec.second) body.push(`  let y = src4[u.aux / 4u + r${i} * rq + k4];`);
    for (const j of G) {
      const second = spec.second
        ? ` + y.x * v${j}.x + y.y * v${j}.y + y.z * v${j}.z + y.w * v${j}.w`
        : "";
      body.push(
        `  a${i}_${j} = a${i}_${j} + x.x * w${j}.x + x.y * w${j}.y + x.z * w${j}.z + x.w * w${j}.w${second};`,
      );
    }
    body.push("}");
  }
  const stores = G.map((j) =>
    `if (c${j} < u.cols) {\n${
      R.map((i) =>
        `    if (row0 + ${i}u < u.rows) { ${
          spec.epilogue(`(row0 + ${i}u)`, `c${j}`, `a${i}_${j}`)
        } }`
      ).join("\n")
    }\n  }`
  );
  return /* wgsl */ `${prelude(s)}
${MM_UNIFORMS.wgsl}
@group(0) @binding(0) var<uniform> u: MM;
@group(0) @binding(1) var<storage, read> params4: array<vec4<f32>>;
${spec.bindings}
override WX: u32 = 8u;
@compute @workgroup_size(WX)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let rq = u.red / 4u;
  let cb = wg.x * WX * ${TC}u + lid.x;
  ${
    G.map((j) =>
      `let c${j} = cb + ${j}u * WX; let cc${j} = min(c${j}, u.cols - 1u);`
    ).join("\n  ")
  }
  let row0 = wg.y * ${TM}u;
  let rl = u.rows - 1u;
  ${R.map((i) => `let r${i} = min(row0 + ${i}u, rl);`).join(" ")}
  ${R.map((i) => G.map((j) => `var a${i}_${j} = 0.0;`).join(" ")).join("\n  ")}
  let wb = u.wOff / 4u;
  let wb2 = u.aux2 / 4u;
  for (var k4 = 0u; k4 < rq; k4 = k4 + 1u) {
    ${body.join("\n    ")}
  }
  ${stores.join("\n  ")}
}
`;
}

export interface Wgrad4Spec {
  bindings: string;
  /** vec4 of G[n, 4g..4g+3]. */
  loadG4: (n: string, g: string) => string;
}

/**
 * Weight gradient `partial[z][k, 4g..] = Σ_{n in slice z} X[n,k]·G[n, 4g..]`
 * with X (`xs4`, `[red, K]` at `aOff`, K = rows − bias) and G `[red, cols]`;
 * when `flags & 1` row K is the bias (X = 1). n in order within a slice.
 */
export function wgrad4(s: NetShape, spec: Wgrad4Spec): string {
  const { rows: TM, groups: TC } = MM4.tn;
  const Q = range(TM / 4), G = range(TC);
  const body: string[] = [];
  for (const j of G) body.push(`let g${j}v = ${spec.loadG4("n", `gc${j}`)};`);
  for (const q of Q) {
    body.push(
      `{ let x = select(xs4[xb + n * k4n + min(q0 + ${q}u, k4l)], bias, q0 + ${q}u >= k4n);`,
    );
    for (const t of [0, 1, 2, 3]) {
      const c = "xyzw"[t];
      for (const j of G) {
        const i = 4 * q + t;
        body.push(`  a${i}_${j} = a${i}_${j} + x.${c} * g${j}v;`);
      }
    }
    body.push("}");
  }
  const stores = G.map((j) =>
    `if (g${j} < c4n) {\n${
      range(TM).map((i) =>
        `    if (row0 + ${i}u < u.rows) { out4[ob + (row0 + ${i}u) * c4n + g${j}] = a${i}_${j}; }`
      ).join("\n")
    }\n  }`
  );
  return /* wgsl */ `${prelude(s)}
${MM_UNIFORMS.wgsl}
@group(0) @binding(0) var<uniform> u: MM;
${spec.bindings}
override WX: u32 = 8u;
@compute @workgroup_size(WX)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let z = wg.z;
  let c4n = u.cols / 4u;
  let gb = wg.x * WX * ${TC}u + lid.x;
  ${
    G.map((j) =>
      `let g${j} = gb + ${j}u * WX; let gc${j} = min(g${j}, c4n - 1u);`
    ).join("\n  ")
  }
  let row0 = wg.y * ${TM}u;
  let q0 = row0 / 4u;
  let k4n = (u.rows - (u.flags & 1u)) / 4u;
  let k4l = k4n - 1u;
  let bias = select(vec4<f32>(0.0), vec4<f32>(1.0, 0.0, 0.0, 0.0), (u.flags & 1u) != 0u);
  let xb = u.aOff / 4u;
  let ob = (u.oOff + z * u.rows * u.cols) / 4u;
  ${
    range(TM).map((i) =>
      G.map((j) => `var a${i}_${j} = vec4<f32>(0.0);`).join(" ")
    ).join("\n  ")
  }
  let kb = z * u.split;
  let ke = min(u.red, kb + u.split);
  for (var n = kb; n < ke; n = n + 1u) {
    ${body.join("\n    ")}
  }
  ${stores.join("\n  ")}
}
`;
}
