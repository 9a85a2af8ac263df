/**
 * Side-by-side bench (`deno task bench:peer`): the toolkit's naive and
 * realtime samplers on every engine available here (native C engine,
 * WebGPU, the CPU reference at a tiny batch) against a JAX/XLA
 * implementation of the same network and guidance (`flow_policy_jax.py`,
 * run from a Python venv; skipped with the reason when JAX cannot be
 * installed), in one run on one machine.
 *
 * Shape: the small model (C=64, Hc=128, Ht=32, L=2, H=4), O=32, A=6, 5 flow
 * steps, realtime with d = b mod 3, s = 1 and the exp schedule; 10 chunks
 * back to back per timing, median of the repetitions; the native engine's
 * and JAX's repetitions alternate (JAX runs as a child process answering
 * requests, jit-warm), so a change of machine load during the run hits both
 * alike; WebGPU records the 10 chunks in one submission. GFLOP/s counts `forwardFlops` (flops.ts)
 * per network evaluation: one per naive step, two per realtime step (the
 * forward and the input-only VJP). Also prints the FMA roof of each engine,
 * the CPU model, the adapter and the load average before and after.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { getBackend } from "../../src/gpu/backend.ts";
import { SMALL_MODEL_CONFIG } from "../../src/policy/config.ts";
import { forwardFlops } from "../../src/policy/flops.ts";
import { createCpuNet } from "../../src/policy/net_cpu.ts";
import { createGpuNet } from "../../src/policy/net_gpu.ts";
import type { PolicyNet } from "../../src/policy/net.ts";
import { initParams, paramLayout } from "../../src/policy/params.ts";
import { resolveMethodConfig } from "../../src/rtc/method_config.ts";
import { deriveSeed, fillNormal, NOISE_TAG } from "../../src/rng/noise.ts";
import { prefixWeights } from "../../src/rtc/prefix_weights.ts";
import { type ChunkRequest, sampleChunk } from "../../src/rtc/sample.ts";
import { withChunkRecorder } from "../../src/rtc/sample_gpu.ts";
import { dispatch, writeBuffer } from "../../src/gpu/kernel.ts";
import { loadNativeEngine, nativeStatus } from "../../src/native/build.ts";
import { createNativeNet } from "../../src/native/net_native.ts";
import { nativeRoof, webgpuRoof } from "./_roof.ts";
import { findJaxPython, type JaxInfo, type JaxPeer, startJax } from "./_jax.ts";

const HELP = `Usage: deno task bench:peer [options]

Times naive and realtime chunk sampling on the toolkit's engines and on JAX.

Options:
  --batches <list>   batch sizes [256,2048]
  --engines <list>   native, webgpu, cpu, jax [all]
  --repeats <n>      timed repetitions of 10 chunks per case, native and JAX
                     alternating [5; 3 at B > 256; WebGPU at most 3, 1 at B > 256]
  -h, --help         show this help`;

const CHUNKS = 10, STEPS = 5, MAX_GW = 5;
const O = 32, A = 6, config = SMALL_MODEL_CONFIG, H = config.actionChunkSize;
const dims = { obsDim: O, actionDim: A };
const layout = paramLayout(config, dims);
const params = initParams(layout, { seed: 0 });
// non-zero adaLN so every branch does work
for (let i = 0; i < params.length; i++) if (params[i] === 0) params[i] = 0.01;
const FLOPS = forwardFlops(config, dims);
type Method = "naive" | "realtime";
const METHODS: Method[] = ["naive", "realtime"];

interface Row {
  engine: string;
  method: Method;
  batch: number;
  seconds: number;
}

function request(B: number, counter: number): ChunkRequest {
  return {
    batch: B,
    obs: Float32Array.from({ length: B * O }, (_, i) => Math.sin(i)),
    prevChunk: Float32Array.from({ length: B * H * A }, (_, i) => Math.cos(i)),
    delay: Int32Array.from({ length: B }, (_, b) => b % 3),
    executeHorizon: new Int32Array(B).fill(1),
    seed: 0,
    counter,
  };
}

/** The initial noise sampleChunk draws for `request(B, counter)`. */
function noise(B: number, counter: number): Float32Array {
  const ha = H * A, x = new Float32Array(B * ha);
  const seed = deriveSeed(0, counter, NOISE_TAG);
  for (let b = 0; b < B; b++) {
    fillNormal(x.subarray(b * ha, (b + 1) * ha), { seed, stream: b });
  }
  return x;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function timeLoop(
  repeats: number,
  fn: () => Promise<void>,
  warm = true,
): Promise<number> {
  if (warm) await fn();
  const t: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fn();
    t.push((performance.now() - t0) / 1000);
  }
  return median(t);
}

