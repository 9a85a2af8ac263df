import { registerParityTests } from "../_rollout_parity.ts";
import { LANDER } from "./lander.ts";

registerParityTests("LANDER", LANDER);
