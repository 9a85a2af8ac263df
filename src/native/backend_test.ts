import assert from "node:assert/strict";
import {
  BACKEND_ENV,
  getBackend,
  hasAdapter,
  parseBackendName,
  releaseBackend,
} from "../gpu/backend.ts";
import { createNet } from "../policy/net.ts";
import { initParams, paramLayout } from "../policy/params.ts";
import { SMALL_MODEL_CONFIG } from "../policy/config.ts";
import { NATIVE_IGNORE } from "./_testing.ts";

Deno.test("parseBackendName() accepts native and auto and names the choices", () => {
  assert.equal(parseBackendName("native", "--backend"), "native");
  assert.equal(parseBackendName("auto", "--backend"), "auto");
  assert.throws(
    () => parseBackendName("cuda", "--backend"),
    /"cpu", "webgpu", "native" or "auto": current value is "cuda"/,
  );
});

Deno.test({
  name:
    "getBackend() gives the native engine for native and EXP_DELTA_BACKEND=native",
  ignore: NATIVE_IGNORE,
  async fn() {
    const dims = { obsDim: 2, actionDim: 1 };
    const params = initParams(paramLayout(SMALL_MODEL_CONFIG, dims), {
      seed: 0,
    });
    try {
      const b = await getBackend({ backend: "native" });
      assert.equal(b.backend, "native");
      assert.match(b.adapterName, /^native C engine \(/);
      const net = await createNet(b, {
        config: SMALL_MODEL_CONFIG,
        ...dims,
        params,
      });
      assert.equal(net.backend, "native");
      net.destroy!();
      await releaseBackend();
      const before = Deno.env.get(BACKEND_ENV);
      Deno.env.set(BACKEND_ENV, "native");
      try {
        assert.equal((await getBackend()).backend, "native");
      } finally {
        if (before === undefined) Deno.env.delete(BACKEND_ENV);
        else Deno.env.set(BACKEND_ENV, before);
      }
    } finally {
      await releaseBackend();
    }
  },
});

Deno.test({
  name:
    "getBackend() with auto prefers a hardware GPU, else the faster engine by calibration, and says why",
  ignore: NATIVE_IGNORE,
  async fn() {
    try {
      const b = await getBackend({ backend: "auto" });
      assert.ok(b.selection, "a reason is recorded");
      assert.ok(b.adapterName.endsWith(`[auto: ${b.selection}]`));
      if (!(await hasAdapter())) {
        assert.equal(b.backend, "native");
        assert.equal(b.selection, "no WebGPU adapter");
      } else if (b.backend === "webgpu" && !b.isSoftware) {
        assert.equal(b.selection, "hardware GPU");
      } else {
        const m = /calibration ([\d.]+) ms native vs ([\d.]+) ms /.exec(
          b.selection,
        );
        assert.ok(m, b.selection);
        const [native, webgpu] = [Number(m[1]), Number(m[2])];
        assert.equal(b.backend, native <= webgpu ? "native" : "webgpu");
      }
    } finally {
      await releaseBackend();
    }
  },
});