/** `model name, family f model m` from /proc/cpuinfo, when there is one. */
async function cpuModel(fallback: string): Promise<string> {
  try {
    const t = await Deno.readTextFile("/proc/cpuinfo");
    const f = (k: string) =>
      new RegExp(`^${k}\\s*:\\s*(.+)$`, "m").exec(t)?.[1];
    return `${f("model name") ?? fallback}, family ${f("cpu family")} model ${
      f("model")
    }`;
  } catch {
    return fallback;
  }
}

async function loadavg(): Promise<string> {
  try {
    return (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3)
      .join(" ");
  } catch {
    return "n/a";
  }
}

async function exportInputs(
  dir: string,
  batches: number[],
  outputs: Map<string, Float32Array>,
): Promise<void> {
  const arrays: Record<string, { file: string; shape: number[] }> = {};
  const put = async (name: string, data: Float32Array, shape: number[]) => {
    await Deno.writeFile(`${dir}/${name}.f32`, new Uint8Array(data.buffer));
    arrays[name] = { file: `${name}.f32`, shape };
  };
  await put("params", params, [params.length]);
  for (const B of batches) {
    const r = request(B, 0);
    await put(`obs_${B}`, r.obs, [B, O]);
    await put(`prev_${B}`, r.prevChunk!, [B, H, A]);
    const w = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      prefixWeights(b % 3, H - 1, H, "exp", w.subarray(b * H, (b + 1) * H));
    }
    await put(`w_${B}`, w, [B, H]);
    const all = new Float32Array(CHUNKS * B * H * A);
    for (let k = 0; k < CHUNKS; k++) all.set(noise(B, k), k * B * H * A);
    await put(`noise_${B}`, all, [CHUNKS, B, H, A]);
  }
  for (const [name, data] of outputs) {
    const B = Number(name.split("_").at(-1));
    await put(name, data, [B, H, A]);
  }
  const manifest = {
    config: { C: config.channelDim, L: config.numLayers, H },
    steps: STEPS,
    max_gw: MAX_GW,
    batches,
    layout: layout.entries,
    arrays,
  };
  await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(manifest));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      batches: { type: "string", default: "256,2048" },
      engines: { type: "string", default: "native,webgpu,cpu,jax" },
      repeats: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const batches = values.batches.split(",").map(Number);
  const engines = new Set(values.engines.split(","));
  if (batches.some((b) => !Number.isInteger(b) || b < 1)) {
    console.error(
      `bench:peer: error: --batches must be positive integers: current value is "${values.batches}"`,
    );
    return 2;
  }
  const repeats = (B: number) =>
    values.repeats ? Number(values.repeats) : B > 256 ? 3 : 5;
  const log = (l: string) => console.error(l);
  const load0 = await loadavg();
  const rows: Row[] = [];
  const outputs = new Map<string, Float32Array>();
  const nets: { name: string; net: PolicyNet }[] = [];
  const roofs: string[] = [];
  let cpuName = "unknown CPU", adapter = "none";
  let roofEnd = () => 0;
  const opts = { config, ...dims, layout, params };
  if (engines.has("native")) {
    const st = await nativeStatus();
    if (st.available) {
      const engine = await loadNativeEngine();
      cpuName = engine.cpu;
      nets.push({ name: "native", net: createNativeNet(engine, opts) });
      const g = nativeRoof(engine, engine.threads);
      roofEnd = () =>
        roofs.push(
          `native C, ${engine.threads} threads: ${
            g.toFixed(1)
          } GFLOP/s at the start, ${
            nativeRoof(engine, engine.threads).toFixed(1)
          } at the end`,
        );
    } else log(`bench:peer: native engine skipped: ${st.reason}`);
  }
  if (engines.has("webgpu")) {
    const b = await getBackend({ notice: () => {} });
    if (b.backend === "webgpu") {
      adapter = b.adapterName;
      nets.push({ name: "webgpu", net: createGpuNet(b.device, opts) });
      roofs.push(
        `WGSL on ${adapter}: ${
          (await webgpuRoof(b.device)).toFixed(1)
        } GFLOP/s`,
      );
    } else log("bench:peer: webgpu skipped: no adapter");
  }
  // FIRST CHUNKS (THE OUTPUTS JAX IS CHECKED AGAINST)
  const reqsOf = (B: number) =>
    Array.from({ length: CHUNKS }, (_, k) => request(B, k));
  for (const { name, net } of nets) {
    for (const B of batches) {
      for (const m of METHODS) {
        const first = await sampleChunk(
          net,
          request(B, 0),
          resolveMethodConfig({ method: m }),
        );
        outputs.set(`out_${name}_${m}_${B}`, first.chunk);
      }
    }
  }
  // JAX PEER
  let peer: JaxPeer | undefined, dir: string | undefined;
  if (engines.has("jax")) {
    const python = await findJaxPython(log);
    if (python instanceof Error) {
      log(`bench:peer: JAX peer skipped: ${python.message}`);
    } else {
      dir = await Deno.makeTempDir({ prefix: "bench_peer_" });
      await exportInputs(dir, batches, outputs);
      peer = await startJax(python, dir);
    }
  }
  const checks: string[] = [];
  try {
    // NATIVE AND JAX, REPETITIONS ALTERNATING (LOAD DRIFT HITS BOTH ALIKE)
    const native = nets.find((n) => n.name === "native")?.net;
    for (const B of batches) {
      const reqs = reqsOf(B);
      for (const m of METHODS) {
        const method = resolveMethodConfig({ method: m });
        const contenders: { engine: string; run: () => Promise<number> }[] = [];
        if (native) {
          contenders.push({
            engine: "native",
            run: async () => {
              const t0 = performance.now();
              for (const r of reqs) await sampleChunk(native, r, method);
              return (performance.now() - t0) / 1000;
            },
          });
        }
        for (const variant of ["per_token", "shared"] as const) {
          if (!peer) break;
          const p = peer;
          contenders.push({
            engine: `jax ${variant}`,
            run: async () =>
              (await p.time({ variant, method: m, batch: B })).seconds,
          });
        }
        log(
          `bench:peer: ${
            contenders.map((c) => c.engine).join(", ")
          }: ${m} B=${B}`,
        );
        for (const c of contenders) await c.run(); // compile and warm
        const times = contenders.map(() => [] as number[]);
        for (let r = 0; r < repeats(B); r++) {
          for (const [i, c] of contenders.entries()) {
            times[i]!.push(await c.run());
          }
        }
        contenders.forEach((c, i) =>
          rows.push({
            engine: c.engine,
            method: m,
            batch: B,
            seconds: median(times[i]!),
          })
        );
        if (peer && nets.length > 0) {
          const d = await peer.check({
            method: m,
            batch: B,
            refs: nets.map((n) => n.name),
          });
          for (const [e, v] of Object.entries(d)) {
            checks.push(
              `check: JAX vs ${e}, ${m} B=${B}, first chunk: max |diff| ${
                v.toExponential(2)
              }`,
            );
          }
        }
      }
    }
    // WEBGPU (llvmpipe is slow at large batches: its pipelines are warm from
    // the first chunks, so B > 256 gets one timed run and no extra warm-up)
    const gpuNet = nets.find((n) => n.name === "webgpu")?.net;
    for (const B of gpuNet ? batches : []) {
      for (const m of METHODS) {
        log(`bench:peer: webgpu ${m} B=${B}`);
        rows.push({
          engine: "webgpu",
          method: m,
          batch: B,
          seconds: await timeLoop(
            B > 256 ? 1 : Math.min(repeats(B), 3),
            () => webgpuLoop(gpuNet!, request(B, 0), m),
            B <= 256,
          ),
        });
      }
    }
    if (engines.has("cpu")) {
      const cpu = createCpuNet(opts), B = 16;
      const reqs = reqsOf(B);
      for (const m of METHODS) {
        log(`bench:peer: cpu reference ${m} B=${B}`);
        const method = resolveMethodConfig({ method: m });
        const t0 = performance.now();
        for (const r of reqs) await sampleChunk(cpu, r, method);
        rows.push({
          engine: "cpu reference",
          method: m,
          batch: B,
          seconds: (performance.now() - t0) / 1000,
        });
      }
    }
  } finally {
    await peer?.close();
    if (dir) await Deno.remove(dir, { recursive: true });
  }
  for (const { net } of nets) net.destroy?.();
  roofEnd();
  report({
    rows,
    jax: peer?.info,
    checks,
    roofs,
    cpuName: await cpuModel(cpuName),
    adapter,
    load0,
    load1: await loadavg(),
  });
  return 0;
}

