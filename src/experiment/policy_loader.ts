/**
 * Loads a policy checkpoint onto a backend and makes chunk samplers for the
 * inference methods (`sampleChunk` of `src/rtc`), with input errors that name
 * the flag and the value.
 *
 * @module
 */
import { type BackendName, getBackend } from "../gpu/backend.ts";
import type { Task } from "../envs/types.ts";
import { exists } from "../io/atomic.ts";
import { sha256File } from "../io/hash.ts";
import { loadCheckpoint } from "../policy/checkpoint.ts";
import { createNet, type PolicyNet } from "../policy/net.ts";
import { type MethodName, resolveMethodConfig } from "../rtc/method_config.ts";
import { sampleChunk } from "../rtc/sample.ts";
import type { ChunkSampler } from "../eval/types.ts";

/**
 * A loaded policy.
 *
 * @example
 * ```ts
 * import type { LoadedPolicy } from "./policy_loader.ts";
 * const chunkLength = (p: LoadedPolicy): number => p.horizon;
 * ```
 */
export interface LoadedPolicy {
  /** The network. */
  net: PolicyNet;
  /** Its chunk length H. */
  horizon: number;
  /** Adapter that runs it. */
  adapter: string;
  /** The checkpoint path. */
  checkpoint: string;
  /** SHA-256 of the checkpoint file's bytes (64 hex digits). */
  checkpointSha256: string;
  /** A sampler for a method (default method settings). */
  samplerFor(method: MethodName): ChunkSampler;
}

/**
 * Options for {@linkcode loadPolicy}.
 *
 * @example
 * ```ts
 * import type { LoadPolicyOptions } from "./policy_loader.ts";
 * const options: LoadPolicyOptions = { checkpoint: "policy.safetensors", backend: "cpu" };
 * ```
 */
export interface LoadPolicyOptions {
  /** Path of the checkpoint (`.safetensors`, see `saveCheckpoint`). */
  checkpoint: string;
  /** Backend. @default WebGPU when an adapter exists, else the CPU reference */
  backend?: BackendName;
}

/**
 * Loads a checkpoint for a task.
 *
 * @param task The task (its dimensions are checked against the checkpoint).
 * @param options Checkpoint path and backend.
 * @returns The policy and a sampler factory.
 * @throws {RangeError} If the checkpoint does not exist or does not fit the task.
 *
 * @example
 * ```ts
 * import { loadPolicy } from "./policy_loader.ts";
 * import { getTask } from "../envs/mod.ts";
 * import { initParams, paramLayout, saveCheckpoint, SMALL_MODEL_CONFIG as config } from "../policy/mod.ts";
 * import assert from "node:assert/strict";
 * const task = getTask("reach_around");
 * const dims = { obsDim: task.spec.obsDim, actionDim: task.spec.actionDim };
 * const checkpoint = `${await Deno.makeTempDir()}/plain.safetensors`;
 * await saveCheckpoint(checkpoint, { config, ...dims, params: initParams(paramLayout(config, dims), { seed: 0 }) });
 * const policy = await loadPolicy(task, { checkpoint, backend: "cpu" });
 * const sampler = policy.samplerFor("naive");
 * const { chunk } = await sampler({ batch: 1, obs: new Float32Array(9), seed: 0, counter: 0 });
 * assert.equal(chunk.length, policy.horizon * 2);
 * ```
 */
export async function loadPolicy(
  task: Task,
  options: LoadPolicyOptions,
): Promise<LoadedPolicy> {
  const checkpoint = options.checkpoint;
  if (!(await exists(checkpoint))) {
    throw new RangeError(
      `Cannot load policy as the checkpoint file does not exist (train one with deno task train): current value is "${checkpoint}"`,
    );
  }
  const checkpointSha256 = await sha256File(checkpoint);
  const ckpt = await loadCheckpoint(checkpoint);
  if (
    ckpt.obsDim !== task.spec.obsDim || ckpt.actionDim !== task.spec.actionDim
  ) {
    throw new RangeError(
      `Cannot load policy as --checkpoint has obsDim ${ckpt.obsDim}, actionDim ${ckpt.actionDim} but task ${task.spec.name} needs ${task.spec.obsDim}, ${task.spec.actionDim}: current value is "${checkpoint}"`,
    );
  }
  const backend = await getBackend({ backend: options.backend });
  const net = await createNet(backend, {
    config: ckpt.config,
    obsDim: ckpt.obsDim,
    actionDim: ckpt.actionDim,
    params: ckpt.params,
  });
  return {
    net,
    horizon: ckpt.config.actionChunkSize,
    adapter: backend.adapterName,
    checkpoint,
    checkpointSha256,
    samplerFor(m) {
      const method = resolveMethodConfig({ method: m });
      return (req) => sampleChunk(net, req, method);
    },
  };
}
