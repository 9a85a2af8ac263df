/**
 * Provenance recorded in every run's `config.json`: the resolved
 * configuration, runtime versions, the adapter and the git commit.
 *
 * @module
 */

/**
 * What `config.json` holds besides the resolved configuration.
 *
 * @example
 * ```ts
 * import type { Provenance } from "./provenance.ts";
 * const commit = (p: Provenance): string => p.gitCommit ?? "unknown";
 * ```
 */
export interface Provenance {
  /** The resolved configuration of the run (JSON-serialisable). */
  config: unknown;
  /** `Deno.version` (deno, v8, typescript). */
  runtime: { deno: string; v8: string; typescript: string };
  /** The adapter that ran the kernels (e.g. `llvmpipe (...)` or `cpu reference`). */
  adapter: string;
  /** `git rev-parse HEAD`, or null when git or the repository is unavailable. */
  gitCommit: string | null;
  /** True when `git status --porcelain` reported uncommitted changes; null if unknown. */
  gitDirty: boolean | null;
}

/**
 * Options for {@linkcode provenance}.
 *
 * @example
 * ```ts
 * import type { ProvenanceOptions } from "./provenance.ts";
 * const options: ProvenanceOptions = { adapter: "cpu reference" };
 * ```
 */
export interface ProvenanceOptions {
  /** Adapter name (`Backend.adapterName`). @default "unknown" */
  adapter?: string;
  /** Directory in which git is asked. @default Deno.cwd() */
  cwd?: string;
}

async function git(args: string[], cwd?: string): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", {
      args,
      cwd,
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return null;
    return new TextDecoder().decode(out.stdout).trim();
  } catch {
    return null; // git missing or no --allow-run permission
  }
}

/**
 * Builds the provenance record for a run's `config.json`. No timestamp is
 * included, so reruns produce identical files.
 *
 * @param config The resolved configuration.
 * @param options Adapter name and git working directory.
 * @returns The provenance record.
 *
 * @example
 * ```ts
 * import { provenance } from "./provenance.ts";
 * import assert from "node:assert/strict";
 * const p = await provenance({ rollouts: 4 }, { adapter: "cpu reference" });
 * assert.equal(p.runtime.deno, Deno.version.deno);
 * assert.deepEqual(p.config, { rollouts: 4 });
 * ```
 */
export async function provenance(
  config: unknown,
  options: ProvenanceOptions = {},
): Promise<Provenance> {
  const commit = await git(["rev-parse", "HEAD"], options.cwd);
  const status = commit === null
    ? null
    : await git(["status", "--porcelain", "--untracked-files=no"], options.cwd);
  return {
    config,
    runtime: {
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
    },
    adapter: options.adapter ?? "unknown",
    gitCommit: commit,
    gitDirty: status === null ? null : status.length > 0,
  };
}
