/**
 * Claim files: a worker claims a run folder before computing it by creating
 * `<folder>/claim.json` atomically (`createNew`), holding its pid, host and
 * start time, and keeps it fresh (its modification time) while it works.
 * Another worker finding the claim leaves the run alone, so concurrent
 * workers on one output folder (one machine, or several on a shared file
 * system) split the work. A claim is stale, and taken over, when its process
 * no longer runs on this host, or when it has not been refreshed for
 * `staleAfterSeconds` (a worker on another host, or one that hangs).
 *
 * @module
 */
import { join } from "node:path";
import { faultPoint } from "./_fault.ts";
import { hostName, hostTag, processAlive } from "./_process.ts";

/**
 * File name of a run folder's claim.
 *
 * @example
 * ```ts
 * import { CLAIM_FILE } from "./claim.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CLAIM_FILE, "claim.json");
 * ```
 */
export const CLAIM_FILE = "claim.json";

/**
 * Options for {@linkcode claimFolder}.
 *
 * @example
 * ```ts
 * import type { ClaimOptions } from "./claim.ts";
 * const options: ClaimOptions = { staleAfterSeconds: 600, heartbeatSeconds: 60 };
 * ```
 */
export interface ClaimOptions {
  /** A claim not refreshed for this long is stale (any host). @default 600 */
  staleAfterSeconds?: number;
  /** How often the holder refreshes its claim. @default 60 */
  heartbeatSeconds?: number;
}

/**
 * Who holds a claim.
 *
 * @example
 * ```ts
 * import type { ClaimHolder } from "./claim.ts";
 * const who = (h: ClaimHolder): string => `pid ${h.pid} on ${h.host}`;
 * ```
 */
export interface ClaimHolder {
  /** Process id on its host. */
  pid: number;
  /** Host name. */
  host: string;
  /** When the claim was made (ISO 8601). */
  since: string;
}

/**
 * A claim held by this process.
 *
 * @example
 * ```ts
 * import type { HeldClaim } from "./claim.ts";
 * const done = (c: HeldClaim): Promise<void> => c.release();
 * ```
 */
export interface HeldClaim {
  /** Path of the claim file. */
  path: string;
  /** Stops refreshing and removes the claim (if it is still this one). */
  release(): Promise<void>;
}

/**
 * The answer of {@linkcode claimFolder}: the claim, or who holds it.
 *
 * @example
 * ```ts
 * import type { ClaimResult } from "./claim.ts";
 * const mine = (r: ClaimResult): boolean => "release" in r;
 * ```
 */
export type ClaimResult = HeldClaim | { heldBy: ClaimHolder | null };

const TAKEOVER_LOCK_SECONDS = 60;
let linkCounter = 0;
const UNREADABLE_CLAIM_SECONDS = 10;

interface Seen {
  text: string;
  holder: ClaimHolder | null;
  ageMs: number;
}

async function readClaim(path: string): Promise<Seen | null> {
  try {
    const text = await Deno.readTextFile(path);
    const info = await Deno.stat(path);
    let holder: ClaimHolder | null = null;
    try {
      const v = JSON.parse(text);
      if (typeof v?.pid === "number" && typeof v?.host === "string") holder = v;
    } catch {
      holder = null; // being written, or written by a process killed at once
    }
    return { text, holder, ageMs: Date.now() - (info.mtime?.getTime() ?? 0) };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

async function isStale(seen: Seen, staleMs: number): Promise<boolean> {
  if (seen.ageMs > staleMs) return true;
  if (!seen.holder) return seen.ageMs > 1000 * UNREADABLE_CLAIM_SECONDS;
  if (seen.holder.host !== hostName()) return false;
  return !(await processAlive(seen.holder.pid));
}

/** Creates `path` holding `text` unless it exists: a hard link from a complete temporary file, so readers never see it half-written (plain `createNew` where links are not supported). */
async function createNew(path: string, text: string): Promise<boolean> {
  const tmp = `${path}.${hostTag()}-${Deno.pid}.${++linkCounter}.0.tmp`;
  try {
    await Deno.writeTextFile(tmp, text, { createNew: true });
    try {
      await Deno.link(tmp, path);
      return true;
    } catch (err) {
      if (err instanceof Deno.errors.AlreadyExists) return false;
    } finally {
      await Deno.remove(tmp).catch(() => {});
    }
  } catch {
    // no temporary file here: fall through to createNew
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { createNew: true, write: true });
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return false;
    throw err;
  }
  try {
    await file.write(new TextEncoder().encode(text));
  } finally {
    file.close();
  }
  return true;
}

function hold(path: string, text: string, heartbeatMs: number): HeldClaim {
  const beat = setInterval(() => {
    const now = new Date();
    Deno.utime(path, now, now).catch(() => {});
  }, heartbeatMs);
  Deno.unrefTimer(beat);
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      const seen = await readClaim(path);
      if (seen?.text !== text) return; // taken over meanwhile: not ours
      await Deno.remove(path).catch(() => {});
      faultPoint();
    },
  };
}

