import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadCheckpoint } from "../policy/checkpoint.ts";
import { createGpuNet } from "../policy/net_gpu.ts";
import { getBackend } from "../gpu/backend.ts";
import { createNet, type PolicyNet } from "../policy/net.ts";
import { paramLayout } from "../policy/params.ts";
import {
  type MethodConfig,
  type MethodName,
  resolveMethodConfig,
} from "../rtc/method_config.ts";
import type { EvalResult } from "../eval/common.ts";

/**
 * Shared setup of the GPU-fused evaluators' parity tests: the shipped
 * reach_around checkpoints on a device, and the comparison of a fused run
 * with the CPU-orchestrated one.
 *
 * Tolerances: delays are integer draws and must be identical (as sorted
 * multisets: the async evaluators list them in different orders); the WGSL
 * and CPU twins of reach_around agree to float32 rounding and the task is
 * not chaotic, so every rollout must have the same first-episode outcome
 * (solved flag and length); returns are summed in float32 on the GPU and
 * float64 on the CPU (|Δ| ≤ 1e-4); smoothness maxima agree to 1e-4
 * relative; starvation and inference counts are integers and must agree.
 * A wrong action index, delay, noise coordinate or shift changes the
 * outcomes of many rollouts.
 *
 * @module
 */

const TOL = 1e-4;

function shippedPath(variant: string): string {
  return fileURLToPath(
    new URL(
      `../../exp_runs/checkpoints/reach_around/${variant}.safetensors`,
      import.meta.url,
    ),
  );
}

/**
 * Loads a shipped reach_around checkpoint as a WebGPU net on `device`.
 *
 * @param device The test device.
 * @param variant Checkpoint name, e.g. "plain_h4".
 * @returns The net.
 *
 * @example
 * ```ts ignore
 * const net = await loadShippedNet(device, "plain_h4");
 * ```
 */
export async function loadShippedNet(
  device: GPUDevice,
  variant: string,
): Promise<PolicyNet> {
  const ckpt = await loadCheckpoint(shippedPath(variant));
  const dims = { obsDim: ckpt.obsDim, actionDim: ckpt.actionDim };
  return createGpuNet(device, {
    config: ckpt.config,
    ...dims,
    layout: paramLayout(ckpt.config, dims),
    params: ckpt.params,
  });
}

/**
 * Loads a shipped reach_around checkpoint as a CPU reference net.
 *
 * @param variant Checkpoint name, e.g. "plain_h4".
 * @returns The net.
 *
 * @example
 * ```ts ignore
 * const net = await loadShippedCpuNet("plain_h4");
 * ```
 */
export async function loadShippedCpuNet(variant: string): Promise<PolicyNet> {
  const ckpt = await loadCheckpoint(shippedPath(variant));
  return await createNet(await getBackend({ backend: "cpu" }), {
    config: ckpt.config,
    obsDim: ckpt.obsDim,
    actionDim: ckpt.actionDim,
    params: ckpt.params,
  });
}

/**
 * Asserts a fused GPU run agrees with the CPU-orchestrated run (see the
 * module doc for the tolerances) and is not vacuous.
 *
 * @param gpu The fused run.
 * @param cpu The CPU-orchestrated run.
 * @param what Label for messages.
 *
 * @example
 * ```ts ignore
 * assertRunsAgree(await evaluateScanGpu(task, o), await evaluateScan(task, o2), "realtime");
 * ```
 */
export function assertRunsAgree(
  gpu: EvalResult,
  cpu: EvalResult,
  what: string,
): void {
  const sorted = (d: Int32Array) => [...d].sort((a, b) => a - b);
  assert.deepEqual(sorted(gpu.delays), sorted(cpu.delays), `${what}: delays`);
  assert.equal(gpu.steps, cpu.steps);
  assert.deepEqual(gpu.log.firstSolved, cpu.log.firstSolved, what);
  assert.deepEqual(gpu.log.firstLength, cpu.log.firstLength, what);
  for (const k of ["p_starve", "mean_s", "n_inferences"] as const) {
    assert.equal(gpu.metrics[k], cpu.metrics[k], `${what}: ${k}`);
  }
  const n = gpu.log.numEnvs;
  for (let e = 0; e < n; e++) {
    assert.ok(
      Math.abs(gpu.log.firstReturn[e]! - cpu.log.firstReturn[e]!) <= TOL,
      `${what}: return of rollout ${e}`,
    );
    for (
      const k of [
        "maxDelta",
        "maxDdelta",
        "maxDeltaFirst",
        "maxDdeltaFirst",
      ] as const
    ) {
      const a = gpu.log[k][e]!, b = cpu.log[k][e]!;
      assert.ok(
        Math.abs(a - b) <= TOL * (1 + Math.abs(b)),
        `${what}: ${k} of rollout ${e}: ${a} vs ${b}`,
      );
    }
  }
  // Not a quality bar: agreement on outcomes only means something when a
  // real share of the rollouts solve (a policy that always fails agrees
  // trivially).
  assert.ok(
    gpu.metrics.returned_episode_solved >= 0.25,
    `${what}: solved ${gpu.metrics.returned_episode_solved} < 0.25`,
  );
  assert.ok(gpu.delays.some((d) => d > 0), `${what}: some delay > 0`);
}

/** The method part of a parity case: shipped variant, method and its options. */
export interface ParityMethod {
  /** Shipped reach_around checkpoint name, e.g. "plain_h4". */
  variant: string;
  /** The method under test. */
  method: MethodName;
  /** temporal_ensembling only: the ACT decay. */
  decay?: number;
  /** bid only: forward contrast against a weak shipped policy. */
  weak?: { variant: string; k: number; samples: number };
  /** bid only, without `weak`: candidates per inference. @default 16 */
  bidSamples?: number;
  /** Rollouts of the comparison (the test file's default when absent). */
  rollouts?: number;
}

/**
 * Loads the case's net (and weak net), resolves its method and the naive
 * first-chunk method, runs `fn` and destroys the nets.
 *
 * @param device The test device.
 * @param c The case.
 * @param fn The comparison.
 * @returns What `fn` returns.
 *
 * @example
 * ```ts ignore
 * await withParityNets(device, { variant: "plain_h4", method: "realtime" },
 *   ({ net, method, naive }) => compareRuns(net, method, naive));
 * ```
 */
export async function withParityNets<T>(
  device: GPUDevice,
  c: ParityMethod,
  fn: (
    nets: { net: PolicyNet; method: MethodConfig; naive: MethodConfig },
  ) => Promise<T>,
): Promise<T> {
  const net = await loadShippedNet(device, c.variant);
  const weak = c.weak && await loadShippedNet(device, c.weak.variant);
  try {
    const method = resolveMethodConfig({
      method: c.method,
      ...(c.decay === undefined ? {} : { temporalDecay: c.decay }),
      ...(c.bidSamples === undefined ? {} : { bidSamples: c.bidSamples }),
      ...(c.weak === undefined ? {} : {
        bidSamples: c.weak.samples,
        bidK: c.weak.k,
        bidWeakPolicy: weak,
      }),
    });
    const naive = resolveMethodConfig({ method: "naive" });
    return await fn({ net, method, naive });
  } finally {
    net.destroy?.();
    weak?.destroy?.();
  }
}
