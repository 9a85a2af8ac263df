import { registerParityTests } from "../../testing/env_parity.ts";
import { CATCH } from "./catch.ts";

registerParityTests("CATCH", CATCH);
