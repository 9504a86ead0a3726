"""
README -- independent PyTorch reference for lib/diffusion (DiT Lab).

Regenerate the golden files (from the repository root, with Debian's python3-torch):

    /usr/bin/python3 tests/reference/diffusion_reference.py

It writes tests/reference/golden/diffusion-{process,losses,guidance,samplers}.json, which
tests/unit/diffusion/golden.test.ts compares against (1e-4, relative above magnitude 1).

This file is written from the equations (dit-facts.md, the DDPM / IDDPM / DDIM papers) and from the
official DiT code's documented behaviour where it differs from the paper (clipped log posterior
variance at t = 1, FIXED_LARGE's first entry, bits for the bound, discretized decoder likelihood at
t = 1, respacing by Python round, classifier-free guidance on the first 3 channels as an option). It
is not a port of the TypeScript: schedules are rebuilt from betas, the respaced process is built
directly from alpha_bar at the kept steps, and everything is computed in float64 from inputs that
are first rounded to float32 (what the TypeScript tensors hold).

Tensors are NHWC like the TypeScript side; every formula here is elementwise per batch item, so the
layout only matters for splitting channels (the last axis).

Noise for the sampling loops comes from a Python copy of lib/random.ts (mulberry32 + Box-Muller),
so the TypeScript sampleLoop can be run with the same seed; the first draws are stored too, and the
TS test checks that the two generators agree.
"""

import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
T = 1000


# ----------------------------------------------------------------------------------------------
# Inputs: float32-rounded, then float64
# ----------------------------------------------------------------------------------------------

def f32(x):
    return x.to(torch.float32).to(torch.float64)


def randn(shape, gen, scale=1.0):
    return f32(torch.randn(*shape, generator=gen, dtype=torch.float64) * scale)


def tolist(x):
    if isinstance(x, torch.Tensor):
        return [float(v) for v in x.reshape(-1).tolist()]
    return x


# ----------------------------------------------------------------------------------------------
# Schedules (Eq. linear-schedule, cosine-schedule) and the process constants
# ----------------------------------------------------------------------------------------------

def linear_betas(n):
    s = 1000.0 / n
    return torch.linspace(s * 1e-4, s * 0.02, n)


def cosine_betas(n):
    f = lambda u: math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
    return torch.tensor([min(1 - f((i + 1) / n) / f(i / n), 0.999) for i in range(n)])


