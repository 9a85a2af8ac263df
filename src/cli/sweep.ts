/**
 * The sweep command (`scripts/sweep.ts`): flags, policy loading and
 * {@linkcode runSweep}.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseBackendName } from "../gpu/backend.ts";
import { getTask } from "../envs/registry.ts";
import type { PolicyNet } from "../policy/net.ts";
import { METHOD_NAMES, type MethodName } from "../rtc/method_config.ts";
import type { ChunkSampler } from "../eval/types.ts";
import { loadPolicy } from "../experiment/policy_loader.ts";
import type { ResultRow } from "../experiment/results.ts";
import { runSweep, sweepGrid } from "../experiment/sweep.ts";
import { defaultCheckpoint } from "./checkpoints.ts";
import {
  errorLine,
  parseChoice,
  parseIntFlag,
  parseList,
  parseSeeds,
} from "./args.ts";

/**
 * The `scripts/sweep.ts` command.
 *
 * @param argv Command-line arguments.
 * @param options Output sinks and test overrides (`samplerFor`, `horizon`).
 * @returns Exit code: 0 done, 1 failed, 2 bad input.
 *
 * @example
 * ```ts
 * import { sweepMain } from "./sweep.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * assert.equal(await sweepMain(["--help"], { stdout: (l) => lines.push(l) }), 0);
 * assert.match(lines[0]!, /^Usage:/);
 * ```
 */
export async function sweepMain(
  argv: string[],
  options: {
    stdout?: (line: string) => void;
    stderr?: (line: string) => void;
    samplerFor?: (method: MethodName) => ChunkSampler;
    horizon?: number;
  } = {},
): Promise<number> {
  const name = "sweep.ts";
  const out = options.stdout ?? ((l: string) => console.log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  let net: PolicyNet | undefined;
  let run: () => Promise<ResultRow[]>;
  let outDir: string;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        task: { type: "string", default: "reach_around" },
        checkpoint: { type: "string" },
        methods: { type: "string", default: METHOD_NAMES.join(",") },
        delays: { type: "string", default: "0-4" },
        seeds: { type: "string", default: "0" },
        rollouts: { type: "string", default: "128" },
        out: { type: "string", default: "exp_runs/sweep" },
        backend: { type: "string" },
        force: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      out(`Usage: deno run -A scripts/${name} [options]

Fixed-delay sweep (scan evaluator): d in --delays, s from max(1, d) to H - d,
every method. Writes <out>/s_<s>/... run folders (resumable), <out>/sweep.csv
and <out>/sweep.svg (solve rate vs delay).

Options:
  --task <name>          task (default reach_around)
  --checkpoint <path>    policy (default exp_runs/checkpoints/<task>/plain.safetensors)
  --methods <list>       default ${METHOD_NAMES.join(",")}
  --delays <spec>        default 0-4
  --seeds <spec>         default 0
  --rollouts <n>         default 128
  --out <dir>            default exp_runs/sweep
  --backend cpu|webgpu|native|auto   policy backend
  --force                recompute finished points`);
      return 0;
    }
    const task = getTask(values.task);
    const methods = parseList(values.methods, "--methods").map((m) =>
      parseChoice(m, "--methods", METHOD_NAMES)
    );
    const delays = parseSeeds(values.delays, "--delays");
    const seeds = parseSeeds(values.seeds);
    const rollouts = parseIntFlag(values.rollouts, "--rollouts");
    const backend = values.backend === undefined
      ? undefined
      : parseBackendName(values.backend, "--backend");
    let samplerFor = options.samplerFor;
    let horizon = options.horizon ?? 4;
    let adapter = "test sampler";
    let checkpoint: string | null = null;
    if (!samplerFor) {
      const policy = await loadPolicy(task, {
        checkpoint: values.checkpoint ?? defaultCheckpoint(task.spec.name),
        backend,
      });
      net = policy.net;
      samplerFor = policy.samplerFor;
      horizon = policy.horizon;
      adapter = policy.adapter;
      checkpoint = policy.checkpoint;
    }
    if (sweepGrid(horizon, delays).length === 0) {
      throw new RangeError(
        `Cannot sweep as no (d, s) pair has max(1, d) <= s <= H - d for H = ${horizon}: current value is "${values.delays}"`,
      );
    }
    outDir = values.out;
    const sf = samplerFor;
    run = () =>
      runSweep(task, {
        samplerFor: sf,
        horizon,
        methods,
        delays,
        seeds,
        rollouts,
        out: values.out,
        force: values.force,
        progress: err,
        config: { checkpoint },
        adapter,
        net,
      });
  } catch (e) {
    net?.destroy?.();
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
  try {
    const rows = await run();
    out(
      `${name}: ${rows.length} points in ${join(outDir, "sweep.csv")} and ${
        join(outDir, "sweep.svg")
      }`,
    );
    return 0;
  } catch (e) {
    err(`${name}: run failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    net?.destroy?.();
  }
}
