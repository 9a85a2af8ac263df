/**
 * The C source of the native engine, as one string (kept in TypeScript
 * modules so it ships with the package), the compiler flags it is built
 * with, and the FFI signatures of its exported functions.
 *
 * The engine computes the FlowPolicy network of `src/policy` (see the doc
 * comments of `forward_cpu.ts` and `backward_cpu.ts`) in float32 with AVX2
 * and FMA on a pool of threads: tiles of samples are scheduled dynamically,
 * every row's result is the same whatever tile or thread computes it, and
 * parameter gradients are reductions in row order split by output rows, so
 * outputs are bit-identical across runs and thread counts.
 *
 * @module
 */

import { C_CORE } from "./_c_core.ts";
import { C_NET } from "./_c_net.ts";
import { C_TILE } from "./_c_tile.ts";
import { C_GRAD } from "./_c_grad.ts";
import { C_LOSS } from "./_c_loss.ts";

/**
 * The complete C translation unit.
 *
 * @example
 * ```ts
 * import { NET_C_SOURCE } from "./net_c.ts";
 * import assert from "node:assert/strict";
 * assert.ok(NET_C_SOURCE.includes("xd_forward"));
 * ```
 */
export const NET_C_SOURCE: string = [C_CORE, C_NET, C_TILE, C_GRAD, C_LOSS]
  .join("\n");

/**
 * Compiler flags: AVX2 and FMA, no floating-point contraction (every FMA in
 * the source is explicit), no fast-math, a shared library with only the
 * `xd_*` functions visible.
 *
 * @example
 * ```ts
 * import { NATIVE_CFLAGS } from "./net_c.ts";
 * import assert from "node:assert/strict";
 * assert.ok(NATIVE_CFLAGS.includes("-ffp-contract=off"));
 * ```
 */
export const NATIVE_CFLAGS: readonly string[] = Object.freeze([
  "-O2",
  "-mavx2",
  "-mfma",
  "-ffp-contract=off",
  "-fno-math-errno",
  "-fPIC",
  "-shared",
  "-pthread",
  "-fvisibility=hidden",
]);

/**
 * FFI signatures of the library's exported functions (see the comments in
 * the C source for their arguments).
 *
 * @example
 * ```ts
 * import { NATIVE_SYMBOLS } from "./net_c.ts";
 * import assert from "node:assert/strict";
 * assert.equal(NATIVE_SYMBOLS.xd_loss_grad.result, "f64");
 * ```
 */
export const NATIVE_SYMBOLS = {
  xd_cpu_ok: { parameters: [], result: "i32" },
  xd_net_create: {
    parameters: ["buffer", "buffer", "i32", "i32"],
    result: "pointer",
  },
  xd_net_destroy: { parameters: ["pointer"], result: "void" },
  xd_net_set_params: { parameters: ["pointer", "buffer"], result: "void" },
  xd_forward: {
    parameters: ["pointer", "i32", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  xd_vjp: {
    parameters: [
      "pointer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  xd_flow: {
    parameters: [
      "pointer",
      "i32",
      "buffer",
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  xd_loss_grad: {
    parameters: [
      "pointer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "f64",
  },
  xd_fma_roof: { parameters: ["i64", "i32"], result: "f64" },
} as const;
