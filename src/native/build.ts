/**
 * Builds and loads the native engine: on first use the C source
 * (`net_c.ts`) is compiled with the system C compiler into a per-user cache
 * folder, under a name keyed by a hash of the source, the flags and the
 * target, written to a temporary file and renamed into place (so concurrent
 * processes never load a half-written library), then opened with
 * `Deno.dlopen`. Later runs load the cached library without compiling.
 *
 * The engine is unavailable, with a one-line reason, on a CPU other than
 * x86-64 with AVX2 and FMA, without FFI permission, or when no compiler
 * (`$CC`, `cc`, `gcc`, `clang`) can build it; nothing else depends on it.
 *
 * @module
 */

import { NATIVE_CFLAGS, NATIVE_SYMBOLS, NET_C_SOURCE } from "./net_c.ts";

/**
 * The loaded library: its functions, where it lives and how it runs.
 *
 * @example
 * ```ts ignore
 * const engine: NativeEngine = await loadNativeEngine();
 * console.log(engine.description, engine.path);
 * ```
 */
export interface NativeEngine {
  /** The library's exported functions. */
  readonly symbols: Deno.DynamicLibrary<typeof NATIVE_SYMBOLS>["symbols"];
  /** Path of the shared library in the cache. */
  readonly path: string;
  /** Threads a network uses by default (`EXP_DELTA_THREADS`, else every logical CPU). */
  readonly threads: number;
  /** CPU model name (from /proc/cpuinfo where there is one). */
  readonly cpu: string;
  /** One line for logs and config.json, e.g. `native C engine (AMD EPYC, 2 threads, AVX2+FMA)`. */
  readonly description: string;
}

/**
 * Whether the engine can run here, and why not.
 *
 * @example
 * ```ts ignore
 * const status: NativeStatus = await nativeStatus();
 * if (!status.available) console.error(status.reason);
 * ```
 */
export interface NativeStatus {
  /** True when the library is built and loaded. */
  readonly available: boolean;
  /** One line: why it is unavailable (absent when available). */
  readonly reason?: string;
}

/**
 * Environment variable overriding the engine's thread count.
 *
 * @example
 * ```ts
 * import { THREADS_ENV } from "./build.ts";
 * import assert from "node:assert/strict";
 * assert.equal(THREADS_ENV, "EXP_DELTA_THREADS");
 * ```
 */
export const THREADS_ENV = "EXP_DELTA_THREADS";
/**
 * Environment variable overriding the cache folder.
 *
 * @example
 * ```ts
 * import { CACHE_ENV } from "./build.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CACHE_ENV, "EXP_DELTA_NATIVE_CACHE");
 * ```
 */
export const CACHE_ENV = "EXP_DELTA_NATIVE_CACHE";

let loading: Promise<NativeEngine> | undefined;

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The folder compiled libraries are cached in: `$EXP_DELTA_NATIVE_CACHE`,
 * else `$XDG_CACHE_HOME/exp-delta/native`, else `~/.cache/exp-delta/native`,
 * else a folder in the system temp directory.
 *
 * @returns The folder path (not created).
 *
 * @example
 * ```ts
 * import { nativeCacheDir } from "./build.ts";
 * import assert from "node:assert/strict";
 * assert.ok(nativeCacheDir().length > 0);
 * ```
 */
