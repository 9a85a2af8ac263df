/**
 * WGSL twin of `cartpole_swingup` (see `cartpole_swingup_cpu.ts` for the
 * semantics).
 *
 * @module
 */

import { wf } from "../_wgsl.ts";
import {
  CARTPOLE_CART_MASS,
  CARTPOLE_CATCH,
  CARTPOLE_CENTER_GAINS,
  CARTPOLE_DT,
  CARTPOLE_ENERGY_GAIN,
  CARTPOLE_FORCE,
  CARTPOLE_GRAVITY,
  CARTPOLE_HALF_LENGTH,
  CARTPOLE_HOLD,
  CARTPOLE_KICK_STEPS,
  CARTPOLE_LQR,
  CARTPOLE_MODE_DRAW,
  CARTPOLE_POLE_MASS,
  CARTPOLE_PUMP_MAX,
  CARTPOLE_SUBSTEPS,
  CARTPOLE_SWINGUP_SPEC,
  CARTPOLE_TRACK,
  CARTPOLE_UPRIGHT,
} from "./cartpole_swingup_cpu.ts";

/**
 * WGSL source of `cartpole_swingup`: the `TASK_*` constants and `task_reset`,
 * `task_step`, `task_observe`, `task_expert` (RNG_WGSL must precede it).
 *
 * @example
 * ```ts
 * import { CARTPOLE_SWINGUP_WGSL } from "./cartpole_swingup_wgsl.ts";
 * import assert from "node:assert/strict";
 * assert.match(CARTPOLE_SWINGUP_WGSL, /fn task_expert/);
 * ```
 */
