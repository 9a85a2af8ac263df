/**
 * The JAX side of the peer bench: finds or sets up a Python virtual
 * environment with JAX (`.venv-peer` at the repository root, from the
 * machine's configured package index) and runs `flow_policy_jax.py` on the
 * exported inputs as a child process that answers timing requests. JAX is never a dependency of the
 * toolkit: when it cannot be installed the bench says why and skips it.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/**
 * Versions and devices of the JAX peer.
 *
 * @example
 * ```ts ignore
 * console.log((await startJax(python, dir)).info.jax);
 * ```
 */
export interface JaxInfo {
  /** jax version. */
  jax: string;
  /** jaxlib version. */
  jaxlib: string;
  /** jax.devices(). */
  devices: string[];
}

/**
 * One timing request: which sampler variant, method and batch size.
 *
 * @example
 * ```ts ignore
 * const c: JaxCase = { variant: "shared", method: "realtime", batch: 256 };
 * ```
 */
export interface JaxCase {
  /** `per_token` (time [B, H]) or `shared` (one time per flow step). */
  variant: "per_token" | "shared";
  /** `naive` or `realtime`. */
  method: "naive" | "realtime";
  /** Batch size B (one of the exported batches). */
  batch: number;
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
 * The JAX peer as a child process answering requests one at a time, so the
 * bench can alternate its repetitions with the toolkit's.
 *
 * @example
 * ```ts ignore
 * const peer = await startJax(python, dir);
 * const { seconds } = await peer.time({ variant: "per_token", method: "naive", batch: 256 });
 * await peer.close();
 * ```
 */
export interface JaxPeer {
  /** Versions and devices. */
  info: JaxInfo;
  /** Seconds for the bench's chunks back to back (compiled and warmed on first use). */
  time(c: JaxCase): Promise<{ seconds: number; compile_s?: number }>;
  /** max |JAX − engine| of the first chunk (per-token variant) for each engine's exported output. */
  check(
    c: { method: string; batch: number; refs: string[] },
  ): Promise<Record<string, number>>;
  /** Ends the process. */
  close(): Promise<void>;
}

/**
 * Starts `flow_policy_jax.py` on the bench's exported inputs.
 *
 * @param python Interpreter from {@linkcode findJaxPython}.
 * @param dir Folder with manifest.json and the arrays.
 * @returns The running peer.
 * @throws {Error} If the process fails (its last stderr line).
 *
 * @example
 * ```ts ignore
 * const peer = await startJax(python, dir);
 * ```
 */
export async function startJax(python: string, dir: string): Promise<JaxPeer> {
  const script = fileURLToPath(
    new URL("./flow_policy_jax.py", import.meta.url),
  );
  const child = new Deno.Command(python, {
    args: [script, dir],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stderr = "";
  const errDone = (async () => {
    for await (const t of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr += t;
    }
  })();
  let buffered = "";
  const ask = async <T>(req: unknown): Promise<T> => {
    await writer.write(new TextEncoder().encode(JSON.stringify(req) + "\n"));
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) {
        await errDone;
        throw new Error(
          `flow_policy_jax.py failed: ${stderr.trim().split("\n").at(-1)}`,
        );
      }
      buffered += value;
    }
    const i = buffered.indexOf("\n");
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    return JSON.parse(line) as T;
  };
  const info = await ask<JaxInfo>({ op: "info" });
  return {
    info,
    time: (c) => ask({ op: "time", ...c }),
    check: (c) => ask({ op: "check", ...c }),
    async close() {
      await writer.write(new TextEncoder().encode('{"op":"quit"}\n'));
      await writer.close();
      await child.status;
      await errDone;
    },
  };
}
