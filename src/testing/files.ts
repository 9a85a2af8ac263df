/**
 * File-tree helpers for the command tests (private: not exported).
 *
 * @module
 */
import { join } from "node:path";

/** Every file under `dir` (relative path → text), sorted by path. */
export async function snapshotTree(
  dir: string,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(join(dir, rel))) {
      const p = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else out[p] = await Deno.readTextFile(join(dir, p));
    }
  };
  await walk("");
  return Object.fromEntries(
    Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Output sinks that collect lines. */
export function capture(): {
  out: string[];
  err: string[];
  opts: { stdout: (l: string) => void; stderr: (l: string) => void };
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    opts: {
      stdout: (l: string) => out.push(l),
      stderr: (l: string) => err.push(l),
    },
  };
}

/** The pid of a process that has exited (spawned and awaited). */
export async function deadPid(): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", ""],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await child.status;
  return child.pid;
}
