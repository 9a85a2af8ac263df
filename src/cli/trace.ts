/**
 * The trace command (`scripts/trace.ts`): per-step traces of fixed-delay
 * scan evaluations, summarised per method, delay and lookahead
 * (`summarizeTrace`): how far the executed actions are from the scripted
 * expert's action for the true state, and how far each new chunk lies from
 * the previous one over the committed prefix and the next positions.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { getTask } from "../envs/registry.ts";
import { createCpuStepper } from "../envs/wrapper.ts";
import type { ChunkSampler } from "../eval/types.ts";
import { expertChunkSampler } from "../experiment/bounds.ts";
import { loadPolicy } from "../experiment/policy_loader.ts";
import {
  summarizeTrace,
  traceScan,
  type TraceSummaryRow,
} from "../experiment/trace.ts";
import { sweepExecuteHorizon } from "../experiment/sweep.ts";
import { writeTextFileAtomic } from "../io/atomic.ts";
import { formatCsv } from "../io/csv.ts";
import { METHOD_NAMES, type MethodName } from "../rtc/method_config.ts";
import { defaultCheckpoint } from "./checkpoints.ts";
import {
  errorLine,
  parseBackendFlag,
  parseChoice,
  parseIntFlag,
  parseList,
  parseSeeds,
} from "./args.ts";

const BOUNDS = ["expert_stale", "expert_prefix"] as const;
const CHOICES = [...METHOD_NAMES, ...BOUNDS];

const HELP = `Usage: deno run -A scripts/trace.ts --out <file.csv> [options]

Per-step traces of fixed-delay scan evaluations (s = max(d, 1)), summarised
per method, delay and lookahead: mean distance of the executed actions to the
scripted expert's action for the true state, and mean distance of each new
chunk to the previous one over the committed prefix and the next d positions.

Options:
  --task <name>          task [reach_around]
  --checkpoint <path>    plain policy [exp_runs/checkpoints/<task>/plain.safetensors]
  --training-time-checkpoint <path>  [exp_runs/checkpoints/<task>/training_time.safetensors]
  --methods <list>       methods and expert_stale, expert_prefix [naive,realtime,hard_masking,expert_stale,expert_prefix]
  --delays <spec>        [1,2]
  --rollouts <n>         [512]
  --seed <n>             [0]
  --backend cpu|webgpu|native|auto   policy backend [auto]
  --out <file.csv>       where the summary goes (required)`;

/**
 * The `scripts/trace.ts` command.
 *
 * @param argv Command-line arguments.
 * @param options Output sinks.
 * @returns Exit code: 0 done, 2 bad input.
 *
 * @example
 * ```ts
 * import { traceMain } from "./trace.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * assert.equal(await traceMain(["--help"], { stdout: (l) => lines.push(l) }), 0);
 * assert.match(lines[0]!, /^Usage:/);
 * assert.equal(await traceMain(["--methods", "nope", "--out", "x.csv"], { stderr: () => {} }), 2);
 * ```
 */
export async function traceMain(
  argv: string[],
  options: {
    stdout?: (line: string) => void;
    stderr?: (line: string) => void;
  } = {},
): Promise<number> {
  const out = options.stdout ?? ((l: string) => console.log(l));
  const err = options.stderr ?? ((l: string) => console.error(l));
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        task: { type: "string", default: "reach_around" },
        checkpoint: { type: "string" },
        "training-time-checkpoint": { type: "string" },
        methods: {
          type: "string",
          default: "naive,realtime,hard_masking,expert_stale,expert_prefix",
        },
        delays: { type: "string", default: "1,2" },
        rollouts: { type: "string", default: "512" },
        seed: { type: "string", default: "0" },
        backend: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      out(HELP);
      return 0;
    }
    const methods = parseList(values.methods, "--methods").map((m) =>
      parseChoice(m, "--methods", CHOICES)
    );
    const delays = parseSeeds(values.delays, "--delays");
    const rollouts = parseIntFlag(values.rollouts, "--rollouts");
    const seed = parseIntFlag(values.seed, "--seed", 0);
    if (!values.out) throw new RangeError("Cannot trace as --out is missing");
    const task = getTask(values.task);
    const t = task.spec.name;
    const backend = parseBackendFlag(values.backend);
    const plain = await loadPolicy(task, {
      checkpoint: values.checkpoint ?? defaultCheckpoint(t),
      backend,
    });
    const tt = methods.includes("training_time")
      ? await loadPolicy(task, {
        checkpoint: values["training-time-checkpoint"] ??
          defaultCheckpoint(t, "training_time"),
        backend,
      })
      : plain;
    const H = plain.horizon;
    const rows: TraceSummaryRow[] = [];
    for (const d of delays) {
      const s = sweepExecuteHorizon(d);
      for (const m of methods) {
        const stepper = createCpuStepper(task.cpu, { numEnvs: rollouts, seed });
        let sampler: ChunkSampler;
        let initial: ChunkSampler;
        if (m === "expert_stale" || m === "expert_prefix") {
          sampler = expertChunkSampler(stepper, {
            horizon: H,
            bound: m === "expert_stale" ? "stale" : "prefix",
          });
          initial = sampler;
        } else {
          const p = m === "training_time" ? tt : plain;
          sampler = p.samplerFor(m as MethodName);
          initial = p.samplerFor("naive");
        }
        const trace = await traceScan(task, {
          sampler,
          initialSampler: initial,
          stepper,
          delay: d,
          executeHorizon: s,
          horizon: H,
          seed,
        });
        const summary = summarizeTrace(trace, {
          task: t,
          method: m,
          delay: d,
          executeHorizon: s,
        });
        rows.push(...summary);
        err(
          `trace.ts: ${t} d=${d} ${m}: solved ${summary[0]?.solved.toFixed(3)}`,
        );
      }
    }
    plain.net.destroy?.();
    if (tt !== plain) tt.net.destroy?.();
    await writeTextFileAtomic(
      values.out,
      formatCsv(rows as unknown as Record<string, string | number>[], {
        columns: [
          "task",
          "method",
          "delay",
          "execute_horizon",
          "lookahead",
          "steps",
          "expert_gap",
          "prefix_gap",
          "next_gap",
          "solved",
        ],
        integerColumns: ["delay", "execute_horizon", "lookahead", "steps"],
      }),
    );
    out(`trace.ts: ${rows.length} rows in ${values.out}`);
    return 0;
  } catch (e) {
    err(`trace.ts: error: ${errorLine(e)}`);
    return 2;
  }
}