export const CARTPOLE_SWINGUP_WGSL: string = /* wgsl */ `
const TASK_STATE_DIM: u32 = ${CARTPOLE_SWINGUP_SPEC.stateDim}u;
const TASK_OBS_DIM: u32 = ${CARTPOLE_SWINGUP_SPEC.obsDim}u;
const TASK_ACTION_DIM: u32 = ${CARTPOLE_SWINGUP_SPEC.actionDim}u;
const TASK_MAX_T: u32 = ${CARTPOLE_SWINGUP_SPEC.maxTimesteps}u;
const CP_DT: f32 = ${wf(CARTPOLE_DT)};
const CP_SUBSTEPS: u32 = ${CARTPOLE_SUBSTEPS}u;
const CP_FORCE: f32 = ${wf(CARTPOLE_FORCE)};
const CP_G: f32 = ${wf(CARTPOLE_GRAVITY)};
const CP_MP: f32 = ${wf(CARTPOLE_POLE_MASS)};
const CP_L: f32 = ${wf(CARTPOLE_HALF_LENGTH)};
const CP_TOTAL: f32 = ${
  wf(Math.fround(CARTPOLE_CART_MASS + CARTPOLE_POLE_MASS))
};
const CP_POLE_ML: f32 = ${
  wf(Math.fround(CARTPOLE_POLE_MASS * CARTPOLE_HALF_LENGTH))
};
const CP_FOUR_THIRDS: f32 = ${wf(Math.fround(4 / 3))};
const CP_TRACK: f32 = ${wf(CARTPOLE_TRACK)};
const CP_UPRIGHT: f32 = ${wf(CARTPOLE_UPRIGHT)};
const CP_HOLD: f32 = ${wf(CARTPOLE_HOLD)};
const CP_KICK: f32 = ${wf(CARTPOLE_KICK_STEPS)};
const CP_CATCH: f32 = ${wf(CARTPOLE_CATCH)};
const CP_EGAIN: f32 = ${wf(CARTPOLE_ENERGY_GAIN)};
const CP_PUMP_MAX: f32 = ${wf(CARTPOLE_PUMP_MAX)};
const CP_CX: f32 = ${wf(CARTPOLE_CENTER_GAINS[0])};
const CP_CV: f32 = ${wf(CARTPOLE_CENTER_GAINS[1])};
const CP_K: vec4<f32> = vec4<f32>(${CARTPOLE_LQR.map(wf).join(", ")});
const CP_MODE_DRAW: u32 = ${CARTPOLE_MODE_DRAW}u;
const CP_PI: f32 = ${wf(Math.fround(Math.PI))};
const CP_TWO_PI: f32 = ${wf(Math.fround(2 * Math.PI))};
const CP_OMEGA0_SQ: f32 = ${
  wf(Math.fround(
    Math.fround(3 * CARTPOLE_GRAVITY) / Math.fround(4 * CARTPOLE_HALF_LENGTH),
  ))
};

fn cp_wrap(theta: f32) -> f32 {
  let k = floor((theta + CP_PI) / CP_TWO_PI);
  return theta - k * CP_TWO_PI;
}

fn task_reset(seed: u32, env: u32, episode: u32) -> array<f32, TASK_STATE_DIM> {
  let c = episode * 1024u;
  var s: array<f32, TASK_STATE_DIM>;
  s[0] = rng_uniform(seed, env, c, 0u) * 0.4 - 0.2;
  s[1] = 0.0;
  s[2] = CP_PI + (rng_uniform(seed, env, c, 1u) * 0.1 - 0.05);
  s[3] = rng_uniform(seed, env, c, 2u) * 0.1 - 0.05;
  s[4] = 0.0;
  s[5] = 0.0;
  return s;
}

fn task_step(s: ptr<function, array<f32, TASK_STATE_DIM>>, a: array<f32, TASK_ACTION_DIM>) -> vec3<f32> {
  let force = clamp(a[0], -1.0, 1.0) * CP_FORCE;
  let h = CP_DT / f32(CP_SUBSTEPS);
  var x = (*s)[0];
  var xd = (*s)[1];
  var th = (*s)[2];
  var thd = (*s)[3];
  for (var i = 0u; i < CP_SUBSTEPS; i++) {
    let sn = sin(th);
    let cs = cos(th);
    let temp = (force + (CP_POLE_ML * (thd * thd)) * sn) / CP_TOTAL;
    let den = CP_L * (CP_FOUR_THIRDS - (CP_MP * (cs * cs)) / CP_TOTAL);
    let thacc = (CP_G * sn - cs * temp) / den;
    let xacc = temp - ((CP_POLE_ML * thacc) * cs) / CP_TOTAL;
    xd = xd + h * xacc;
    x = x + h * xd;
    thd = thd + h * thacc;
    th = th + h * thd;
  }
  let t = (*s)[4] + 1.0;
  let upright = abs(cp_wrap(th)) < CP_UPRIGHT;
  let hold = select(0.0, (*s)[5] + 1.0, upright);
  (*s)[0] = x;
  (*s)[1] = xd;
  (*s)[2] = th;
  (*s)[3] = thd;
  (*s)[4] = t;
  (*s)[5] = hold;
  if (abs(x) > CP_TRACK) {
    return vec3<f32>(-1.0, 1.0, 0.0);
  }
  if (hold >= CP_HOLD) {
    return vec3<f32>(1.0, 1.0, 1.0);
  }
  return vec3<f32>(0.0, select(0.0, 1.0, t >= f32(TASK_MAX_T)), 0.0);
}

fn task_observe(s: ptr<function, array<f32, TASK_STATE_DIM>>) -> array<f32, TASK_OBS_DIM> {
  var o: array<f32, TASK_OBS_DIM>;
  o[0] = (*s)[0];
  o[1] = (*s)[1];
  o[2] = sin((*s)[2]);
  o[3] = cos((*s)[2]);
  o[4] = (*s)[3];
  o[5] = (*s)[4] / f32(TASK_MAX_T);
  return o;
}

fn task_expert(s: ptr<function, array<f32, TASK_STATE_DIM>>, seed: u32, env: u32, episode: u32) -> array<f32, TASK_ACTION_DIM> {
  let x = (*s)[0];
  let xd = (*s)[1];
  let thd = (*s)[3];
  let th = cp_wrap((*s)[2]);
  var u: f32;
  if ((*s)[4] < CP_KICK) {
    let dir = select(1.0, -1.0, rng_uniform(seed, env, episode * 1024u + CP_MODE_DRAW, 0u) < 0.5);
    u = dir * CP_PUMP_MAX;
  } else if (abs(th) < CP_CATCH) {
    u = -(((CP_K.x * x + CP_K.y * xd) + CP_K.z * th) + CP_K.w * thd);
  } else {
    let c = cos(th);
    let energy = (0.5 * (thd * thd)) / CP_OMEGA0_SQ + (c - 1.0);
    let pump = clamp((CP_EGAIN * (-energy)) * (-(thd * c)), -CP_PUMP_MAX, CP_PUMP_MAX);
    let centre = CP_CX * x + CP_CV * xd;
    u = pump - centre;
  }
  var a: array<f32, TASK_ACTION_DIM>;
  a[0] = clamp(u, -1.0, 1.0);
  return a;
}
`;
