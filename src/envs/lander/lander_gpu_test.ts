import { registerParityTests } from "../../testing/env_parity.ts";
import { LANDER } from "./lander.ts";

registerParityTests("LANDER", LANDER);