/** One WebGPU submission with CHUNKS chunks recorded back to back. */
async function webgpuLoop(net: PolicyNet, r: ChunkRequest, m: Method) {
  const B = r.batch;
  await withChunkRecorder(net, { batch: B, seed: 0 }, async (rec) => {
    writeBuffer(rec.device, rec.obs, r.obs);
    writeBuffer(rec.device, rec.prevChunk, r.prevChunk!);
    const meta = new Uint32Array(4 * B);
    for (let b = 0; b < B; b++) {
      meta.set([0, b, r.delay![b]!, r.executeHorizon![b]!], 4 * b);
    }
    writeBuffer(rec.device, rec.meta, meta);
    const list = rec.record(resolveMethodConfig({ method: m }));
    const enc = rec.device.createCommandEncoder();
    for (let k = 0; k < CHUNKS; k++) dispatch(rec.device, list, enc);
    rec.device.queue.submit([enc.finish()]);
    await rec.device.queue.onSubmittedWorkDone();
  });
}

function report(r: {
  rows: Row[];
  jax?: JaxInfo;
  checks: string[];
  roofs: string[];
  cpuName: string;
  adapter: string;
  load0: string;
  load1: string;
}): void {
  const gflop = (m: Method, B: number) =>
    (CHUNKS * STEPS * B * FLOPS * (m === "naive" ? 1 : 2)) / 1e9;
  const label: Record<string, string> = {
    "jax per_token": "JAX/XLA (time per token)",
    "jax shared": "JAX/XLA (time once per step)",
  };
  const peer = (m: Method, B: number) =>
    r.rows.find((x) =>
      x.engine === "jax per_token" && x.method === m && x.batch === B
    )?.seconds;
  console.log(
    `CPU: ${r.cpuName}, ${navigator.hardwareConcurrency} logical CPUs; load average ${r.load0} (start), ${r.load1} (end)`,
  );
  console.log(
    `adapter: ${r.adapter}; Deno ${Deno.version.deno}${
      r.jax
        ? `; JAX ${r.jax.jax} (jaxlib ${r.jax.jaxlib}, ${
          r.jax.devices.join(", ")
        })`
        : "; JAX: skipped"
    }`,
  );
  console.log(`FMA roof: ${r.roofs.join("; ") || "n/a"}`);
  console.log(
    `shape: small model (C=64, Hc=128, Ht=32, L=2, H=4), O=32, A=6, ${STEPS} flow steps, ${CHUNKS} chunks back to back, median of the repetitions (native and JAX alternating); GFLOP/s by flops.ts (realtime: 2 network evaluations per step)\n`,
  );
  console.log(
    "| engine | method | B | 10 chunks (s) | chunks/s | GFLOP/s | vs JAX (time per token) |",
  );
  console.log("| --- | --- | --: | --: | --: | --: | --: |");
  for (const x of r.rows) {
    const p = peer(x.method, x.batch);
    console.log(
      `| ${label[x.engine] ?? x.engine} | ${x.method} | ${x.batch} | ${
        x.seconds.toFixed(3)
      } | ${Math.round((CHUNKS * x.batch) / x.seconds)} | ${
        (gflop(x.method, x.batch) / x.seconds).toFixed(1)
      } | ${p === undefined ? "" : (p / x.seconds).toFixed(2)} |`,
    );
  }
  for (const c of r.checks) console.log(c);
}

if (import.meta.main) Deno.exit(await main());
