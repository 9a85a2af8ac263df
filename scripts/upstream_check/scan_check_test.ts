/**
 * Runs the JAX cross-check of the scan evaluator (`dump_scan.ts`, then
 * `scan_check.py`) when a Python with JAX is available: the interpreter in
 * `EXP_DELTA_JAX_PYTHON`, else `.venv-jax/bin/python` at the repository
 * root (`python3 -m venv .venv-jax && .venv-jax/bin/pip install jax jaxlib`).
 * Skipped, and said so, without one.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const python = Deno.env.get("EXP_DELTA_JAX_PYTHON") ??
  join(root, ".venv-jax/bin/python");

function hasJax(): boolean {
  try {
    const r = new Deno.Command(python, { args: ["-c", "import jax"] })
      .outputSync();
    return r.success;
  } catch {
    return false;
  }
}

const jax = hasJax();
if (!jax) {
  console.error(
    `scan_check_test: skipped, no Python with JAX at ${python} (set EXP_DELTA_JAX_PYTHON)`,
  );
}

Deno.test({
  name:
    "evaluateScan() matches an independent JAX implementation of the upstream scan",
  ignore: !jax,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const dump = join(dir, "dump.json");
      const here = fileURLToPath(new URL(".", import.meta.url));
      const d = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", join(here, "dump_scan.ts"), dump],
      }).output();
      assert.ok(d.success, new TextDecoder().decode(d.stderr));
      const c = await new Deno.Command(python, {
        args: [join(here, "scan_check.py"), dump],
      }).output();
      const text = new TextDecoder().decode(c.stdout);
      assert.ok(c.success, text + new TextDecoder().decode(c.stderr));
      assert.match(text, /30 of 30 cases agree/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
