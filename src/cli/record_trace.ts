/**
 * The latency-trace recorder (`scripts/record_latency_trace.ts`): times N
 * consecutive single-observation (B = 1) inferences of a checkpoint in a
 * closed loop (one environment of the task; after each inference its first
 * action is executed and the environment steps), alternating a naive chunk
 * and a realtime chunk (frozen prefix d = 1, s = 1, the previous chunk
 * shifted by one) per iteration, and writes a CSV `inference,latency_ms,
 * realtime_ms` (wall-clock ms of each sampler call, `performance.now()`)
 * and a JSON sidecar with the machine, the load average before and after,
 * and the command. Nothing is done to quiet the machine: what else runs
 * shows in the trace.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { cpus, loadavg } from "node:os";
import { parseBackendName } from "../gpu/backend.ts";
import { getTask } from "../envs/registry.ts";
import { createCpuStepper } from "../envs/wrapper.ts";
import { writeJsonAtomic, writeTextFileAtomic } from "../io/atomic.ts";
import { formatCsv } from "../io/csv.ts";
import { loadPolicy } from "../experiment/policy_loader.ts";
import { errorLine, parseIntFlag } from "./args.ts";
import { defaultCheckpoint } from "./checkpoints.ts";

const HELP = `Usage: deno run -A scripts/record_latency_trace.ts [options]

Times N consecutive B = 1 inferences (a naive and a realtime chunk per
iteration, closed loop on one environment) and writes <out> (CSV:
inference,latency_ms,realtime_ms; latency_ms is naive's) and <out>.json
(machine, load average, command).

Options:
  --task <name>          task (default reach_around)
  --checkpoint <path>    policy (default exp_runs/checkpoints/<task>/plain.safetensors)
  --n <count>            inferences of each method (default 4096)
  --warmup <count>       untimed iterations first (default 64)
  --backend cpu|webgpu|native|auto   policy backend (default native)
  --out <file.csv>       (default exp/tail_v2_trace.csv)
  -h, --help             show this help`;

/**
 * The trace recorder command.
 *
 * @param argv Command-line arguments.
 * @param options Output sinks.
 * @returns Exit code: 0 done, 2 bad input.
 *
 * @example
 * ```ts
 * import { recordTraceMain } from "./record_trace.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * assert.equal(await recordTraceMain(["--help"], { stdout: (l) => lines.push(l) }), 0);
 * assert.match(lines[0]!, /^Usage:/);
 * ```
 */
export async function recordTraceMain(
  argv: string[],
  options: {
    stdout?: (line: string) => void;
    stderr?: (line: string) => void;
  } = {},
): Promise<number> {
  const name = "record_latency_trace.ts";
  const out = options.stdout ?? ((l: string) => console.log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  let parsed;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        task: { type: "string", default: "reach_around" },
        checkpoint: { type: "string" },
        n: { type: "string", default: "4096" },
        warmup: { type: "string", default: "64" },
        backend: { type: "string", default: "native" },
        out: { type: "string", default: "exp/tail_v2_trace.csv" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      out(HELP);
      return 0;
    }
    const task = getTask(values.task);
    parsed = {
      task,
      checkpoint: values.checkpoint ?? defaultCheckpoint(task.spec.name),
      n: parseIntFlag(values.n, "--n"),
      warmup: parseIntFlag(values.warmup, "--warmup", 0),
      backend: parseBackendName(values.backend, "--backend"),
      out: values.out,
    };
    if (!parsed.out.endsWith(".csv")) {
      throw new RangeError(
        `Cannot record as --out must name a .csv file: current value is "${parsed.out}"`,
      );
    }
  } catch (e) {
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
  const { task, n, warmup } = parsed;
  let policy;
  try {
    policy = await loadPolicy(task, {
      checkpoint: parsed.checkpoint,
      backend: parsed.backend,
    });
  } catch (e) {
    err(`${name}: error: ${errorLine(e)}`);
    return 2;
  }
  try {
    const load0 = loadavg();
    const naive = policy.samplerFor("naive");
    const realtime = policy.samplerFor("realtime");
    const H = policy.horizon, A = task.spec.actionDim;
    const stepper = createCpuStepper(task.cpu, { numEnvs: 1, seed: 0 });
    let obs = await stepper.reset();
    let chunk = new Float32Array(H * A);
    const rows: Record<string, number>[] = [];
    // CLOSED LOOP: NAIVE CHUNK, REALTIME CHUNK, EXECUTE ONE ACTION
    for (let i = -warmup; i < n; i++) {
      const prev = new Float32Array(H * A);
      prev.set(chunk.subarray(A));
      const counter = i + warmup;
      const t0 = performance.now();
      const a = await naive({ batch: 1, obs, seed: 0, counter });
      const t1 = performance.now();
      const b = await realtime({
        batch: 1,
        obs,
        prevChunk: prev,
        delay: Int32Array.of(1),
        executeHorizon: Int32Array.of(1),
        seed: 1,
        counter,
      });
      const t2 = performance.now();
      chunk = new Float32Array(b.chunk);
      // microseconds: below performance.now()'s resolution nothing is lost
      const us = (ms: number) => Math.round(ms * 1000) / 1000;
      if (i >= 0) {
        rows.push({
          inference: i,
          latency_ms: us(t1 - t0),
          realtime_ms: us(t2 - t1),
        });
      }
      obs = (await stepper.step(a.chunk.slice(0, A))).obs;
    }
    const load1 = loadavg();
    await writeTextFileAtomic(
      parsed.out,
      formatCsv(rows, {
        columns: ["inference", "latency_ms", "realtime_ms"],
        integerColumns: ["inference"],
      }),
    );
    const sidecar = `${parsed.out.slice(0, -4)}.json`;
    await writeJsonAtomic(sidecar, {
      what:
        "wall-clock ms of each of n consecutive B = 1 sampler calls (performance.now() around the call), a naive and a realtime chunk per iteration, closed loop on one environment; latency_ms is naive's",
      command: `deno run -A scripts/record_latency_trace.ts ${argv.join(" ")}`
        .trim(),
      task: task.spec.name,
      checkpoint: parsed.checkpoint,
      adapter: policy.adapter,
      cpu: cpus()[0]?.model ?? "unknown",
      logicalCpus: cpus().length,
      threads: Deno.env.get("EXP_DELTA_THREADS") ??
        "default (every logical CPU)",
      deno: Deno.version.deno,
      loadAverageBefore: load0,
      loadAverageAfter: load1,
      n,
      warmup,
    });
    out(`${name}: ${n} inferences into ${parsed.out} (${sidecar})`);
    return 0;
  } finally {
    policy.net.destroy?.();
  }
}
