/**
 * CPU twin of `reach_around` (the reference for `reach_around_wgsl.ts`; the
 * semantics are documented in `reach_around.ts`). Every operation is rounded
 * with `Math.fround`, in the same order as the WGSL.
 *
 * @module
 */

import { uniform } from "../../rng/rng.ts";
import type { EpisodeKey, RgbaImage, TaskCpu } from "../types.ts";
import {
  REACH_AROUND_PARAMS as P,
  REACH_AROUND_SPEC,
} from "./reach_around_params.ts";
import { renderReachAround } from "./reach_around_render.ts";

const f = Math.fround;

const DT = f(P.dt);
const ACCEL = f(P.accel);
const OBSTACLE_RADIUS = f(P.obstacleRadius);
const AGENT_RADIUS = f(P.agentRadius);
const GOAL_RADIUS = f(P.goalRadius);
const GOAL_SPEED = f(P.goalSpeed);
const WAYPOINT_DX = f(P.waypointDx);
const WAYPOINT_DY = f(P.waypointDy);
const CRUISE_SPEED = f(P.cruiseSpeed);
const KP = f(P.kp);
const KV = f(P.kv);

function clip1(x: number): number {
  return Math.min(1, Math.max(-1, x));
}

/**
 * The expert's side for an episode: -1 (left) or +1 (right).
 *
 * @param key Seed, environment and episode.
 * @returns -1 or +1.
 *
 * @example
 * ```ts
 * import { reachAroundSide } from "./reach_around_cpu.ts";
 * import assert from "node:assert/strict";
 * assert.ok([-1, 1].includes(reachAroundSide({ seed: 0, env: 3, episode: 0 })));
 * ```
 */
export function reachAroundSide(key: EpisodeKey): number {
  const u = uniform(
    key.seed,
    key.env,
    (key.episode * 1024 + P.modeDraw) >>> 0,
  );
  return u < 0.5 ? -1 : 1;
}

function reset(state: Float32Array, key: EpisodeKey): void {
  const c = (key.episode * 1024) >>> 0;
  const u = (k: number, lane: number) =>
    uniform(key.seed, key.env, (c + k) >>> 0, lane);
  state[0] = f(f(u(0, 0) * f(0.2)) - f(0.1));
  state[1] = f(f(u(0, 1) * f(0.1)) - f(0.85));
  state[2] = 0;
  state[3] = 0;
  state[4] = f(f(u(0, 2) * f(0.2)) - f(0.1));
  state[5] = f(f(u(0, 3) * f(0.1)) + f(0.75));
  state[6] = f(f(u(1, 0) * f(0.1)) - f(0.05));
  state[7] = f(f(u(1, 1) * f(0.1)) - f(0.05));
  state[8] = 0;
}

function step(
  state: Float32Array,
  action: Float32Array,
  out: Float32Array,
): void {
  const ax = clip1(action[0]!);
  const ay = clip1(action[1]!);
  const vx = f(state[2]! + f(f(ax * ACCEL) * DT));
  const vy = f(state[3]! + f(f(ay * ACCEL) * DT));
  const px = f(state[0]! + f(vx * DT));
  const py = f(state[1]! + f(vy * DT));
  const t = f(state[8]! + 1);
  state[0] = px;
  state[1] = py;
  state[2] = vx;
  state[3] = vy;
  state[8] = t;
  const dox = f(px - state[6]!);
  const doy = f(py - state[7]!);
  const dObs = f(Math.sqrt(f(f(dox * dox) + f(doy * doy))));
  const dgx = f(state[4]! - px);
  const dgy = f(state[5]! - py);
  const dGoal = f(Math.sqrt(f(f(dgx * dgx) + f(dgy * dgy))));
  const speed = f(Math.sqrt(f(f(vx * vx) + f(vy * vy))));
  const crashed = dObs < f(OBSTACLE_RADIUS + AGENT_RADIUS) ||
    Math.abs(px) > 1 || Math.abs(py) > 1;
  const reached = dGoal < GOAL_RADIUS && speed < GOAL_SPEED;
  if (crashed) {
    out[0] = -1;
    out[1] = 1;
    out[2] = 0;
  } else if (reached) {
    out[0] = 1;
    out[1] = 1;
    out[2] = 1;
  } else {
    out[0] = 0;
    out[1] = t >= P.maxTimesteps ? 1 : 0;
    out[2] = 0;
  }
}

function observe(state: Float32Array, obs: Float32Array): void {
  obs[0] = state[0]!;
  obs[1] = state[1]!;
  obs[2] = state[2]!;
  obs[3] = state[3]!;
  obs[4] = f(state[4]! - state[0]!);
  obs[5] = f(state[5]! - state[1]!);
  obs[6] = f(state[6]! - state[0]!);
  obs[7] = f(state[7]! - state[1]!);
  obs[8] = f(state[8]! / P.maxTimesteps);
}

function expert(
  state: Float32Array,
  action: Float32Array,
  key: EpisodeKey,
): void {
  const side = reachAroundSide(key);
  const px = state[0]!;
  const py = state[1]!;
  let dvx: number;
  let dvy: number;
  if (py < state[7]!) {
    const wx = f(state[6]! + f(side * WAYPOINT_DX));
    const wy = f(state[7]! + WAYPOINT_DY);
    const dx = f(wx - px);
    const dy = f(wy - py);
    const d = f(Math.max(f(Math.sqrt(f(f(dx * dx) + f(dy * dy)))), f(1e-6)));
    dvx = f(f(dx / d) * CRUISE_SPEED);
    dvy = f(f(dy / d) * CRUISE_SPEED);
  } else {
    const dx = f(state[4]! - px);
    const dy = f(state[5]! - py);
    const d = f(Math.max(f(Math.sqrt(f(f(dx * dx) + f(dy * dy)))), f(1e-6)));
    const speed = f(Math.min(f(KP * d), CRUISE_SPEED));
    dvx = f(f(dx / d) * speed);
    dvy = f(f(dy / d) * speed);
  }
  const k = f(KV / ACCEL);
  action[0] = clip1(f(k * f(dvx - state[2]!)));
  action[1] = clip1(f(k * f(dvy - state[3]!)));
}

/**
 * CPU twin of `reach_around` (see the module doc for the semantics).
 *
 * @example
 * ```ts
 * import { REACH_AROUND_CPU } from "./reach_around_cpu.ts";
 * import assert from "node:assert/strict";
 * const s = new Float32Array(9);
 * REACH_AROUND_CPU.reset(s, { seed: 1, env: 0, episode: 0 });
 * const a = new Float32Array(2);
 * REACH_AROUND_CPU.expert(s, a, { seed: 1, env: 0, episode: 0 });
 * const out = new Float32Array(3);
 * REACH_AROUND_CPU.step(s, a, out);
 * assert.equal(s[8], 1);
 * ```
 */
export const REACH_AROUND_CPU: TaskCpu = {
  spec: REACH_AROUND_SPEC,
  reset,
  step,
  observe,
  expert,
  render(
    state: Float32Array,
    opts?: { width?: number; height?: number },
  ): RgbaImage {
    return renderReachAround(state, opts);
  },
};