class Process:
    """A diffusion process given by alpha_bar at its steps (index i = paper's step i + 1)."""

    def __init__(self, alpha_bar, timestep_map=None):
        self.abar = alpha_bar.clone()
        self.n = len(alpha_bar)
        self.abar_prev = torch.cat([torch.ones(1), self.abar[:-1]])
        # beta_t = 1 - alpha_bar_t / alpha_bar_{t-1}  (for the original process this is the schedule)
        self.beta = 1 - self.abar / self.abar_prev
        self.alpha = 1 - self.beta
        # Eq. posterior-variance
        self.beta_tilde = (1 - self.abar_prev) / (1 - self.abar) * self.beta
        # the official code logs beta~ with its first (zero) entry replaced by the second
        self.log_beta_tilde_clipped = torch.log(torch.cat([self.beta_tilde[1:2], self.beta_tilde[1:]]))
        self.map = list(range(self.n)) if timestep_map is None else list(timestep_map)

    @staticmethod
    def from_betas(betas):
        return Process(torch.cumprod(1 - betas, 0))

    def col(self, v, t):
        """Per-item value v[t_k] shaped (N, 1, 1, 1)."""
        return v[torch.tensor(t)].reshape(-1, 1, 1, 1)

    # Eq. q-sample
    def q_sample(self, x0, t, eps):
        return self.col(self.abar.sqrt(), t) * x0 + self.col((1 - self.abar).sqrt(), t) * eps

    # Eq. posterior-mean, posterior-variance
    def posterior(self, x0, xt, t):
        ab, abp, b, a = (self.col(v, t) for v in (self.abar, self.abar_prev, self.beta, self.alpha))
        mean = abp.sqrt() * b / (1 - ab) * x0 + a.sqrt() * (1 - abp) / (1 - ab) * xt
        return mean, self.col(self.beta_tilde, t), self.col(self.log_beta_tilde_clipped, t)

    # Eq. eps-to-x0
    def x0_from_eps(self, xt, t, eps):
        ab = self.col(self.abar, t)
        return (xt - (1 - ab).sqrt() * eps) / ab.sqrt()

    def eps_from_x0(self, xt, t, x0):
        ab = self.col(self.abar, t)
        return (xt - ab.sqrt() * x0) / (1 - ab).sqrt()

    def p_mean_variance(self, out, xt, t, var_type="learned-range", clip=False):
        c = xt.shape[-1]
        eps = out[..., :c]
        if var_type == "learned-range":
            # Eq. learned-variance: frac = (v + 1) / 2 between log beta~ (clipped) and log beta
            frac = (out[..., c:] + 1) / 2
            logvar = frac * self.col(self.beta.log(), t) + (1 - frac) * self.col(self.log_beta_tilde_clipped, t)
        elif var_type == "fixed-large":
            large = torch.cat([self.beta_tilde[1:2], self.beta[1:]])
            logvar = self.col(large.log(), t).expand_as(xt)
        else:
            logvar = self.col(self.log_beta_tilde_clipped, t).expand_as(xt)
        x0 = self.x0_from_eps(xt, t, eps)
        if clip:
            x0 = x0.clamp(-1, 1)
        mean, _, _ = self.posterior(x0, xt, t)
        if not clip:
            # Eq. eps-mean gives the same mean when x_0 is not clipped
            ab, b, a = (self.col(v, t) for v in (self.abar, self.beta, self.alpha))
            alt = (xt - b / (1 - ab).sqrt() * eps) / a.sqrt()
            assert torch.allclose(mean, alt, rtol=1e-9, atol=1e-9)
        if var_type == "fixed-small":
            var = self.col(self.beta_tilde, t).expand_as(xt)
        else:
            var = logvar.exp()
        return {"mean": mean, "variance": var, "logVariance": logvar, "predXstart": x0, "eps": eps}

    # Eq. ddpm-step
    def ddpm_step(self, out, xt, t, z, var_type="learned-range", clip=False):
        p = self.p_mean_variance(out, xt, t, var_type, clip)
        last = torch.tensor([1.0 if i == 0 else 0.0 for i in t]).reshape(-1, 1, 1, 1)
        return p["mean"] + (1 - last) * (0.5 * p["logVariance"]).exp() * z, p["predXstart"]

    # Eq. ddim-step (Song et al. eq. 12), eps re-derived from the (possibly clipped) x_0
    def ddim_step(self, out, xt, t, z, eta, var_type="learned-range", clip=False):
        p = self.p_mean_variance(out, xt, t, var_type, clip)
        x0 = p["predXstart"]
        eps = self.eps_from_x0(xt, t, x0)
        ab, abp = self.col(self.abar, t), self.col(self.abar_prev, t)
        sigma = eta * ((1 - abp) / (1 - ab)).sqrt() * (1 - ab / abp).sqrt()
        x = abp.sqrt() * x0 + (1 - abp - sigma ** 2).clamp(min=0).sqrt() * eps
        if eta != 0:
            x = x + sigma * z
        return x, x0


# ----------------------------------------------------------------------------------------------
# Respacing (Eq. respacing), as the official space_timesteps documents it
# ----------------------------------------------------------------------------------------------

def space_timesteps(n, counts):
    if isinstance(counts, str):
        if counts.startswith("ddim"):
            k = int(counts[4:])
            for stride in range(1, n):
                if len(range(0, n, stride)) == k:
                    return list(range(0, n, stride))
            raise ValueError("no stride")
        counts = [int(c) for c in counts.split(",")]
    if isinstance(counts, int):
        counts = [counts]
    per, extra = divmod(n, len(counts))
    start, steps = 0, set()
    for j, k in enumerate(counts):
        size = per + (1 if j < extra else 0)
        stride = 1 if k <= 1 else (size - 1) / (k - 1)
        cur = 0.0
        for _ in range(k):
            steps.add(start + round(cur))  # Python round: halves to even
            cur += stride
        start += size
    return sorted(steps)


