import { registerParityTests } from "../../testing/env_parity.ts";
import { REACH_AROUND } from "./mod.ts";

registerParityTests("REACH_AROUND", REACH_AROUND);
