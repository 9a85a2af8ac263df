/**
 * Step D speed benchmark: one `scan` run per method (profile long_tail,
 * seed 0) with each engine, measured in the same process: the GPU-fused
 * evaluator (wall clock, then a timed run for the env / policy / delays
 * split), CPU twin environments with one WebGPU sampler call per chunk,
 * and the CPU fallback (CPU reference network, CPU twin) at
 * `--cpu-rollouts` rollouts next to a fused run of the same size for the
 * ratio. Prints a Markdown table on stdout, progress on stderr.
 *
 * ```sh
 * deno run -A scripts/bench_stepd.ts [--rollouts 256] [--cpu-rollouts 64] [--methods naive,realtime]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { getTask } from "../envs/registry.ts";
import { errorLine, parseChoice, parseIntFlag, parseList } from "./args.ts";
import { defaultCheckpoint } from "./checkpoints.ts";
import { type ScanTiming, timeScanRun } from "./scan_timing.ts";
import { METHOD_NAMES } from "../rtc/method_config.ts";
import { SEED_PROFILES } from "../latency/presets.ts";
import { resolveProfile } from "../latency/resolve.ts";
import { loadCheckpoint } from "../policy/checkpoint.ts";

/**
 * The `scripts/bench_stepd.ts` command: times one Step D run per method and
 * engine and prints a Markdown table.
 *
 * @param args Command-line arguments (`--help` lists them).
 * @param options Where help and the table go, and where progress and errors go.
 * @returns The exit code: 0 done, 2 bad input (one `error:` line).
 *
 * @example
 * ```ts
 * import { benchStepDMain } from "./bench_stepd.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * assert.equal(await benchStepDMain(["--bogus-flag"], { stderr: (l) => lines.push(l) }), 2);
 * assert.match(lines[0]!, /^bench_stepd\.ts: error: Unknown option '--bogus-flag'/);
 * ```
 */
export async function benchStepDMain(
  args: string[],
  options: {
    stdout?: (line: string) => void;
    stderr?: (line: string) => void;
  } = {},
): Promise<number> {
  const log = options.stdout ?? ((l: string) => log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  let setup;
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        task: { type: "string", default: "reach_around" },
        checkpoint: { type: "string" },
        methods: { type: "string", default: "naive,realtime" },
        rollouts: { type: "string", default: "256" },
        "cpu-rollouts": { type: "string", default: "64" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      log(
        "Usage: deno run -A scripts/bench_stepd.ts [--task reach_around] [--checkpoint F] [--methods naive,realtime] [--rollouts 256] [--cpu-rollouts 64 (0 skips the CPU fallback)]",
      );
      return 0;
    }
    const task = getTask(values.task);
    const methods = parseList(values.methods, "--methods").map((m) =>
      parseChoice(m, "--methods", METHOD_NAMES)
    );
    const rollouts = parseIntFlag(values.rollouts, "--rollouts");
    const cpuRollouts = parseIntFlag(
      values["cpu-rollouts"],
      "--cpu-rollouts",
      0,
    );
    const path = values.checkpoint ??
      defaultCheckpoint(task.spec.name, "plain_h4");
    const checkpoint = await loadCheckpoint(path);
    setup = { task, methods, rollouts, cpuRollouts, checkpoint, path };
  } catch (e) {
    err(`bench_stepd.ts: error: ${errorLine(e)}`);
    return 2;
  }
  const { task, methods, rollouts, cpuRollouts, checkpoint, path } = setup;
  const profile = resolveProfile(SEED_PROFILES.long_tail);
  const rows: { method: string; rollouts: number; t: ScanTiming }[] = [];
  const s = (x: number) => x.toFixed(2);

  for (const method of methods) {
    const cases: [number, ScanTiming["engine"]][] = [
      [rollouts, "webgpu-fused"],
      [rollouts, "cpu-env+webgpu-policy"],
    ];
    if (cpuRollouts > 0) {
      if (cpuRollouts !== rollouts) cases.push([cpuRollouts, "webgpu-fused"]);
      cases.push([cpuRollouts, "cpu"]);
    }
    for (const [n, engine] of cases) {
      err(`bench_stepd.ts: ${method}, ${n} rollouts, ${engine} ...`);
      const t = await timeScanRun(task, {
        checkpoint,
        method,
        profile,
        seed: 0,
        numEnvs: n,
        engine,
      });
      rows.push({ method, rollouts: n, t });
    }
  }

  log(
    `Step D run timing: task ${task.spec.name}, checkpoint ${path}, profile long_tail, seed 0, scan, s = 1\n`,
  );
  log(
    "| method | rollouts | engine | adapter | wall s | vs fused | solved | split: policy / env / delays / readback s (sync round trip ms, subtracted) |",
  );
  log("|---|--:|---|---|--:|--:|--:|---|");
  for (const { method, rollouts: n, t } of rows) {
    const fused = rows.find((r) =>
      r.method === method && r.rollouts === n && r.t.engine === "webgpu-fused"
    )!;
    const sp = t.split;
    log(
      `| ${method} | ${n} | ${t.engine} | ${t.adapter} | ${
        s(t.wallSeconds)
      } | ${(t.wallSeconds / fused.t.wallSeconds).toFixed(2)}x | ${
        t.solved.toFixed(3)
      } | ${
        sp
          ? `${s(sp.policy)} / ${s(sp.env)} / ${s(sp.delays)} / ${
            s(sp.readback)
          } (${(1000 * sp.sync).toFixed(1)})`
          : t.samplerSeconds !== undefined
          ? `sampler ${s(t.samplerSeconds)}`
          : ""
      } |`,
    );
  }
  return 0;
}