def respaced(base, keep):
    return Process(base.abar[torch.tensor(keep)], timestep_map=keep)


# ----------------------------------------------------------------------------------------------
# Losses (Eq. l-simple, l-vlb, l-hybrid) in bits, as the official training_losses with MSE
# ----------------------------------------------------------------------------------------------

def normal_kl(m1, lv1, m2, lv2):
    return 0.5 * (-1 + lv2 - lv1 + torch.exp(lv1 - lv2) + (m1 - m2) ** 2 * torch.exp(-lv2))


def cdf_tanh(x):
    return 0.5 * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def discretized_ll(x, mean, log_scale):
    inv = torch.exp(-log_scale)
    plus = cdf_tanh(inv * (x - mean + 1 / 255))
    minus = cdf_tanh(inv * (x - mean - 1 / 255))
    lo = torch.log(plus.clamp(min=1e-12))
    hi = torch.log((1 - minus).clamp(min=1e-12))
    mid = torch.log((plus - minus).clamp(min=1e-12))
    return torch.where(x < -0.999, lo, torch.where(x > 0.999, hi, mid))


def losses(proc, out, x0, t, noise):
    c = x0.shape[-1]
    xt = proc.q_sample(x0, t, noise)
    eps = out[..., :c]
    mse = ((noise - eps) ** 2).mean(dim=(1, 2, 3))
    p = proc.p_mean_variance(out, xt, t, "learned-range", clip=False)
    qm, _, qlv = proc.posterior(x0, xt, t)
    kl = normal_kl(qm, qlv.expand_as(x0), p["mean"], p["logVariance"]).mean(dim=(1, 2, 3)) / math.log(2)
    nll = -discretized_ll(x0, p["mean"], 0.5 * p["logVariance"]).mean(dim=(1, 2, 3)) / math.log(2)
    vb = torch.where(torch.tensor(t) == 0, nll, kl)
    return {"mse": mse, "vb": vb, "loss": mse + vb, "kl": kl, "nll": nll}


# ----------------------------------------------------------------------------------------------
# Classifier-free guidance (Eq. cfg)
# ----------------------------------------------------------------------------------------------

def guide(cond, uncond, scale, mode, c):
    g = c if mode == "all" else 3
    out = cond.clone()
    out[..., :g] = uncond[..., :g] + scale * (cond[..., :g] - uncond[..., :g])
    return out


# ----------------------------------------------------------------------------------------------
# lib/random.ts in Python (for the sampling loops' noise)
# ----------------------------------------------------------------------------------------------

M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


class GaussianStream:
    def __init__(self, seed):
        self.a = seed & M32
        self.spare = None

    def uniform(self):
        self.a = (self.a + 0x6D2B79F5) & M32
        t = self.a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296

    def next(self):
        if self.spare is not None:
            s, self.spare = self.spare, None
            return s
        u = 0.0
        while u == 0.0:
            u = self.uniform()
        v = self.uniform()
        r = math.sqrt(-2 * math.log(u))
        self.spare = r * math.sin(2 * math.pi * v)
        return r * math.cos(2 * math.pi * v)

    def draw(self, shape):
        n = 1
        for s in shape:
            n *= s
        return f32(torch.tensor([self.next() for _ in range(n)]).reshape(shape))


# The fake network of the loops; tests/unit/diffusion/golden.test.ts builds the same one in tfjs.
def fake_model(x, t_orig, y, learned=True):
    n, c = x.shape[0], x.shape[-1]
    tt = torch.tensor(t_orig, dtype=torch.float64).reshape(n, 1, 1, 1)
    yy = torch.tensor(y, dtype=torch.float64).reshape(n, 1, 1, 1)
    ch = torch.arange(1, c + 1, dtype=torch.float64).reshape(1, 1, 1, c)
    eps = torch.tanh(0.9 * x + 0.05 * ch) + 0.02 * yy + 1e-4 * tt
    if not learned:
        return eps
    v = torch.tanh(0.3 * x - 0.1 * ch + 5e-4 * tt)
    return torch.cat([eps, v], dim=-1)


