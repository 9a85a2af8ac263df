/**
 * WGSL twin of `cartpole_swingup` (see `cartpole_swingup_cpu.ts` for the
 * semantics).
 *
 * @module
 */

import { taskHeaderWgsl, wgslFloat } from "../task.ts";
import {
  CARTPOLE_SWINGUP_PARAMS as P,
  CARTPOLE_SWINGUP_SPEC,
} from "./cartpole_swingup_params.ts";

/**
 * WGSL source of `cartpole_swingup`: the generated header (`TASK_*`, `CP_*`), derived constants and `task_reset`,
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
${
  taskHeaderWgsl(CARTPOLE_SWINGUP_SPEC, {
    params: P,
    prefix: "CP",
    f32: [
      "dt",
      "force",
      "gravity",
      "poleMass",
      "halfLength",
      "track",
      "upright",
      "hold",
      "kickSteps",
      "catch",
      "energyGain",
      "pumpMax",
      "centerGainX",
      "centerGainV",
    ],
    u32: ["substeps", "modeDraw"],
  })
}const CP_TOTAL: f32 = ${
  wgslFloat(Math.fround(P.cartMass) + Math.fround(P.poleMass))
};
const CP_POLE_ML: f32 = ${
  wgslFloat(Math.fround(P.poleMass) * Math.fround(P.halfLength))
};
const CP_FOUR_THIRDS: f32 = ${wgslFloat(4 / 3)};
const CP_K: vec4<f32> = vec4<f32>(${
  [P.lqrX, P.lqrXdot, P.lqrTheta, P.lqrThetadot].map(wgslFloat).join(", ")
});
const CP_PI: f32 = ${wgslFloat(Math.PI)};
const CP_TWO_PI: f32 = ${wgslFloat(2 * Math.PI)};
const CP_OMEGA0_SQ: f32 = ${
  wgslFloat(
    Math.fround(3 * Math.fround(P.gravity)) /
      Math.fround(4 * Math.fround(P.halfLength)),
  )
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
    let den = CP_HALF_LENGTH * (CP_FOUR_THIRDS - (CP_POLE_MASS * (cs * cs)) / CP_TOTAL);
    let thacc = (CP_GRAVITY * sn - cs * temp) / den;
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
  if ((*s)[4] < CP_KICK_STEPS) {
    let dir = select(1.0, -1.0, rng_uniform(seed, env, episode * 1024u + CP_MODE_DRAW, 0u) < 0.5);
    u = dir * CP_PUMP_MAX;
  } else if (abs(th) < CP_CATCH) {
    u = -(((CP_K.x * x + CP_K.y * xd) + CP_K.z * th) + CP_K.w * thd);
  } else {
    let c = cos(th);
    let energy = (0.5 * (thd * thd)) / CP_OMEGA0_SQ + (c - 1.0);
    let pump = clamp((CP_ENERGY_GAIN * (-energy)) * (-(thd * c)), -CP_PUMP_MAX, CP_PUMP_MAX);
    let centre = CP_CENTER_GAIN_X * x + CP_CENTER_GAIN_V * xd;
    u = pump - centre;
  }
  var a: array<f32, TASK_ACTION_DIM>;
  a[0] = clamp(u, -1.0, 1.0);
  return a;
}
`;
