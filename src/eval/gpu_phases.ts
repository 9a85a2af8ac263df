/**
 * Submission of the GPU-fused evaluators' work, one command buffer per
 * control iteration, or (timed runs) one per phase with a wait after each,
 * accumulating seconds per phase net of the queue round trip.
 *
 * @module
 */

/**
 * Seconds per phase of a timed GPU-fused run.
 *
 * @example
 * ```ts
 * import type { GpuSplit } from "./gpu_phases.ts";
 * const total = (s: GpuSplit): number => s.policy + s.env + s.delays + s.readback;
 * ```
 */
export interface GpuSplit {
  /** Chunk sampling (every network and sampling dispatch). */
  policy: number;
  /** Environment kernels: action selection, noise, stepping, log, chunk bookkeeping (and the reset). */
  env: number;
  /** Delay draws, forecasts and the sampler's call records. */
  delays: number;
  /** The final readback and metric computation. */
  readback: number;
  /**
   * Median round trip of an empty submission (seconds), measured before the
   * run and subtracted from every phase above (each phase waits for the GPU
   * once per iteration; on llvmpipe that wait alone costs ~10 ms).
   */
  sync: number;
}

/** A phase name and the commands it records. */
export type GpuPhase = [
  "policy" | "env" | "delays",
  (encoder: GPUCommandEncoder) => void,
];

/**
 * Creates the submitter of a run.
 *
 * @param device The device.
 * @param timing Wait after each phase and measure (else one submission per call, no wait).
 * @returns `split` (zeros unless timing) and `run(phases)`.
 *
 * @example
 * ```ts ignore
 * const phases = await createPhaseRunner(device, false);
 * await phases.run([["env", (enc) => dispatch(device, [reset], enc)]]);
 * ```
 */
export async function createPhaseRunner(
  device: GPUDevice,
  timing: boolean,
): Promise<{ split: GpuSplit; run(phases: GpuPhase[]): Promise<void> }> {
  const split: GpuSplit = {
    policy: 0,
    env: 0,
    delays: 0,
    readback: 0,
    sync: 0,
  };
  if (timing) {
    const trips: number[] = [];
    for (let k = 0; k < 15; k++) {
      const t = performance.now();
      device.queue.submit([device.createCommandEncoder().finish()]);
      await device.queue.onSubmittedWorkDone();
      trips.push((performance.now() - t) / 1000);
    }
    split.sync = trips.sort((a, b) => a - b)[7]!;
  }
  return {
    split,
    async run(phases) {
      if (!timing) {
        const enc = device.createCommandEncoder();
        for (const [, record] of phases) record(enc);
        device.queue.submit([enc.finish()]);
        return;
      }
      for (const [phase, record] of phases) {
        const t = performance.now();
        const enc = device.createCommandEncoder();
        record(enc);
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
        split[phase] += Math.max(
          0,
          (performance.now() - t) / 1000 - split.sync,
        );
      }
    },
  };
}
