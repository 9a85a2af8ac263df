import { registerParityTests } from "../../testing/env_parity.ts";
import { CARTPOLE_SWINGUP } from "./mod.ts";

// Replaying a balancing trajectory open-loop amplifies float32 differences in
// sin/cos at the unstable equilibrium (growth ~ e^(2.8 t)), so the expert
// drives the even environments for the first 40 steps (the swing-up) and
// random actions the rest.
registerParityTests("CARTPOLE_SWINGUP", CARTPOLE_SWINGUP, { expertSteps: 40 });
