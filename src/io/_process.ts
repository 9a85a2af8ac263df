// Which process and host a file-system marker (a temporary file, a claim)
// belongs to, and whether that process still runs. Private to src/io.

let host: string | undefined;

/** This machine's host name ("unknown" without the sys permission). */
export function hostName(): string {
  if (host === undefined) {
    try {
      host = Deno.hostname();
    } catch {
      host = "unknown";
    }
  }
  return host;
}

/** 8 hex digits naming this host in file names (FNV-1a of the host name). */
export function hostTag(): string {
  let h = 0x811c9dc5;
  for (const c of new TextEncoder().encode(hostName())) {
    h = Math.imul(h ^ c, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/**
 * Whether process `pid` runs on this host: true for this process, false when
 * the operating system says it does not exist, and true when that cannot be
 * told (no /proc and no `ps`), so that an unknown process is never taken for
 * dead.
 */
export async function processAlive(pid: number): Promise<boolean> {
  if (pid === Deno.pid) return true;
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (Deno.build.os === "linux") {
    try {
      await Deno.stat(`/proc/${pid}`);
      return true;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return false;
    }
  }
  try {
    const out = await new Deno.Command("ps", {
      args: ["-p", String(pid)],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return true;
  }
}
