/**
 * `cartpole_swingup`: swing a pole up from hanging and balance it upright on a
 * cart that must stay on a finite track.
 *
 * - **State** (`stateDim` 6): `[x, xdot, theta, thetadot, t, hold]`; theta = 0
 *   is upright, theta = pi hanging, not wrapped (the checks and the
 *   observation use sin/cos or the wrapped angle); `hold` counts consecutive
 *   upright steps.
 * - **Observation** (`obsDim` 6): `[x, xdot, sin(theta), cos(theta), thetadot,
 *   t / maxTimesteps]`.
 * - **Action** (`actionDim` 1): force in [-1, 1] (clipped) times
 *   `force` newtons on the cart.
 * - **Dynamics**: the classic cart-pole (Barto et al. 1983; cart 1 kg, pole
 *   0.1 kg, half-length 1 m, g = 9.8) integrated with
 *   `substeps` semi-implicit Euler substeps per control
 *   period `dt`. The upright pole's unstable time constant
 *   is about 0.36 s (growth rate 2.8 / s), so a few control steps of delay
 *   matter: balancing on actions computed 4 steps ago fails, and so does
 *   executing open-loop action chunks for 6-8 steps under action noise.
 * - **Reset**: `x = U(-0.2, 0.2)`, `theta = pi + U(-0.05, 0.05)`,
 *   `thetadot = U(-0.05, 0.05)`, `xdot = 0`, from `uniform(seed, env,
 *   episode * 1024, lane 0..2)`.
 * - **Termination / reward / solved** (after the move): the cart leaves the
 *   track (|x| > `track`): done, reward -1, not solved;
 *   the pole is upright (|wrapped theta| < `upright`)
 *   for `hold` consecutive steps: done, reward +1, solved;
 *   otherwise done with reward 0 when `t` reaches `maxTimesteps` (200).
 * - **Expert**: direction `uniform(seed, env, episode * 1024 + 512) < 0.5 ?
 *   -1 : +1`. For the first `kickSteps` steps it pushes
 *   the cart that way (which picks the swing direction), then pumps energy
 *   (Astrom-Furuta: force ~ (E_target - E) * -thetadot * cos(theta), with a
 *   weak cart-centring term) and, once |wrapped theta| <
 *   `catch`, balances with a discrete LQR gain.
 *
 * @module
 */

import type { Task } from "../types.ts";
import { defineTask } from "../task.ts";
import { CARTPOLE_SWINGUP_CPU } from "./cartpole_swingup_cpu.ts";
import {
  CARTPOLE_SWINGUP_PARAMS,
  CARTPOLE_SWINGUP_SPEC,
} from "./cartpole_swingup_params.ts";
import { CARTPOLE_SWINGUP_WGSL } from "./cartpole_swingup_wgsl.ts";

/**
 * The `cartpole_swingup` task (spec, params, CPU twin, WGSL twin). See the
 * module documentation for observation, action, reward, solved, termination
 * and `maxTimesteps`.
 *
 * @example
 * ```ts
 * import { CARTPOLE_SWINGUP } from "./cartpole_swingup.ts";
 * import assert from "node:assert/strict";
 * assert.equal(CARTPOLE_SWINGUP.spec.name, "cartpole_swingup");
 * assert.equal(CARTPOLE_SWINGUP.params.hold, 40);
 * ```
 */
export const CARTPOLE_SWINGUP: Task = defineTask({
  spec: CARTPOLE_SWINGUP_SPEC,
  params: CARTPOLE_SWINGUP_PARAMS,
  cpu: CARTPOLE_SWINGUP_CPU,
  wgsl: CARTPOLE_SWINGUP_WGSL,
});
