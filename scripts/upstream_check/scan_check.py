"""Replays the toolkit's scan evaluation in JAX, written from the upstream
semantics (the FlowPolicy network, its naive / realtime (PiGDM guidance
through jax.vjp) / BID samplers, training-time prefix conditioning, and the
upstream `eval_flow.eval` chunk bookkeeping), on the toy reaching task, with
the weights, flow noise, action noise and reset states that `dump_scan.ts`
wrote. Prints, per case, the largest difference of the executed actions and
of the chunks, and the first-episode outcomes that differ.

Usage: python scan_check.py <dump.json>   (exit 1 when a case disagrees)
"""

import json
import math
import sys

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", False)

# Largest allowed |chunk difference| of one sampler call on identical inputs.
# Two float32 implementations differ in summation order; the PiGDM step
# multiplies those differences by a guidance weight up to 5 on each flow step.
SAMPLER_TOL = 2e-4


def posemb(t, dim):
    """Sine-cosine embedding of flow times t (any shape) -> [..., dim]."""
    frac = jnp.linspace(0.0, 1.0, dim // 2)
    period = 4e-3 * (4.0 / 4e-3) ** frac
    arg = t[..., None] * (1.0 / period * 2 * jnp.pi)
    return jnp.concatenate([jnp.sin(arg), jnp.cos(arg)], axis=-1)


def layer_norm(x):
    mu = jnp.mean(x, axis=-1, keepdims=True)
    var = jnp.mean(jnp.square(x - mu), axis=-1, keepdims=True)
    return (x - mu) / jnp.sqrt(var + 1e-6)


def dense(p, name, x, bias=True):
    y = x @ p[name + ".kernel"]
    return y + p[name + ".bias"] if bias else y


def velocity(p, cfg, obs, x_t, time):
    """v = f(obs [B,O], x_t [B,H,A], time [B,H]); per-token times."""
    h = cfg["actionChunkSize"]
    temb = posemb(time, cfg["channelDim"])  # [B,H,C]
    temb = jax.nn.swish(dense(p, "time_mlp.layers.0", temb))
    temb = jax.nn.swish(dense(p, "time_mlp.layers.2", temb))
    obs_rep = jnp.repeat(obs[:, None, :], h, axis=1)
    x = dense(p, "in_proj", jnp.concatenate([x_t, obs_rep], axis=-1))
    for l in range(cfg["numLayers"]):
        b = f"mlp_stack.{l}."
        s1, sh1, g1 = jnp.split(dense(p, b + "adaln_1", temb), 3, axis=-1)
        s2, sh2, g2 = jnp.split(dense(p, b + "adaln_2", temb), 3, axis=-1)
        r = x
        y = layer_norm(x) * (1 + s1) + sh1
        y = jnp.swapaxes(y, 1, 2)
        y = jax.nn.gelu(y @ p[b + "token_mix_in.kernel"], approximate=True)
        y = jnp.swapaxes(y @ p[b + "token_mix_out.kernel"], 1, 2)
        x = r + g1 * y
        r = x
        y = layer_norm(x) * (1 + s2) + sh2
        y = jax.nn.gelu(y @ p[b + "channel_mix_in.kernel"], approximate=True)
        x = r + g2 * (y @ p[b + "channel_mix_out.kernel"])
    sc, shf = jnp.split(dense(p, "final_adaln", temb), 2, axis=-1)
    x = layer_norm(x) * (1 + sc) + shf
    return dense(p, "out_proj", x)


def prefix_weights(start, end, total, schedule):
    start = min(start, end)
    i = np.arange(total)
    if schedule == "ones":
        w = np.ones(total)
    elif schedule == "zeros":
        w = (i < start).astype(np.float64)
    else:
        w = np.clip((start - 1 - i) / (end - start + 1) + 1, 0, 1)
        if schedule == "exp":
            w = w * np.expm1(w) / (math.e - 1)
    return jnp.asarray(np.where(i >= end, 0, w), jnp.float32)


def naive(p, cfg, obs, noise, steps):
    dt = 1.0 / steps
    x = noise
    h = cfg["actionChunkSize"]
    for k in range(steps):
        t = jnp.full((obs.shape[0], h), k * dt, jnp.float32)
        x = _naive_step(p, obs, x, t, jnp.float32(dt))
    return x


def training_time(p, cfg, obs, noise, steps, y, d):
    dt = 1.0 / steps
    h = cfg["actionChunkSize"]
    prefix = (jnp.arange(h) < d)[None, :]
    x = noise
    for k in range(steps):
        x = jnp.where(prefix[..., None], y, x)
        t = jnp.where(prefix, 1.0, k * dt) * jnp.ones((obs.shape[0], h))
        x = x + dt * velocity(p, cfg, obs, x, t)
    return x


def realtime(p, cfg, obs, noise, steps, y, d, s, schedule, beta):
    """Upstream realtime_action: per-sample jax.vjp of the denoiser."""
    h = cfg["actionChunkSize"]
    dt = 1.0 / steps
    w = prefix_weights(d, h - s, h, schedule)
    return _realtime_jit(p, obs, noise, y, w, steps, beta, json.dumps(cfg))


@jax.jit
def _naive_step(p, obs, x, t, dt):
    return x + dt * velocity(p, _CFG[0], obs, x, t)


_CFG = [None]


def _realtime_impl(p, obs, noise, y, w, steps, beta, cfg_json):
    cfg = json.loads(cfg_json)
    h = cfg["actionChunkSize"]
    dt = 1.0 / steps

    def corrected(o, x_t, yy, t):
        def denoiser(xx):
            v = velocity(p, cfg, o[None], xx[None], jnp.full((1, h), t))[0]
            return xx + v * (1 - t), v

        x1, vjp_fun, v = jax.vjp(denoiser, x_t, has_aux=True)
        err = (yy - x1) * w[:, None]
        corr = vjp_fun(err)[0]
        inv_r2 = (t**2 + (1 - t) ** 2) / ((1 - t) ** 2)
        c = jnp.nan_to_num((1 - t) / t, posinf=beta)
        gw = jnp.minimum(c * inv_r2, beta)
        return v + gw * corr

    x = noise
    for k in range(steps):
        t = jnp.float32(k * dt)
        v = jax.vmap(corrected, in_axes=(0, 0, 0, None))(obs, x, y, t)
        x = x + dt * v
    return x


_realtime_jit = jax.jit(_realtime_impl, static_argnums=(5, 6, 7))


def bid(p, cfg, obs, noise_all, steps, y, d, s, n):
    """Upstream bid_action without forward contrast: argmin backward loss."""
    h = cfg["actionChunkSize"]
    b = obs.shape[0]
    w = prefix_weights(d, h - s, h, "exp")
    cands = naive(p, cfg, jnp.tile(obs, (n, 1)), noise_all, steps)
    cands = cands.reshape(n, b, h, -1)
    loss = jnp.sum(jnp.linalg.norm(cands - y[None], axis=-1) * w, axis=-1)
    best = jnp.argmin(loss, axis=0)
    return cands[best, jnp.arange(b)]


class ToyEnv:
    """The toy reaching task: x += 0.1 clip(a); solved when |x - goal| < 0.05."""

    def __init__(self, resets, max_t):
        self.resets = np.asarray(resets, np.float32)  # [N, episodes, 3]
        self.max_t = max_t
        n = self.resets.shape[0]
        self.episode = np.zeros(n, np.int64)
        self.state = self.resets[:, 0].copy()
        self.first_solved = np.full(n, -1, np.int64)

    def obs(self):
        return jnp.asarray(self.state[:, :2])

    def step(self, action):
        a = np.clip(np.asarray(action, np.float32)[:, 0], -1, 1)
        x = (self.state[:, 0] + np.float32(0.1) * a).astype(np.float32)
        self.state[:, 0] = x
        self.state[:, 2] += 1
        reached = np.abs(x - self.state[:, 1]) < 0.05
        done = reached | (self.state[:, 2] >= self.max_t)
        for e in np.nonzero(done)[0]:
            if self.first_solved[e] < 0:
                self.first_solved[e] = int(reached[e])
            self.episode[e] += 1
            self.state[e] = self.resets[e, self.episode[e]]


def sample(p, cfg, case, obs, noise, prev):
    """The case's method on one batch, from the given noise and previous chunk."""
    n_env = obs.shape[0]
    h = cfg["actionChunkSize"]
    a_dim = cfg["action_dim"]
    shape = (n_env, h, a_dim)
    d, s = case["delay"], case["s"]
    steps = case["num_flow_steps"]
    m = case["method"]
    if m == "naive":
        return naive(p, cfg, obs, noise.reshape(shape), steps)
    if m in ("realtime", "hard_masking"):
        sched = "zeros" if m == "hard_masking" else case["schedule"]
        return realtime(p, cfg, obs, noise.reshape(shape), steps, prev, d, s,
                        sched, case["max_guidance_weight"])
    if m == "training_time":
        return training_time(p, cfg, obs, noise.reshape(shape), steps, prev, d)
    if m == "bid":
        nb = case["bid_samples"]
        return bid(p, cfg, obs, noise.reshape((nb * n_env, h, a_dim)), steps, prev, d, s, nb)
    raise ValueError(m)


def rollout(dump, cfg, case, next_chunk):
    """Upstream eval_flow.eval bookkeeping on the toy task.

    next_chunk(it, obs, chunk) gives the chunk of iteration it (0 = the first,
    naive chunk at the reset observation). Returns the executed actions
    [steps, N, A] and the first-episode outcomes.
    """
    n_env = dump["num_envs"]
    a_dim = cfg["action_dim"]
    d, s = case["delay"], case["s"]
    env = ToyEnv(dump["resets"], dump["max_timesteps"])
    chunk = next_chunk(0, env.obs(), None)
    executed = []
    t = 0
    for it in range(math.ceil(dump["max_timesteps"] / s)):
        new = next_chunk(it + 1, env.obs(), chunk)
        # d ACTIONS FROM THE OLD CHUNK, THEN NEW[d:s]; SHIFT THE NEW CHUNK BY s
        to_exec = jnp.concatenate([chunk[:, :d], new[:, d:s]], axis=1)
        chunk = jnp.concatenate([new[:, s:], jnp.zeros((n_env, s, a_dim))], axis=1)
        for i in range(s):
            act = np.asarray(to_exec[:, i])
            executed.append(act)
            noise_a = np.asarray(dump["action_noise"][t], np.float32)
            env.step((act + noise_a).astype(np.float32))
            t += 1
    return np.asarray(executed, np.float32), env.first_solved


def run_case(dump, p, cfg, case):
    n_env = dump["num_envs"]
    h = cfg["actionChunkSize"]
    a_dim = cfg["action_dim"]
    shape = (n_env, h, a_dim)
    calls = case["calls"]
    arr = lambda v: jnp.asarray(np.asarray(v, np.float32))
    ts_exec = np.asarray(case["executed"], np.float32)
    ts_first = np.asarray(case["first_solved"])
    naive_case = {**case, "method": "naive"}

    # 1. BOOKKEEPING: UPSTREAM SCAN DRIVEN BY THE TOOLKIT'S OWN CHUNKS
    def toolkit_chunk(it, obs, chunk):
        return arr(calls[it]["chunk"]).reshape(shape)

    ex, first = rollout(dump, cfg, case, toolkit_chunk)
    book_err = float(np.max(np.abs(ex - ts_exec.reshape(ex.shape))))
    book_mism = int(np.sum(first != ts_first))

    # 2. SAMPLER: EVERY CALL ON THE TOOLKIT'S INPUTS (OBS, PREVIOUS CHUNK, NOISE)
    lo = case["delay"] if case["method"] == "training_time" else 0
    samp_err = 0.0
    for it, c in enumerate(calls):
        obs = arr(c["obs"]).reshape(n_env, -1)
        prev = arr(c["prev"]).reshape(shape) if c["prev"] else None
        chunk = sample(p, cfg, naive_case if it == 0 else case, obs, arr(c["noise"]), prev)
        ref = arr(c["chunk"]).reshape(shape)
        # positions < d of a training-time chunk are never executed
        l = 0 if it == 0 else lo
        samp_err = max(samp_err, float(jnp.max(jnp.abs(chunk[:, l:] - ref[:, l:]))))

    # 3. CLOSED LOOP: UPSTREAM SCAN WITH ITS OWN CHUNKS
    def own_chunk(it, obs, chunk):
        return sample(p, cfg, naive_case if it == 0 else case, obs, arr(calls[it]["noise"]), chunk)

    ex, first = rollout(dump, cfg, case, own_chunk)
    loop_err = float(np.max(np.abs(ex - ts_exec.reshape(ex.shape))))
    loop_mism = int(np.sum(first != ts_first))
    return book_err, book_mism, samp_err, loop_err, loop_mism, float(np.mean(first))


def main(path):
    dump = json.load(open(path))
    cfg = dump["config"]
    _CFG[0] = cfg
    p = {k: jnp.asarray(np.asarray(v["data"], np.float32).reshape(v["shape"]))
         for k, v in dump["weights"].items()}
    bad = 0
    print(f"{'method':14} {'d':>2} {'s':>2} | {'bookkeeping':>11} {'outc.':>5} | "
          f"{'sampler':>8} | {'closed loop':>11} {'outc.':>5} | solved jax/toolkit")
    for case in dump["cases"]:
        book, book_m, samp, loop, loop_m, solved = run_case(dump, p, cfg, case)
        ok = book == 0 and book_m == 0 and samp < SAMPLER_TOL and loop_m == 0
        bad += 0 if ok else 1
        print(f"{case['method']:14} {case['delay']:2d} {case['s']:2d} | {book:11.1e} {book_m:5d} | "
              f"{samp:8.1e} | {loop:11.1e} {loop_m:5d} | {solved:.3f}/{case['solved']:.3f}"
              f"{'' if ok else '  MISMATCH'}")
    print(f"{len(dump['cases']) - bad} of {len(dump['cases'])} cases agree: executed actions "
          f"identical under the upstream bookkeeping, chunks within {SAMPLER_TOL} of an "
          f"independent JAX sampler on the same inputs, identical first-episode outcomes")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
