"""JAX/XLA peer of the toolkit's FlowPolicy sampler, for `deno task bench:peer`.

The network and the samplers follow the toolkit's documented semantics
(src/policy/forward_cpu.ts and src/rtc/_flow.ts), written independently in
JAX:

- time embedding: sin/cos of t * 2*pi/period, periods 4e-3 * 1000**linspace(0, 1, C/2);
- time MLP: swish(swish(emb @ W0 + b0) @ W2 + b2);
- input projection of concat(x_t, obs) per token;
- L mixer blocks: LayerNorm (eps 1e-6, no affine) modulated by adaLN
  (scale, shift, gate), a token-mixing MLP over the H tokens per channel and
  a channel-mixing MLP per token, both tanh-GELU, gated residuals;
- final adaLN-modulated LayerNorm and output projection.

Samplers (flow times t = k/n, k = 0..n-1, Euler steps dt = 1/n):

- naive: x <- x + dt * v(x, t);
- realtime (PiGDM guidance): e = (y - (x + (1 - t) v)) * w,
  g = e + (1 - t) J_v(x)^T e, x <- x + dt * (v + gw(t) g) with
  gw(t) = min(c(t) (t^2 + (1-t)^2) / (1-t)^2, max_gw), c = (1-t)/t (max_gw at t = 0).

Two variants of the time input: "per_token" feeds a [B, H] time array, as the
toolkit's network interface does (the time MLP and adaLN run for every
token); "shared" feeds one scalar per flow step, so they run once per step
and broadcast (the shortcut the toolkit's native engine takes internally).

Usage: python flow_policy_jax.py <dir>, where <dir> holds manifest.json and
the float32 little-endian arrays it lists (written by bench_peer.ts); then
answers timing and check requests, one JSON line each way (see serve), so
the bench can alternate JAX and toolkit repetitions in one run.
"""

import json
import os
import sys
import time

import numpy as np
import jax
import jax.numpy as jnp
import jaxlib


def load(folder):
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    arrays = {}
    for name, spec in manifest["arrays"].items():
        data = np.fromfile(os.path.join(folder, spec["file"]), dtype="<f4")
        arrays[name] = data.reshape(spec["shape"])
    return manifest, arrays


def unflatten(flat, layout):
    return {e["name"]: jnp.asarray(flat[e["offset"]:e["offset"] + e["size"]].reshape(e["shape"]))
            for e in layout}


def posemb(t, dim):
    half = dim // 2
    frac = jnp.linspace(0.0, 1.0, half)
    period = 4e-3 * (4.0 / 4e-3) ** frac
    freq = (1.0 / period * 2.0 * jnp.pi).astype(jnp.float32)
    arg = t[..., None] * freq
    return jnp.concatenate([jnp.sin(arg), jnp.cos(arg)], axis=-1)


def layer_norm(x):
    mu = jnp.mean(x, axis=-1, keepdims=True)
    var = jnp.mean(jnp.square(x - mu), axis=-1, keepdims=True)
    return (x - mu) * jax.lax.rsqrt(var + 1e-6)


def velocity(p, cfg, obs, xt, t):
    """v = f(obs, x_t, t); obs [B, O], xt [B, H, A], t [B, H] or a scalar."""
    C, L, H = cfg["C"], cfg["L"], cfg["H"]
    swish = jax.nn.swish
    emb = posemb(t, C)
    temb = swish(swish(emb @ p["time_mlp.layers.0.kernel"] + p["time_mlp.layers.0.bias"])
                 @ p["time_mlp.layers.2.kernel"] + p["time_mlp.layers.2.bias"])
    B = obs.shape[0]
    obs_tok = jnp.broadcast_to(obs[:, None, :], (B, H, obs.shape[1]))
    x = jnp.concatenate([xt, obs_tok], axis=-1) @ p["in_proj.kernel"] + p["in_proj.bias"]
    for l in range(L):
        pre = f"mlp_stack.{l}."
        sc1, sh1, g1 = jnp.split(temb @ p[pre + "adaln_1.kernel"] + p[pre + "adaln_1.bias"], 3, axis=-1)
        sc2, sh2, g2 = jnp.split(temb @ p[pre + "adaln_2.kernel"] + p[pre + "adaln_2.bias"], 3, axis=-1)
        y = layer_norm(x) * (1 + sc1) + sh1
        z = jnp.swapaxes(y, 1, 2)  # [B, C, H]: mix over tokens per channel
        q = jax.nn.gelu(z @ p[pre + "token_mix_in.kernel"]) @ p[pre + "token_mix_out.kernel"]
        x = x + g1 * jnp.swapaxes(q, 1, 2)
        y = layer_norm(x) * (1 + sc2) + sh2
        x = x + g2 * (jax.nn.gelu(y @ p[pre + "channel_mix_in.kernel"]) @ p[pre + "channel_mix_out.kernel"])
    scf, shf = jnp.split(temb @ p["final_adaln.kernel"] + p["final_adaln.bias"], 2, axis=-1)
    y = layer_norm(x) * (1 + scf) + shf
    return y @ p["out_proj.kernel"] + p["out_proj.bias"]


