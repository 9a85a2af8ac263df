/**
 * exp-delta: Real-Time Chunking of action-chunking flow policies under
 * random, long-tailed inference latency. Delay profiles and tail control,
 * four latency-sensitive tasks, the FlowPolicy network with checkpoints and
 * training, every inference method of the RTC papers, the seed-compatible
 * and the asynchronous evaluators (CPU-orchestrated or fused into WebGPU
 * kernels), the experiment matrix and figures.
 *
 * This module holds the entry points; each area has its own module with the
 * rest: `@exp-delta/exp-delta/latency`, `/envs`, `/policy`, `/rtc`, `/eval`,
 * `/experiment`, `/plot`.
 *
 * @example
 * ```ts
 * import { evaluateScan, getTask, resolveProfile, SEED_PROFILES } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const task = getTask("reach_around");
 * // any ChunkSampler works; a policy's comes from loadPolicy(...).samplerFor(method)
 * const sampler = (req: { batch: number }) =>
 *   Promise.resolve({ chunk: new Float32Array(req.batch * 4 * task.spec.actionDim) });
 * const result = await evaluateScan(task, {
 *   sampler, profile: resolveProfile(SEED_PROFILES.long_tail), seed: 0, numEnvs: 4, horizon: 4,
 * });
 * assert.equal(result.metrics.returned_episode_solved, 0);
 * ```
 *
 * @module
 */
export {
  bufferMax,
  coldStart,
  type DelayProfile,
  delaySummary,
  dropSpike,
  type Forecaster,
  hedge,
  loadProfiles,
  oracle,
  percentile,
  type ProfileConfig,
  pViolate,
  quantile,
  resolveProfile,
  SEED_PROFILES,
  tailCap,
  wilsonInterval,
  withTransforms,
} from "./src/latency/mod.ts";
export {
  CARTPOLE_SWINGUP,
  CATCH,
  type CpuStepper,
  createCpuStepper,
  defineTask,
  type EpisodeKey,
  getTask,
  LANDER,
  REACH_AROUND,
  rolloutExpert,
  type Task,
  type TaskCpu,
  taskHeaderWgsl,
  type TaskParams,
  TASKS,
  type TaskSpec,
  wgslFloat,
} from "./src/envs/mod.ts";
export {
  type Checkpoint,
  createNet,
  loadCheckpoint,
  type ModelConfig,
  type PolicyNet,
  saveCheckpoint,
  SMALL_MODEL_CONFIG,
  trainPolicy,
} from "./src/policy/mod.ts";
export {
  type ChunkRequest,
  type ChunkResult,
  METHOD_NAMES,
  type MethodConfig,
  type MethodName,
  resolveMethodConfig,
  sampleChunk,
} from "./src/rtc/mod.ts";
export {
  type ChunkSampler,
  deriveDelaySeed,
  type EvalResult,
  evaluateAsync,
  evaluateAsyncGpu,
  evaluateScan,
  evaluateScanGpu,
} from "./src/eval/mod.ts";
export {
  type LoadedPolicy,
  loadPolicy,
  type MatrixPlan,
  type MatrixReport,
  parseResultsCsv,
  runMatrix,
  summarizeResults,
} from "./src/experiment/mod.ts";
export {
  delayDistributionFigure,
  renderSvg,
  smoothnessFigure,
  solveRateFigure,
  sweepFigure,
} from "./src/plot/mod.ts";
export { type Backend, type BackendName, getBackend } from "./src/gpu/mod.ts";
export { encodeGif, type GifFrame } from "./src/io/mod.ts";
