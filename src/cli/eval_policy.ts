/**
 * Evaluates one checkpoint at one point: a method, a fixed delay d and an
 * execute horizon s, with the seed-compatible `scan` evaluator of
 * `src/eval` (naive first chunk, action noise 0.1), and prints the solve
 * rate with its 95 % Wilson interval (`--help` for the options).
 *
 * A thin wrapper over `loadPolicy` + `evaluateScan` + `resolveProfile`; the
 * library entry point it stands in for would be
 * `evaluateCheckpoint(task, { checkpoint, method, delay, executeHorizon, rollouts, seed })`
 * in `src/eval`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { getTask } from "../envs/registry.ts";
import { resolveProfile } from "../latency/mod.ts";
import { METHOD_NAMES } from "../rtc/method_config.ts";
import {
  exitCodeOf,
  parseBackendFlag,
  parseChoice,
  parseIntFlag,
} from "./args.ts";
import { loadPolicy } from "../experiment/policy_loader.ts";
import { defaultCheckpoint } from "./checkpoints.ts";
import { evaluateScan } from "../eval/scan.ts";

const HELP = `Usage: deno run -A scripts/eval_policy.ts [options]

Evaluates a checkpoint with the scan evaluator at a fixed delay d and execute
horizon s and prints one JSON line (solve rate, Wilson interval, timing).

Options:
  --task <name>          task (default reach_around)
  --checkpoint <path>    policy (default exp_runs/checkpoints/<task>/plain.safetensors)
  --method <name>        ${METHOD_NAMES.join(", ")} (default naive)
  --delay <d>            fixed delay in control steps (default 0)
  --s <n>                execute horizon (default 1)
  --rollouts <n>         rollouts (default 2048)
  --seed <n>             seed (default 0)
  --backend cpu|webgpu|native|auto   policy backend (default auto: GPU, else the faster of native and llvmpipe)`;

/** The command, throwing on bad input. */
async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      task: { type: "string", default: "reach_around" },
      checkpoint: { type: "string" },
      method: { type: "string", default: "naive" },
      delay: { type: "string", default: "0" },
      s: { type: "string", default: "1" },
      rollouts: { type: "string", default: "2048" },
      seed: { type: "string", default: "0" },
      backend: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const task = getTask(values.task);
  const method = parseChoice(values.method, "--method", METHOD_NAMES);
  const delay = parseIntFlag(values.delay, "--delay", 0);
  const s = parseIntFlag(values.s, "--s");
  const rollouts = parseIntFlag(values.rollouts, "--rollouts");
  const seed = parseIntFlag(values.seed, "--seed", 0);
  const policy = await loadPolicy(task, {
    checkpoint: values.checkpoint ?? defaultCheckpoint(task.spec.name),
    backend: parseBackendFlag(values.backend),
  });
  const t0 = performance.now();
  try {
    const result = await evaluateScan(task, {
      sampler: policy.samplerFor(method),
      initialSampler: policy.samplerFor("naive"),
      profile: resolveProfile({ kind: "fixed", delay }),
      seed,
      numEnvs: rollouts,
      horizon: policy.horizon,
      executeHorizon: s,
    });
    const m = result.metrics;
    console.log(JSON.stringify({
      task: task.spec.name,
      checkpoint: policy.checkpoint,
      horizon: policy.horizon,
      method,
      delay,
      s,
      rollouts,
      seed,
      solved: m.returned_episode_solved,
      solved_ci: [m.solved_ci_low, m.solved_ci_high],
      returns: m.returned_episode_returns,
      lengths: m.returned_episode_lengths,
      adapter: policy.adapter,
      wall_s: Number(((performance.now() - t0) / 1000).toFixed(1)),
    }));
  } finally {
    policy.net.destroy?.();
  }
  return 0;
}

/**
 * The `scripts/eval_policy.ts` command: solve rate of a checkpoint under one method, delay and execute horizon.
 *
 * @param args Command-line arguments (`--help` lists them).
 * @param options Where errors go.
 * @returns The exit code: 0 done, 2 bad input or a failed run (one `error:` line).
 */
export async function evalPolicyMain(
  args: string[],
  options: { stderr?: (line: string) => void } = {},
): Promise<number> {
  return await exitCodeOf("eval_policy.ts", {
    run: () => run(args),
    stderr: options.stderr,
  });
}