/**
 * Claims a folder (created if missing) for this process: creates its
 * `claim.json` unless a live claim exists; a stale claim is taken over (one
 * taker at a time, through a short-lived `claim.json.takeover` lock).
 *
 * @param dir The folder (a run folder).
 * @param options Staleness age and heartbeat period.
 * @returns The held claim (release it when done), or who holds the folder.
 *
 * @example
 * ```ts
 * import { claimFolder } from "./claim.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * const first = await claimFolder(dir);
 * assert.ok("release" in first);
 * const second = await claimFolder(dir); // this process holds it: busy
 * assert.ok("heldBy" in second && second.heldBy?.pid === Deno.pid);
 * await first.release();
 * const third = await claimFolder(dir);
 * assert.ok("release" in third);
 * await third.release();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function claimFolder(
  dir: string,
  options: ClaimOptions = {},
): Promise<ClaimResult> {
  const staleMs = 1000 * (options.staleAfterSeconds ?? 600);
  const heartbeatMs = 1000 * (options.heartbeatSeconds ?? 60);
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, CLAIM_FILE);
  const text = JSON.stringify({
    pid: Deno.pid,
    host: hostName(),
    since: new Date().toISOString(),
  }) + "\n";
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createNew(path, text)) {
      faultPoint();
      return hold(path, text, heartbeatMs);
    }
    const seen = await readClaim(path);
    if (seen === null) continue; // released meanwhile
    if (!(await isStale(seen, staleMs))) return { heldBy: seen.holder };
    // TAKE OVER A STALE CLAIM, ONE TAKER AT A TIME
    const lock = `${path}.takeover`;
    if (!(await createNew(lock, text))) {
      const info = await Deno.stat(lock).catch(() => null);
      const age = Date.now() - (info?.mtime?.getTime() ?? Date.now());
      if (age > 1000 * TAKEOVER_LOCK_SECONDS) {
        await Deno.remove(lock).catch(() => {}); // its taker died
      }
      return { heldBy: seen.holder };
    }
    try {
      const again = await readClaim(path);
      if (again?.text === seen.text && (await isStale(again, staleMs))) {
        await Deno.remove(path).catch(() => {});
      }
    } finally {
      await Deno.remove(lock).catch(() => {});
    }
  }
  const seen = await readClaim(path);
  return { heldBy: seen?.holder ?? null };
}

/**
 * Removes a folder's claim if it is stale (its holder died after finishing
 * the work, before releasing it); a live claim is left alone.
 *
 * @param dir The folder.
 * @param options Staleness age.
 * @returns Whether a stale claim was removed.
 *
 * @example
 * ```ts
 * import { clearStaleClaim, CLAIM_FILE } from "./claim.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await clearStaleClaim(dir), false); // no claim
 * await Deno.writeTextFile(`${dir}/${CLAIM_FILE}`, JSON.stringify({ pid: 1, host: "elsewhere", since: "" }));
 * const old = new Date(Date.now() - 3600_000);
 * await Deno.utime(`${dir}/${CLAIM_FILE}`, old, old);
 * assert.equal(await clearStaleClaim(dir), true);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function clearStaleClaim(
  dir: string,
  options: ClaimOptions = {},
): Promise<boolean> {
  const path = join(dir, CLAIM_FILE);
  const seen = await readClaim(path);
  if (seen === null) return false;
  if (!(await isStale(seen, 1000 * (options.staleAfterSeconds ?? 600)))) {
    return false;
  }
  const claim = await claimFolder(dir, options);
  if (!("release" in claim)) return false;
  await claim.release();
  return true;
}
