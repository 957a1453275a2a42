"""PyTorch reference of Algorithm 1 (pkg/dae), for speed comparisons.

It trains the same problems as pkg/dae.Train, with the same loss (eq. 6), the
same DAEs (eq. 11 single Gaussian, eq. 9 soft-max with equal weights π_k),
the same minibatch size, noise levels, step sizes and Newton–Schulz
projection P_O, and the same random draws: the counter-based SplitMix64
hash of pkg/dae/rng.go is evaluated here in int64 arithmetic (wrapping
multiplication, masked logical shifts), so sample indices, noise levels and
ε are bit-identical to ours and the trained bases agree to float32 rounding.

It also follows pkg/dae's step-size rules and stopping on convergence
(pkg/dae/schedule.go): the geometric schedule, or η_t = η₀/√(1 + t/t₀) with
one annealing window per run down to the final step size, starting when the
run converges (the mean projections U_kU_kᵀ of two consecutive windows
differ by at most Tol) or at Steps − Window. Stopped runs keep their bases.

usage: python bench/torch_alg1.py PROBLEM.json OUT.bin
PROBLEM.json (written by bench/phasebench) names a raw little-endian file
with the data [I, N_max, n] float32, counts [I] int32, keys [I] uint64,
levels [T, 3] float32 and the initial bases [I, n, d] float32 per
component, and gives the schedule. The trained bases are written to OUT.bin
(float32, component after component), then the steps every run took (int32)
and whether it converged (int32), and a JSON line with the timing is printed.
"""
import ctypes
import json
import math
import pathlib
import sys
import time

import numpy as np

# PyPI's torch is the CUDA build; bench/torch_stubs.py made stand-ins for the
# CUDA libraries it links against (see bench/setup_torch.sh).
_stubs = pathlib.Path(sys.prefix) / "torch-stubs"
if (_stubs / "ORDER").exists():
    for so in (_stubs / "ORDER").read_text().split():
        ctypes.CDLL(str(_stubs / so), mode=ctypes.RTLD_GLOBAL)
import torch  # noqa: E402

U64 = 1 << 64


def s64(v):
    """The int64 with the same bits as the uint64 v."""
    v %= U64
    return v - U64 if v >= 1 << 63 else v


GOLDEN = s64(0x9E3779B97F4A7C15)
MIX1 = s64(0xBF58476D1CE4E5B9)
MIX2 = s64(0x94D049BB133111EB)


def shr(z, k):
    """Logical right shift of int64 bit patterns."""
    return (z >> k) & ((1 << (64 - k)) - 1)


def mix64(z):
    z = (z ^ shr(z, 30)) * MIX1
    z = (z ^ shr(z, 27)) * MIX2
    return z ^ shr(z, 31)


def random_words(keys, step, stream, numel):
    """Words for positions 0..numel−1 of every instance: [I, numel] int64
    (pkg/dae randomWords: mix64(κ + (t·2³⁴ + j·2³² + p + 1)·γ))."""
    base = s64((step << 34) + (stream << 32) + 1)
    pos = torch.arange(numel, dtype=torch.int64) + base
    return mix64(keys[:, None] + pos[None, :] * GOLDEN)


def uniform24(words, shift):
    return shr(words, shift).bitwise_and(0xFFFFFF).to(torch.float32) * (1.0 / (1 << 24))


def random_uniform(keys, step, stream, b):
    return uniform24(random_words(keys, step, stream, b), 40)


def random_normal(keys, step, stream, b, n):
    half = (n + 1) // 2
    w = random_words(keys, step, stream, b * half).reshape(-1, b, half)
    u1 = uniform24(w, 40) + 0.5 / (1 << 24)
    u2 = uniform24(w, 8)
    r = torch.sqrt(-2 * torch.log(u1))
    c = torch.cos(u2 * (2 * math.pi))
    s = torch.sqrt(torch.clamp(1 - c * c, min=0))
    s = torch.where(u2 < 0.5, s, -s)
    return torch.cat([r * c, r * s], -1)[..., :n]


