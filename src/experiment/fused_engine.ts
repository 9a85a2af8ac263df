/**
 * The matrix hook that runs a run with the GPU-fused evaluators
 * (`evaluateScanGpu`, `evaluateAsyncGpu`) where they apply, for Step D and
 * the sweep. Every method is fused, with its default config (temporal
 * ensembling with the default decay and `bid` without forward contrast, as
 * `matrixMethod`) or the config given in `configs` (e.g. `bid` with `bidK`
 * and a weak policy on the net's device), with every forecaster (oracle,
 * buffer_max, quantile; any ring); a weak policy off the net's device goes
 * to the CPU-orchestrated evaluators.
 *
 * @module
 */
import type { Task } from "../envs/types.ts";
import type { DelayProfile } from "../latency/types.ts";
import { scaleProfile } from "../latency/scale.ts";
import type { PolicyNet } from "../policy/net.ts";
import {
  type MethodConfig,
  type MethodName,
  resolveMethodConfig,
} from "../rtc/method_config.ts";
import {
  canAsyncOnGpu,
  evaluateAsyncGpu,
  type GpuForecaster,
} from "../eval/async_gpu.ts";
import type { MatrixPlan } from "./matrix.ts";
import { canScanOnGpu, evaluateScanGpu } from "../eval/scan_gpu.ts";

/**
 * What {@linkcode fusedEngine} needs to know about the matrix.
 *
 * @example
 * ```ts
 * import type { FusedEngineOptions } from "./fused_engine.ts";
 * const scanOnly = (o: FusedEngineOptions): boolean => o.evaluator === "scan";
 * ```
 */
export interface FusedEngineOptions {
  /** The policy (the hook applies only to a WebGPU net). */
  net: PolicyNet;
  /** The matrix's profiles, resolved. */
  profiles: readonly { name: string; profile: DelayProfile }[];
  /** Rollouts per run. */
  rollouts: number;
  /** Evaluator. */
  evaluator: "scan" | "async";
  /** `scan`: s; `async`: s_min. */
  executeHorizon: number;
  /** Scan: delay mode. @default "shared" */
  delayMode?: "shared" | "per_env";
  /** Async: the forecaster config. @default oracle */
  forecaster?: { kind: string; size?: number };
  /** Async: starvation action. @default "hold" */
  starve?: "hold" | "zero";
  /**
   * Resolved configs of the methods that do not run with their defaults,
   * by method name (e.g. `bid` with `bidK` and `bidWeakPolicy`; the
   * matrix's CPU sampler of that method must use the same config).
   * @default {} (every method `resolveMethodConfig({ method })`)
   */
  configs?: Readonly<Partial<Record<MethodName, MethodConfig>>>;
  /**
   * Cost-coupled latency: the latency scale of each method's delays
   * (`scaleProfile`), as the matrix method's `latencyCost.scale`.
   * @default {} (every method's scale 1)
   */
  latencyScale?: Readonly<Partial<Record<MethodName, number>>>;
}

function configOf(method: MethodName, options: FusedEngineOptions) {
  return options.configs?.[method] ?? resolveMethodConfig({ method });
}

/**
 * Whether a method runs on the fused path with these options.
 *
 * @param method The method name.
 * @param options The matrix options.
 * @returns True when the fused evaluator applies.
 *
 * @example
 * ```ts ignore
 * const cpuOnly = methods.filter((m) => !isFusable(m, options));
 * ```
 */
export function isFusable(
  method: MethodName,
  options: FusedEngineOptions,
): boolean {
  const config = configOf(method, options);
  return options.evaluator === "scan"
    ? canScanOnGpu(options.net, config)
    : canAsyncOnGpu(
      options.net,
      config,
      options.forecaster ?? { kind: "oracle" },
    );
}

/**
 * The `fused` hook of a {@linkcode MatrixPlan}: runs a run on the GPU-fused
 * evaluator when its method (and forecaster) allow, else returns undefined
 * so the CPU-orchestrated evaluator runs it.
 *
 * @param task The task.
 * @param options The net and the matrix options.
 * @returns The hook (named `webgpu-fused`).
 *
 * @example
 * ```ts ignore
 * const plan: MatrixPlan = { ...rest, fused: fusedEngine(task, { net, profiles, rollouts: 256, evaluator: "scan", executeHorizon: 1 }) };
 * ```
 */
export function fusedEngine(
  task: Task,
  options: FusedEngineOptions,
): NonNullable<MatrixPlan["fused"]> {
  return {
    name: "webgpu-fused",
    run(key) {
      const m = key.method as MethodName;
      if (!isFusable(m, options)) return undefined;
      const profile = options.profiles.find((p) => p.name === key.profile);
      if (!profile) return undefined;
      const scale = options.latencyScale?.[m] ?? 1;
      const common = {
        net: options.net,
        method: configOf(m, options),
        profile: scale === 1
          ? profile.profile
          : scaleProfile(profile.profile, scale),
        seed: key.seed,
        numEnvs: options.rollouts,
      };
      return options.evaluator === "scan"
        ? evaluateScanGpu(task, {
          ...common,
          executeHorizon: options.executeHorizon,
          delayMode: options.delayMode,
        })
        : evaluateAsyncGpu(task, {
          ...common,
          sMin: options.executeHorizon,
          forecaster:
            (options.forecaster ?? { kind: "oracle" }) as GpuForecaster,
          starve: options.starve,
        });
    },
  };
}