def sample_loop(base, shape, labels, num_classes, sampler, steps, eta, seed, cfg_scale, cfg_mode, clip, var_type):
    proc = respaced(base, space_timesteps(base.n, steps))
    rng = GaussianStream(seed)
    x = rng.draw(shape)
    learned = var_type == "learned-range"
    stochastic = sampler == "ddpm" or eta != 0
    n, c = shape[0], shape[-1]
    for i in reversed(range(proc.n)):
        t = [i] * n
        t_orig = [proc.map[i]] * n
        if cfg_scale == 1:
            out = fake_model(x, t_orig, labels, learned)
        else:
            cond = fake_model(x, t_orig, labels, learned)
            uncond = fake_model(x, t_orig, [num_classes] * n, learned)
            out = guide(cond, uncond, cfg_scale, cfg_mode, c)
        z = rng.draw(shape) if stochastic else None
        if sampler == "ddpm":
            x, _ = proc.ddpm_step(out, x, t, z, var_type, clip)
        else:
            x, _ = proc.ddim_step(out, x, t, z, eta, var_type, clip)
    return x


# ----------------------------------------------------------------------------------------------
# Golden files
# ----------------------------------------------------------------------------------------------

def write(name, obj):
    path = os.path.join(GOLDEN, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.relpath(path), os.path.getsize(path), "bytes")