def guidance_weight(t, max_gw):
    inv_r2 = (t * t + (1 - t) * (1 - t)) / ((1 - t) * (1 - t))
    c = max_gw if t == 0 else (1 - t) / t
    return min(c * inv_r2, max_gw)


def make_samplers(cfg, steps, max_gw, shared):
    H = cfg["H"]
    dt = 1.0 / steps

    def times(obs, t):
        return jnp.float32(t) if shared else jnp.full((obs.shape[0], H), t, jnp.float32)

    @jax.jit
    def naive(p, obs, x):
        for k in range(steps):
            t = k * dt
            x = x + dt * velocity(p, cfg, obs, x, times(obs, t))
        return x

    @jax.jit
    def realtime(p, obs, x, y, w):
        for k in range(steps):
            t = k * dt
            v, pullback = jax.vjp(lambda xx: velocity(p, cfg, obs, xx, times(obs, t)), x)
            e = (y - (x + v * (1 - t))) * w[..., None]
            g = e + (1 - t) * pullback(e)[0]
            x = x + dt * (v + guidance_weight(t, max_gw) * g)
        return x

    return naive, realtime


def serve(folder):
    """Answers one JSON request per stdin line with one JSON line on stdout:
    {"op": "info"}; {"op": "time", "variant", "method", "batch"} (10 chunks
    back to back, compiled and warmed on first use); {"op": "check",
    "method", "batch", "refs": [engine names]} (max |JAX - engine| of the
    first chunk, per-token variant); {"op": "quit"}."""
    manifest, arr = load(folder)
    cfg = manifest["config"]
    p = unflatten(arr["params"], manifest["layout"])
    samplers = {v: make_samplers(cfg, manifest["steps"], manifest["max_gw"], v == "shared")
                for v in ("per_token", "shared")}
    inputs = {}

    def fn(variant, method, B):
        if B not in inputs:
            inputs[B] = (jnp.asarray(arr[f"obs_{B}"]), jnp.asarray(arr[f"prev_{B}"]),
                         jnp.asarray(arr[f"w_{B}"]), [jnp.asarray(n) for n in arr[f"noise_{B}"]])
        obs, y, w, noise = inputs[B]
        naive, realtime = samplers[variant]
        f = (lambda x: naive(p, obs, x)) if method == "naive" else (lambda x: realtime(p, obs, x, y, w))
        return f, noise

    warm = set()
    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "quit":
            break
        if req["op"] == "info":
            reply = {"jax": jax.__version__, "jaxlib": jaxlib.__version__,
                     "devices": [str(d) for d in jax.devices()]}
        elif req["op"] == "check":
            f, noise = fn("per_token", req["method"], req["batch"])
            first = np.asarray(f(noise[0]).block_until_ready())
            reply = {e: float(np.max(np.abs(first - arr[f"out_{e}_{req['method']}_{req['batch']}"])))
                     for e in req["refs"]}
        else:
            key = (req["variant"], req["method"], req["batch"])
            f, noise = fn(*key)
            reply = {}
            if key not in warm:
                t0 = time.perf_counter()
                f(noise[0]).block_until_ready()
                reply["compile_s"] = time.perf_counter() - t0
                warm.add(key)
            t0 = time.perf_counter()
            r = None
            for x0 in noise:
                r = f(x0)
            r.block_until_ready()
            reply["seconds"] = time.perf_counter() - t0
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    serve(sys.argv[1])