def polar(y, iterations):
    """pkg/dae Polar: Newton–Schulz on the d×d Gram matrices, normalized by
    min(‖Y‖²_F, Gershgorin bound of YᵀY), then two clean-up iterations."""
    d = y.shape[-1]
    eye = torch.eye(d, dtype=y.dtype)
    a0 = y.transpose(-1, -2) @ y
    frob = torch.diagonal(a0, dim1=-2, dim2=-1).sum(-1)[..., None, None]
    gersh = a0.abs().sum(-1).amax(-1)[..., None, None]
    c = torch.minimum(frob, gersh)
    x = y / torch.sqrt(c)
    a = a0 / c
    p = None
    for _ in range(iterations):
        m = (3 * eye - a) * 0.5
        p = m if p is None else p @ m
        a = m @ a @ m
    x = x @ p
    for _ in range(2):
        x = x @ ((3 * eye - x.transpose(-1, -2) @ x) * 0.5)
    return x


def dae(xt, s, sigma, us, softmax):
    """x_θ of eq. (11) (one basis) or eq. (9) (equal π_k)."""
    s = s[..., None]
    sigma2 = sigma[..., None] ** 2
    shrink = 1 / (s * (1 + sigma2))
    cs = [xt @ u for u in us]  # U_kᵀx_t: [I, B, d_k]
    recon = [c @ u.transpose(-1, -2) for c, u in zip(cs, us)]
    if not softmax:
        return shrink * recon[0]
    phi = 1 / (2 * s * s * sigma2 * (1 + sigma2))
    log_ratio = torch.log1p(1 / sigma2)
    logits = torch.cat([phi * (c * c).sum(-1, keepdim=True) - (u.shape[-1] / 2) * log_ratio
                        for c, u in zip(cs, us)], -1)
    w = torch.softmax(logits, -1)
    out = sum(w[..., k:k + 1] * recon[k] for k in range(len(us)))
    return shrink * out


class Schedule:
    """pkg/dae runSchedule for all runs at once."""

    def __init__(self, spec, runs):
        self.kind, self.steps_max = spec["schedule"], spec["steps"]
        self.eta0, self.eta_f, self.t0 = spec["step_size"], spec["final_step_size"], spec["decay_steps"]
        self.tol, self.window = spec["tol"], spec["window"]
        self.anneal_at = np.full(runs, self.steps_max, dtype=np.int64)
        self.eta_anneal = np.zeros(runs)
        self.steps = np.full(runs, self.steps_max, dtype=np.int64)
        self.converged = np.zeros(runs, dtype=bool)
        if self.kind == "invsqrt":
            self.anneal(np.ones(runs, dtype=bool), max(0, self.steps_max - self.window))

    def base(self, t):
        if self.kind == "invsqrt":
            return self.eta0 / math.sqrt(1 + t / self.t0)
        if self.steps_max <= 1:
            return self.eta0
        return self.eta0 * (self.eta_f / self.eta0) ** (t / (self.steps_max - 1))

    def anneal(self, which, t):
        self.anneal_at[which] = t
        self.eta_anneal[which] = self.base(t)
        self.steps[which] = min(self.steps_max, t + self.window)

    def eta(self, t):
        f = (t - self.anneal_at) / (self.window - 1)
        annealed = self.eta_anneal * (self.eta_f / np.where(self.eta_anneal > 0, self.eta_anneal, 1)) ** f
        return np.where(t < self.anneal_at, self.base(t), annealed)

    def window_end(self, t, active, dist):
        """dist: max_k ‖P̄_k − P̄'_k‖_F per run, negative without a previous window."""
        if self.tol == 0:
            return
        now = active & ~self.converged & (dist >= 0) & (dist <= self.tol)
        self.converged |= now
        if self.kind == "geometric":
            self.steps[now] = t + 1
        else:
            self.anneal(now & (t + 1 < self.anneal_at), t + 1)


