/**
 * `reach_around`: a 2D point mass (double integrator) must park on a goal that
 * sits behind a round obstacle. Going round the left or the right is equally
 * good, so the scripted expert is bimodal.
 *
 * - **State** (`stateDim` 9): `[px, py, vx, vy, gx, gy, ox, oy, t]`.
 * - **Observation** (`obsDim` 9): `[px, py, vx, vy, gx - px, gy - py,
 *   ox - px, oy - py, t / maxTimesteps]`.
 * - **Action** (`actionDim` 2): acceleration in [-1, 1]^2 (clipped), scaled by
 *   {@linkcode REACH_ACCEL}; semi-implicit Euler with {@linkcode REACH_DT}:
 *   `v += a * ACCEL * DT; p += v * DT`.
 * - **Reset**: start `(U(-0.1, 0.1), -0.8 + U(-0.05, 0.05))`, goal
 *   `(U(-0.1, 0.1), 0.8 + U(-0.05, 0.05))`, obstacle centre `U(-0.05, 0.05)^2`,
 *   radius {@linkcode REACH_OBSTACLE_RADIUS}, zero velocity. Draw k (lane l) is
 *   `uniform(seed, env, episode * 1024 + k, l)`, k = 0 (start, goal: lanes
 *   0-3) and k = 1 (obstacle: lanes 0-1).
 * - **Termination / reward / solved** (checked in this order after the move):
 *   crash (the mass, radius {@linkcode REACH_AGENT_RADIUS}, touches the
 *   obstacle, or leaves the arena [-1, 1]^2): done, reward -1, not solved;
 *   goal (distance < {@linkcode REACH_GOAL_RADIUS} and speed <
 *   {@linkcode REACH_GOAL_SPEED}): done, reward +1, solved; otherwise done
 *   with reward 0 when `t` reaches `maxTimesteps` (100).
 * - **Expert**: the side (left = -1 / right = +1) is `uniform(seed, env,
 *   episode * 1024 + 512) < 0.5 ? -1 : +1`. While below the obstacle centre
 *   (`py < oy`) it heads for the waypoint `(ox + side * 0.6, oy + 0.1)` at full
 *   cruise speed, then for the goal with a speed proportional to the distance;
 *   a stiff velocity loop (`a = K_V (v_des - v) / ACCEL`, K_V = 12 / s)
 *   tracks the desired velocity. The stiff loop is what makes the task
 *   latency-sensitive: with the action computed from a state 4 steps old the
 *   loop oscillates and the mass cannot park.
 *
 * @module
 */

import { uniform } from "../../rng/rng.ts";
import type { EpisodeKey, RgbaImage, TaskCpu, TaskSpec } from "../types.ts";
import { renderReachAround } from "./reach_around_render.ts";

const f = Math.fround;

/** Task spec of `reach_around`. */
export const REACH_AROUND_SPEC: TaskSpec = Object.freeze({
  name: "reach_around",
  obsDim: 9,
  actionDim: 2,
  stateDim: 9,
  maxTimesteps: 100,
});

/** Control period in seconds. */
export const REACH_DT: number = f(0.05);
/** Acceleration at |action| = 1. */
export const REACH_ACCEL: number = f(3);
/** Obstacle radius. */
export const REACH_OBSTACLE_RADIUS: number = f(0.3);
/** Radius of the point mass (for contact with the obstacle). */
export const REACH_AGENT_RADIUS: number = f(0.05);
/** Goal radius. */
export const REACH_GOAL_RADIUS: number = f(0.08);
/** Maximum speed at which the mass counts as parked on the goal. */
export const REACH_GOAL_SPEED: number = f(0.25);
/** Expert: lateral offset of the waypoint from the obstacle centre. */
export const REACH_WAYPOINT_DX: number = f(0.6);
/** Expert: vertical offset of the waypoint from the obstacle centre. */
export const REACH_WAYPOINT_DY: number = f(0.1);
/** Expert: cruise speed. */
export const REACH_CRUISE_SPEED: number = f(1.5);
/** Expert: position gain (1/s) of the goal approach. */
export const REACH_KP: number = f(3);
/** Expert: velocity-loop gain (1/s). */
export const REACH_KV: number = f(12);
/** RNG draw index of the expert's side choice. */
export const REACH_MODE_DRAW = 512;

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
    (key.episode * 1024 + REACH_MODE_DRAW) >>> 0,
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
  const vx = f(state[2]! + f(f(ax * REACH_ACCEL) * REACH_DT));
  const vy = f(state[3]! + f(f(ay * REACH_ACCEL) * REACH_DT));
  const px = f(state[0]! + f(vx * REACH_DT));
  const py = f(state[1]! + f(vy * REACH_DT));
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
  const crashed = dObs < f(REACH_OBSTACLE_RADIUS + REACH_AGENT_RADIUS) ||
    Math.abs(px) > 1 || Math.abs(py) > 1;
  const reached = dGoal < REACH_GOAL_RADIUS && speed < REACH_GOAL_SPEED;
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
    out[1] = t >= REACH_AROUND_SPEC.maxTimesteps ? 1 : 0;
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
  obs[8] = f(state[8]! / REACH_AROUND_SPEC.maxTimesteps);
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
    const wx = f(state[6]! + f(side * REACH_WAYPOINT_DX));
    const wy = f(state[7]! + REACH_WAYPOINT_DY);
    const dx = f(wx - px);
    const dy = f(wy - py);
    const d = f(Math.max(f(Math.sqrt(f(f(dx * dx) + f(dy * dy)))), f(1e-6)));
    dvx = f(f(dx / d) * REACH_CRUISE_SPEED);
    dvy = f(f(dy / d) * REACH_CRUISE_SPEED);
  } else {
    const dx = f(state[4]! - px);
    const dy = f(state[5]! - py);
    const d = f(Math.max(f(Math.sqrt(f(f(dx * dx) + f(dy * dy)))), f(1e-6)));
    const speed = f(Math.min(f(REACH_KP * d), REACH_CRUISE_SPEED));
    dvx = f(f(dx / d) * speed);
    dvy = f(f(dy / d) * speed);
  }
  const k = f(REACH_KV / REACH_ACCEL);
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
