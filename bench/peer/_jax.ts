/**
 * The JAX side of the peer bench: finds or sets up a Python virtual
 * environment with JAX (`.venv-peer` at the repository root, from the
 * machine's configured package index), runs `flow_policy_jax.py` on the
 * exported inputs and returns its report. JAX is never a dependency of the
 * toolkit: when it cannot be installed the bench says why and skips it.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** One timing of the JAX sampler. */
export interface JaxTiming {
  /** `per_token` (time [B, H]) or `shared` (one time per flow step). */
  variant: "per_token" | "shared";
  /** `naive` or `realtime`. */
  method: "naive" | "realtime";
  /** Batch size B. */
  batch: number;
  /** Chunks timed back to back. */
  chunks: number;
  /** Median seconds for the chunks. */
  seconds: number;
  /** Best seconds. */
  best: number;
  /** Seconds of the first call (jit compilation and one chunk). */
  compile_s: number;
}

/** What `flow_policy_jax.py` reports. */
export interface JaxReport {
  /** jax version. */
  jax: string;
  /** jaxlib version. */
  jaxlib: string | null;
  /** jax.devices(). */
  devices: string[];
  /** Timings. */
  timings: JaxTiming[];
  /** max |JAX − toolkit| of the first chunk per engine, method and batch. */
  checks: {
    engine: string;
    method: string;
    batch: number;
    max_abs_diff: number;
  }[];
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const VENV = `${ROOT}.venv-peer`;

async function run(
  cmd: string,
  args: string[],
): Promise<{ ok: boolean; out: string; err: string }> {
  try {
    const r = await new Deno.Command(cmd, {
      args,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const dec = new TextDecoder();
    return {
      ok: r.success,
      out: dec.decode(r.stdout),
      err: dec.decode(r.stderr),
    };
  } catch (e) {
    return { ok: false, out: "", err: (e as Error).message };
  }
}

/**
 * A Python with JAX: `$EXP_DELTA_PEER_PYTHON`, else `.venv-peer/bin/python`
 * (created with `python3 -m venv` and `pip install jax jaxlib` when absent).
 *
 * @param log Progress lines.
 * @returns The interpreter path, or an Error saying why there is none.
 *
 * @example
 * ```ts ignore
 * const python = await findJaxPython(console.error);
 * ```
 */
export async function findJaxPython(
  log: (line: string) => void,
): Promise<string | Error> {
  const forced = Deno.env.get("EXP_DELTA_PEER_PYTHON");
  const python = forced ?? `${VENV}/bin/python`;
  const probe = () => run(python, ["-c", "import jax, jaxlib"]);
  if ((await probe()).ok) return python;
  if (forced) {
    return new Error(`EXP_DELTA_PEER_PYTHON=${forced} cannot import jax`);
  }
  log(
    `bench:peer: setting up ${VENV} (python3 -m venv; pip install jax jaxlib)`,
  );
  const venv = await run("python3", ["-m", "venv", VENV]);
  if (!venv.ok) {
    return new Error(
      `python3 -m venv failed: ${venv.err.trim().split("\n").at(-1)}`,
    );
  }
  const pip = await run(`${VENV}/bin/pip`, [
    "install",
    "--quiet",
    "--retries",
    "1",
    "jax",
    "jaxlib",
  ]);
  if (!pip.ok || !(await probe()).ok) {
    return new Error(
      `pip install jax jaxlib failed (no JAX for this machine in the package index?): ${
        pip.err.trim().split("\n").at(-1)
      }`,
    );
  }
  return python;
}

/**
 * Runs the JAX sampler on the bench's exported inputs.
 *
 * @param python Interpreter from {@linkcode findJaxPython}.
 * @param dir Folder with manifest.json and the arrays.
 * @returns The report.
 * @throws {Error} If the script fails (its last stderr line).
 *
 * @example
 * ```ts ignore
 * const report = await runJax(python, dir);
 * ```
 */
export async function runJax(python: string, dir: string): Promise<JaxReport> {
  const script = fileURLToPath(
    new URL("./flow_policy_jax.py", import.meta.url),
  );
  const r = await run(python, [script, dir]);
  if (!r.ok) {
    throw new Error(
      `flow_policy_jax.py failed: ${r.err.trim().split("\n").at(-1)}`,
    );
  }
  return JSON.parse(r.out.trim().split("\n").at(-1)!) as JaxReport;
}