def main():
    spec = json.loads(pathlib.Path(sys.argv[1]).read_text())
    torch.set_num_threads(spec.get("threads") or torch.get_num_threads())
    I, nmax, n, T = spec["instances"], spec["nmax"], spec["n"], spec["T"]
    dims, steps, batch = spec["dims"], spec["steps"], spec["batch"]
    raw = pathlib.Path(spec["blob"]).read_bytes()
    off = 0

    def take(dtype, count):
        nonlocal off
        a = np.frombuffer(raw, dtype=dtype, count=count, offset=off)
        off += a.nbytes
        return a

    data = torch.from_numpy(take("<f4", I * nmax * n).copy()).reshape(I, nmax, n)
    counts = torch.from_numpy(take("<i4", I).copy()).to(torch.int64)
    keys = torch.from_numpy(take("<u8", I).copy().view("<i8"))
    levels = torch.from_numpy(take("<f4", T * 3).copy()).reshape(T, 3)
    us = [torch.from_numpy(take("<f4", I * n * d).copy()).reshape(I, n, d) for d in dims]
    softmax = spec["parameterization"] == "softmax"
    iters = spec["polar_iterations"]
    flat = data.reshape(I * nmax, n)
    row_base = (torch.arange(I) * nmax)[:, None]
    countsf = counts.to(torch.float32)[:, None]
    last = (counts - 1)[:, None]

    sched = Schedule(spec, I)
    stride = max(1, sched.window // 50)
    cur = [torch.zeros(I, n, n) for _ in dims]
    prev = [torch.zeros(I, n, n) for _ in dims]
    n_cur, n_prev = 0, 0

    start = time.perf_counter()
    for step in range(steps):
        active_np = step < sched.steps
        if not active_np.any():
            break
        active = torch.from_numpy(active_np)[:, None, None]
        eta = torch.from_numpy(sched.eta(step).astype(np.float32))[:, None, None]
        idx = torch.minimum(torch.floor(random_uniform(keys, step, 0, batch) * countsf).to(torch.int64), last)
        x0 = flat[idx + row_base]  # [I, B, n]
        t_idx = torch.clamp(torch.floor(random_uniform(keys, step, 1, batch) * T).to(torch.int64), max=T - 1)
        lvl = levels[t_idx]  # [I, B, 3]
        s, sigma, lam = lvl[..., 0], lvl[..., 1], lvl[..., 2]
        eps = random_normal(keys, step, 2, batch, n)
        for u in us:
            u.requires_grad_(True)
        xt = s[..., None] * x0 + (s * sigma)[..., None] * eps
        r = dae(xt, s, sigma, us, softmax) - x0
        loss = (lam * (r * r).sum(-1)).mean(-1)  # [I]
        grads = torch.autograd.grad(loss.sum(), us)
        with torch.no_grad():
            us = [torch.where(active, polar(u - eta * g, iters), u) for u, g in zip(us, grads)]
            if sched.tol == 0:
                continue
            if (step + 1) % stride == 0:
                for c, u in zip(cur, us):
                    c += u @ u.transpose(-1, -2)
                n_cur += 1
            if (step + 1) % sched.window == 0:
                dist = np.full(I, -1.0)
                if n_prev > 0:
                    dist = np.max([((c.double() / n_cur - p.double() / n_prev) ** 2).sum((-1, -2)).sqrt().numpy()
                                   for c, p in zip(cur, prev)], axis=0)
                sched.window_end(step, active_np, dist)
                cur, prev, n_prev, n_cur = prev, cur, n_cur, 0
                for c in cur:
                    c.zero_()
    elapsed = time.perf_counter() - start
    with open(sys.argv[2], "wb") as f:
        for u in us:
            f.write(u.detach().numpy().astype("<f4").tobytes())
        f.write(sched.steps.astype("<i4").tobytes())
        f.write(sched.converged.astype("<i4").tobytes())
    print(json.dumps({"seconds": elapsed, "steps": steps, "threads": torch.get_num_threads(),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