export function nativeCacheDir(): string {
  const forced = env(CACHE_ENV);
  if (forced) return forced;
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/exp-delta/native`;
  const home = env("HOME");
  if (home) return `${home}/.cache/exp-delta/native`;
  return `${env("TMPDIR") ?? "/tmp"}/exp-delta-native`;
}

/**
 * The default thread count: `EXP_DELTA_THREADS` when set to a positive
 * integer, else `navigator.hardwareConcurrency`.
 *
 * @returns The thread count (at least 1).
 * @throws {RangeError} If `EXP_DELTA_THREADS` is set but not a positive integer.
 *
 * @example
 * ```ts
 * import { nativeThreads } from "./build.ts";
 * import assert from "node:assert/strict";
 * assert.ok(nativeThreads() >= 1);
 * ```
 */
export function nativeThreads(): number {
  const raw = env(THREADS_ENV);
  if (raw !== undefined) {
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 256) {
      throw new RangeError(
        `Cannot use the native engine as ${THREADS_ENV} must be an integer in [1, 256]: current value is "${raw}"`,
      );
    }
    return n;
  }
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return [...new Uint8Array(digest)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function cpuInfo(): Promise<{ model: string; flags: Set<string> }> {
  try {
    const text = await Deno.readTextFile("/proc/cpuinfo");
    const model = /^model name\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ??
      "unknown CPU";
    const flags = new Set(
      (/^flags\s*:\s*(.+)$/m.exec(text)?.[1] ?? "").split(/\s+/),
    );
    return { model, flags };
  } catch {
    return { model: "unknown CPU", flags: new Set() };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Compiles the source to `out` with the first compiler that runs; returns its name. */
async function compile(out: string): Promise<string> {
  const candidates = [env("CC"), "cc", "gcc", "clang"].filter((
    c,
  ): c is string => c !== undefined);
  const errors: string[] = [];
  for (const cc of candidates) {
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(cc, {
        args: [...NATIVE_CFLAGS, "-x", "c", "-", "-o", out, "-lm"],
        stdin: "piped",
        stdout: "null",
        stderr: "piped",
      }).spawn();
    } catch {
      continue; // not installed
    }
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(NET_C_SOURCE));
    await writer.close();
    const { code, stderr } = await child.output();
    if (code === 0) return cc;
    const first = new TextDecoder().decode(stderr).split("\n").find((l) =>
      l.trim()
    );
    errors.push(`${cc} exited with ${code}${first ? `: ${first}` : ""}`);
  }
  throw new Error(
    errors.length === 0
      ? "no C compiler found (tried $CC, cc, gcc, clang); install gcc"
      : `the C compiler failed (${errors.join("; ")})`,
  );
}

async function load(): Promise<NativeEngine> {
  if (Deno.build.arch !== "x86_64") {
    throw new Error(
      `the CPU is ${Deno.build.arch}, the engine needs x86-64 with AVX2 and FMA`,
    );
  }
  const cpu = await cpuInfo();
  if (cpu.flags.size > 0 && !(cpu.flags.has("avx2") && cpu.flags.has("fma"))) {
    throw new Error(`the CPU (${cpu.model}) lacks AVX2 or FMA`);
  }
  const threads = nativeThreads();
  const key = await sha256Hex(
    [NET_C_SOURCE, NATIVE_CFLAGS.join(" "), Deno.build.target].join("\n"),
  );
  const dir = nativeCacheDir();
  const ext = Deno.build.os === "darwin" ? "dylib" : "so";
  const path = `${dir}/exp_delta_${key.slice(0, 24)}.${ext}`;
  if (!(await exists(path))) {
    await Deno.mkdir(dir, { recursive: true });
    const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
    try {
      await compile(tmp);
      await Deno.rename(tmp, path);
    } finally {
      await Deno.remove(tmp).catch(() => {});
    }
  }
  const lib = Deno.dlopen(path, NATIVE_SYMBOLS);
  if (lib.symbols.xd_cpu_ok() !== 1) {
    lib.close();
    throw new Error(`the CPU (${cpu.model}) lacks AVX2 or FMA`);
  }
  return {
    symbols: lib.symbols,
    path,
    threads,
    cpu: cpu.model,
    description: `native C engine (${cpu.model}, ${threads} thread${
      threads === 1 ? "" : "s"
    }, AVX2+FMA)`,
  };
}

/**
 * Builds (first use) and loads the native engine, once per process.
 *
 * @returns The engine.
 * @throws {Error} When it is unavailable here; the message is one line
 *   starting `Cannot use the native engine as ...`.
 *
 * @example
 * ```ts
 * import { loadNativeEngine, nativeStatus } from "./build.ts";
 * import assert from "node:assert/strict";
 * if ((await nativeStatus()).available) {
 *   const engine = await loadNativeEngine();
 *   assert.ok(engine.threads >= 1);
 * }
 * ```
 */
export function loadNativeEngine(): Promise<NativeEngine> {
  loading ??= load().catch((e) => {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(
      `Cannot use the native engine as ${why.split("\n")[0]}`,
    );
  });
  return loading;
}

/**
 * Whether the native engine is available here (building it on first use),
 * with a one-line reason when it is not.
 *
 * @returns The status.
 *
 * @example
 * ```ts
 * import { nativeStatus } from "./build.ts";
 * const status = await nativeStatus();
 * console.log(status.available ? "native engine ready" : status.reason);
 * ```
 */
export async function nativeStatus(): Promise<NativeStatus> {
  try {
    await loadNativeEngine();
    return { available: true };
  } catch (e) {
    return { available: false, reason: (e as Error).message };
  }
}
