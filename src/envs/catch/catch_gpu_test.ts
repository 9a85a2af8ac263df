import { registerParityTests } from "../_rollout_parity.ts";
import { CATCH } from "./catch.ts";

registerParityTests("CATCH", CATCH);