def main():
    os.makedirs(GOLDEN, exist_ok=True)
    gen = torch.Generator().manual_seed(20240601)
    base = Process.from_betas(linear_betas(T))
    cos = Process.from_betas(cosine_betas(T))
    shape = (4, 3, 3, 4)
    t = [0, 1, 499, 999]
    x0 = randn(shape, gen, 0.6).clamp(-1, 1)
    noise = randn(shape, gen)
    xt = randn(shape, gen)
    # eps near the true noise keeps the t = 1 decoder likelihood away from float32 saturation
    out = torch.cat([f32(noise + randn(shape, gen, 0.3)), f32(torch.rand(*shape, generator=gen) * 2 - 1)], dim=-1)
    z = randn(shape, gen)
    meta = {"generator": "tests/reference/diffusion_reference.py", "torch": torch.__version__, "layout": "NHWC",
            "shape": list(shape), "t": t}
    inputs = {k: tolist(v) for k, v in dict(x0=x0, noise=noise, xt=xt, modelOutput=out, z=z).items()}

    # -- process --------------------------------------------------------------------------------
    proc_out = {}
    for sched, p in (("linear", base), ("cosine", cos)):
        qm, qv, qlv = p.posterior(x0, xt, t)
        r = {
            "qSample": p.q_sample(x0, t, noise),
            "posteriorMean": qm, "posteriorVariance": qv, "posteriorLogVariance": qlv,
            "predictXstartFromEps": p.x0_from_eps(xt, t, noise),
            "predictEpsFromXstart": p.eps_from_x0(xt, t, x0),
        }
        for var_type in ("learned-range", "fixed-large", "fixed-small"):
            for clip in (False, True):
                o = out if var_type == "learned-range" else out[..., :4]
                pm = p.p_mean_variance(o, xt, t, var_type, clip)
                key = f"pMeanVariance:{var_type}:{'clip' if clip else 'noclip'}"
                r[key] = {k: pm[k] for k in ("mean", "variance", "logVariance", "predXstart")}
        proc_out[sched] = {k: ({kk: tolist(vv) for kk, vv in v.items()} if isinstance(v, dict) else tolist(v)) for k, v in r.items()}
    write("diffusion-process.json", {"meta": meta, "inputs": inputs, "outputs": proc_out})

    # -- losses ---------------------------------------------------------------------------------
    lo = {}
    for sched, p in (("linear", base), ("cosine", cos)):
        lo[sched] = {k: tolist(v) for k, v in losses(p, out, x0, t, noise).items()}
    write("diffusion-losses.json", {"meta": meta, "inputs": inputs, "outputs": lo})

    # -- guidance -------------------------------------------------------------------------------
    gshape = (3, 2, 2, 4)
    cond = randn((3, 2, 2, 8), gen)
    uncond = randn((3, 2, 2, 8), gen)
    gx = randn(gshape, gen)
    g = {"x": tolist(gx), "cond": tolist(cond), "uncond": tolist(uncond), "labels": [0, 4, 9], "numClasses": 10,
         "t": [3, 400, 999], "cases": []}
    for scale in (0.0, 1.0, 1.5, 4.0):
        for mode in ("all", "first3"):
            g["cases"].append({"scale": scale, "mode": mode, "out": tolist(guide(cond, uncond, scale, mode, 4))})
    write("diffusion-guidance.json", {"meta": {**meta, "shape": list(gshape)}, **g})

    # -- samplers: single steps, respacing, loops -----------------------------------------------
    steps = []
    for sched, p in (("linear", base), ("cosine", cos)):
        for var_type in ("learned-range", "fixed-large", "fixed-small"):
            o = out if var_type == "learned-range" else out[..., :4]
            for clip in (False, True):
                s, px = p.ddpm_step(o, xt, t, z, var_type, clip)
                steps.append({"schedule": sched, "sampler": "ddpm", "varType": var_type, "clip": clip, "eta": 0,
                              "sample": tolist(s), "predXstart": tolist(px)})
                if var_type != "learned-range":
                    continue
                for eta in (0.0, 0.5, 1.0):
                    s, px = p.ddim_step(o, xt, t, z, eta, var_type, clip)
                    steps.append({"schedule": sched, "sampler": "ddim", "varType": var_type, "clip": clip, "eta": eta,
                                  "sample": tolist(s), "predXstart": tolist(px)})
    spacings = []
    for n, counts in ((1000, 250), (1000, "ddim50"), (300, [10, 15, 20]), (1000, "10,15,20"), (6, 3), (1000, 7),
                      (1000, [33, 1, 4]), (250, 100)):
        spacings.append({"numTimesteps": n, "counts": counts, "steps": space_timesteps(n, counts)})
    keep = space_timesteps(T, 25)
    rp = respaced(base, keep)
    tr = [0, 1, 12, 24]
    rs, rpx = rp.ddpm_step(out, xt, tr, z)
    rd, _ = rp.ddim_step(out, xt, tr, z, 0.3)
    respacing = {"counts": 25, "timestepMap": keep, "betas": tolist(rp.beta), "t": tr,
                 "ddpmSample": tolist(rs), "predXstart": tolist(rpx), "ddimEta0.3Sample": tolist(rd)}
    lshape = (2, 3, 3, 4)
    loops = []
    for cfg in (
        dict(sampler="ddpm", steps=10, eta=0.0, seed=5, cfg_scale=1.0, cfg_mode="all", clip=False, var_type="learned-range", labels=[3, 7]),
        dict(sampler="ddim", steps="ddim10", eta=0.0, seed=6, cfg_scale=4.0, cfg_mode="first3", clip=False, var_type="learned-range", labels=[0, 9]),
        dict(sampler="ddim", steps=[3, 5], eta=0.7, seed=7, cfg_scale=2.5, cfg_mode="all", clip=True, var_type="learned-range", labels=[1, 10]),
        dict(sampler="ddpm", steps=15, eta=0.0, seed=8, cfg_scale=1.5, cfg_mode="all", clip=False, var_type="fixed-large", labels=[2, 5]),
    ):
        x = sample_loop(base, lshape, cfg["labels"], 10, cfg["sampler"], cfg["steps"], cfg["eta"], cfg["seed"],
                        cfg["cfg_scale"], cfg["cfg_mode"], cfg["clip"], cfg["var_type"])
        loops.append({**cfg, "sample": tolist(x)})
    rng_check = {"seed": 12345, "values": tolist(GaussianStream(12345).draw((16,)))}
    write("diffusion-samplers.json", {"meta": meta, "inputs": inputs, "steps": steps, "spacings": spacings,
                                      "respacing": respacing, "loops": {"shape": list(lshape), "numClasses": 10, "runs": loops},
                                      "randn": rng_check})


if __name__ == "__main__":
    main()
