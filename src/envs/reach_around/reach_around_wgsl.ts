/**
 * WGSL twin of `reach_around` (see `reach_around_cpu.ts` for the semantics).
 *
 * @module
 */

import { taskHeaderWgsl } from "../task.ts";
import {
  REACH_AROUND_PARAMS,
  REACH_AROUND_SPEC,
} from "./reach_around_params.ts";

/**
 * WGSL source of `reach_around`: the generated header (`TASK_*`, `RA_*`) and `task_reset`,
 * `task_step`, `task_observe`, `task_expert` (RNG_WGSL must precede it).
 *
 * @example
 * ```ts
 * import { REACH_AROUND_WGSL } from "./reach_around_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(REACH_AROUND_WGSL, /fn task_step/);
 * ```
 */
export const REACH_AROUND_WGSL: string = /* wgsl */ `
${
  taskHeaderWgsl(REACH_AROUND_SPEC, {
    params: REACH_AROUND_PARAMS,
    prefix: "RA",
    f32: [
      "dt",
      "accel",
      "obstacleRadius",
      "agentRadius",
      "goalRadius",
      "goalSpeed",
      "waypointDx",
      "waypointDy",
      "cruiseSpeed",
      "kp",
      "kv",
    ],
    u32: ["modeDraw"],
  })
}
fn task_reset(seed: u32, env: u32, episode: u32) -> array<f32, TASK_STATE_DIM> {
  let c = episode * 1024u;
  var s: array<f32, TASK_STATE_DIM>;
  s[0] = rng_uniform(seed, env, c, 0u) * 0.2 - 0.1;
  s[1] = rng_uniform(seed, env, c, 1u) * 0.1 - 0.85;
  s[2] = 0.0;
  s[3] = 0.0;
  s[4] = rng_uniform(seed, env, c, 2u) * 0.2 - 0.1;
  s[5] = rng_uniform(seed, env, c, 3u) * 0.1 + 0.75;
  s[6] = rng_uniform(seed, env, c + 1u, 0u) * 0.1 - 0.05;
  s[7] = rng_uniform(seed, env, c + 1u, 1u) * 0.1 - 0.05;
  s[8] = 0.0;
  return s;
}

fn task_step(s: ptr<function, array<f32, TASK_STATE_DIM>>, a: array<f32, TASK_ACTION_DIM>) -> vec3<f32> {
  let ax = clamp(a[0], -1.0, 1.0);
  let ay = clamp(a[1], -1.0, 1.0);
  let vx = (*s)[2] + (ax * RA_ACCEL) * RA_DT;
  let vy = (*s)[3] + (ay * RA_ACCEL) * RA_DT;
  let px = (*s)[0] + vx * RA_DT;
  let py = (*s)[1] + vy * RA_DT;
  let t = (*s)[8] + 1.0;
  (*s)[0] = px;
  (*s)[1] = py;
  (*s)[2] = vx;
  (*s)[3] = vy;
  (*s)[8] = t;
  let d_obs = length(vec2<f32>(px - (*s)[6], py - (*s)[7]));
  let d_goal = length(vec2<f32>((*s)[4] - px, (*s)[5] - py));
  let speed = length(vec2<f32>(vx, vy));
  let crashed = d_obs < RA_OBSTACLE_RADIUS + RA_AGENT_RADIUS || abs(px) > 1.0 || abs(py) > 1.0;
  let reached = d_goal < RA_GOAL_RADIUS && speed < RA_GOAL_SPEED;
  if (crashed) {
    return vec3<f32>(-1.0, 1.0, 0.0);
  }
  if (reached) {
    return vec3<f32>(1.0, 1.0, 1.0);
  }
  return vec3<f32>(0.0, select(0.0, 1.0, t >= f32(TASK_MAX_T)), 0.0);
}

fn task_observe(s: ptr<function, array<f32, TASK_STATE_DIM>>) -> array<f32, TASK_OBS_DIM> {
  var o: array<f32, TASK_OBS_DIM>;
  o[0] = (*s)[0];
  o[1] = (*s)[1];
  o[2] = (*s)[2];
  o[3] = (*s)[3];
  o[4] = (*s)[4] - (*s)[0];
  o[5] = (*s)[5] - (*s)[1];
  o[6] = (*s)[6] - (*s)[0];
  o[7] = (*s)[7] - (*s)[1];
  o[8] = (*s)[8] / f32(TASK_MAX_T);
  return o;
}

fn task_expert(s: ptr<function, array<f32, TASK_STATE_DIM>>, seed: u32, env: u32, episode: u32) -> array<f32, TASK_ACTION_DIM> {
  let side = select(1.0, -1.0, rng_uniform(seed, env, episode * 1024u + RA_MODE_DRAW, 0u) < 0.5);
  let p = vec2<f32>((*s)[0], (*s)[1]);
  var dv: vec2<f32>;
  if (p.y < (*s)[7]) {
    let w = vec2<f32>((*s)[6] + side * RA_WAYPOINT_DX, (*s)[7] + RA_WAYPOINT_DY);
    let d = w - p;
    let n = max(length(d), 1e-6);
    dv = (d / n) * RA_CRUISE_SPEED;
  } else {
    let d = vec2<f32>((*s)[4], (*s)[5]) - p;
    let n = max(length(d), 1e-6);
    dv = (d / n) * min(RA_KP * n, RA_CRUISE_SPEED);
  }
  let k = RA_KV / RA_ACCEL;
  var a: array<f32, TASK_ACTION_DIM>;
  a[0] = clamp(k * (dv.x - (*s)[2]), -1.0, 1.0);
  a[1] = clamp(k * (dv.y - (*s)[3]), -1.0, 1.0);
  return a;
}
`;
