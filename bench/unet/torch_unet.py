"""PyTorch re-implementation of pkg/unet (DDPM++ SongUNet + EDM), for speed comparisons.

Same architecture as pkg/unet for unet.DefaultConfig(S, C) and
unet.AuthorsConfig(S, C) (S×S×C images, 4×4×3 by default; --model-channels
overrides the base channels, e.g. 16 for molrg images): positional noise embedding (EDM PositionalEmbedding,
endpoint=True, max_positions=10000, [sin, cos] order) + 2-layer SiLU MLP,
UNetBlocks (GroupNorm with min(32, C//4) groups and eps 1e-6, SiLU, affine
embedding injection, dropout, 3×3 convs, 1×1 skip conv when the shape changes,
2×2 average-pool down-sampling / nearest 2× up-sampling before the convs,
skip_scale √½, one-head self-attention where pkg/unet has it), the encoder /
decoder layout of pkg/unet/net.go planNet (SongUNet standard), EDM
preconditioning (σ_d = 0.5), the EDM loss (ln σ ~ N(−1.2, 1.2²),
λ(σ)·‖D − x₀‖² per image, batch mean), Adam (1e-3, 0.9, 0.999, 1e-8) with the
linear learning-rate warm-up, the EMA of the weights and the gradient norm, as
pkg/unet's Trainer does every step. Weights are not those of pkg/unet (same
xavier-uniform scheme, different random draws): this compares the work per
step, not values.

usage: python bench/unet/torch_unet.py --config default|authors --batch 64 --steps 10 [--threads 2]
       [--size 16 --channels 1 --model-channels 16]   (the real-image runs of molrg images)
Prints one JSON line {"impl":"torch", …, "params":…, "img_per_s":…}.
"""
import argparse
import ctypes
import json
import math
import pathlib
import sys
import time

# PyPI's torch is the CUDA build; bench/torch_stubs.py made stand-ins for the
# CUDA libraries it links against (see bench/setup_torch.sh).
_stubs = pathlib.Path(sys.prefix) / "torch-stubs"
if (_stubs / "ORDER").exists():
    for so in (_stubs / "ORDER").read_text().split():
        ctypes.CDLL(str(_stubs / so), mode=ctypes.RTLD_GLOBAL)
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

SKIP_SCALE = math.sqrt(0.5)


def config(name, size=4, channels=3, model_channels=0):
    """pkg/unet DefaultConfig(size, channels) / AuthorsConfig(size, channels) (4×4×3 by default)."""
    c = dict(image_size=size, channels=channels, model_channels=32, channel_mult=[1, 2],
             channel_mult_emb=4, channel_mult_noise=1, num_blocks=1,
             attn_resolutions=[], dropout=0.10, sigma_data=0.5)
    if name == "authors":
        c.update(model_channels=128, channel_mult=[2, 2, 2], num_blocks=4,
                 attn_resolutions=[16], dropout=0.13)
    elif name == "images":  # images.DefaultConfig(data).Net: 16 base channels, no dropout
        c.update(model_channels=16, dropout=0.0)
    elif name != "default":
        raise SystemExit(f"--config {name!r}: want default, authors or images")
    if model_channels > 0:
        c["model_channels"] = model_channels
    return c


def plan_net(c):
    """The modules of SongUNet in execution order (pkg/unet/net.go planNet)."""
    mods, skips = [], []
    cout = c["channels"]
    mc = c["model_channels"]
    for level, mult in enumerate(c["channel_mult"]):
        res = c["image_size"] >> level
        if level == 0:
            mods.append(dict(name=f"enc_{res}_conv", kind="conv", inp=cout, out=mc))
            cout = mc
        else:
            mods.append(dict(name=f"enc_{res}_down", kind="block", inp=cout, out=cout, down=True))
        skips.append(cout)
        for idx in range(c["num_blocks"]):
            cin, cout = cout, mc * mult
            mods.append(dict(name=f"enc_{res}_block{idx}", kind="block", inp=cin, out=cout,
                             attn=res in c["attn_resolutions"]))
            skips.append(cout)
    nl = len(c["channel_mult"])
    for level in range(nl - 1, -1, -1):
        res, mult = c["image_size"] >> level, c["channel_mult"][level]
        if level == nl - 1:
            mods.append(dict(name=f"dec_{res}_in0", kind="block", inp=cout, out=cout, attn=True))
            mods.append(dict(name=f"dec_{res}_in1", kind="block", inp=cout, out=cout))
        else:
            mods.append(dict(name=f"dec_{res}_up", kind="block", inp=cout, out=cout, up=True))
        for idx in range(c["num_blocks"] + 1):
            skip = skips.pop()
            cin, cout = cout + skip, mc * mult
            mods.append(dict(name=f"dec_{res}_block{idx}", kind="block", inp=cin, out=cout, cat_skip=True,
                             attn=idx == c["num_blocks"] and res in c["attn_resolutions"]))
        if level == 0:
            mods.append(dict(name=f"dec_{res}_aux", kind="out", inp=cout, out=c["channels"]))
    return mods


def xavier(layer, gain):
    """EDM weight_init(xavier_uniform)·gain, bias 0 (fan from the weight's shape)."""
    nn.init.xavier_uniform_(layer.weight, gain=gain)
    nn.init.zeros_(layer.bias)
    return layer


def conv(cin, cout, k, gain=1.0):
    return xavier(nn.Conv2d(cin, cout, k, padding=k // 2), gain)


def gnorm(ch):
    return nn.GroupNorm(min(32, ch // 4), ch, eps=1e-6)


class Block(nn.Module):
    """SongUNet UNetBlock, DDPM++ settings (adaptive_scale=False, resample_proj, skip_scale √½)."""

    def __init__(self, inp, out, emb, dropout, up=False, down=False, attn=False):
        super().__init__()
        self.up, self.down, self.attn, self.dropout = up, down, attn, dropout
        self.norm0 = gnorm(inp)
        self.conv0 = conv(inp, out, 3)
        self.affine = xavier(nn.Linear(emb, out), 1.0)
        self.norm1 = gnorm(out)
        self.conv1 = conv(out, out, 3, 1e-5)
        self.skip = conv(inp, out, 1) if (inp != out or up or down) else None
        if attn:
            self.norm2 = gnorm(out)
            self.qkv = conv(out, 3 * out, 1, math.sqrt(0.2))
            self.proj = conv(out, out, 1, 1e-5)

    def resample(self, x):
        if self.up:
            return F.interpolate(x, scale_factor=2, mode="nearest")
        if self.down:
            return F.avg_pool2d(x, 2)
        return x

    def forward(self, x, emb):
        orig = x
        h = self.conv0(self.resample(F.silu(self.norm0(x))))
        h = F.silu(self.norm1(h + self.affine(emb)[:, :, None, None]))
        h = self.conv1(F.dropout(h, p=self.dropout, training=self.training))
        if self.skip is not None:
            orig = self.skip(self.resample(orig))
        x = (h + orig) * SKIP_SCALE
        if self.attn:
            b, c, hh, ww = x.shape
            q, k, v = self.qkv(self.norm2(x)).reshape(b, c, 3, hh * ww).unbind(2)
            w = torch.softmax(torch.einsum("ncq,nck->nqk", q, k / math.sqrt(c)), dim=2)
            a = torch.einsum("nqk,nck->ncq", w, v).reshape(b, c, hh, ww)
            x = (self.proj(a) + x) * SKIP_SCALE
        return x


class UNet(nn.Module):
    """SongUNet (DDPM++) F_θ(x; c_noise) with EDM preconditioning (EDMPrecond)."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        emb = c["model_channels"] * c["channel_mult_emb"]
        self.nc = c["model_channels"] * c["channel_mult_noise"]
        self.map_layer0 = xavier(nn.Linear(self.nc, emb), 1.0)
        self.map_layer1 = xavier(nn.Linear(emb, emb), 1.0)
        self.plan = plan_net(c)
        mods = []
        for m in self.plan:
            if m["kind"] == "conv":
                mods.append(conv(m["inp"], m["out"], 3))
            elif m["kind"] == "out":
                mods.append(nn.Sequential(gnorm(m["inp"]), nn.SiLU(), conv(m["inp"], m["out"], 3, 1e-5)))
            else:
                mods.append(Block(m["inp"], m["out"], emb, c["dropout"], m.get("up", False),
                                  m.get("down", False), m.get("attn", False)))
        self.mods = nn.ModuleList(mods)
        h = self.nc // 2
        freqs = (1 / 10000) ** (torch.arange(h, dtype=torch.float32) / (h - 1))
        self.register_buffer("freqs", freqs)

    def raw(self, x, c_noise):
        arg = c_noise[:, None] * self.freqs[None, :]
        e = torch.cat([torch.sin(arg), torch.cos(arg)], dim=1)
        e = F.silu(self.map_layer1(F.silu(self.map_layer0(e))))
        skips = []
        for m, mod in zip(self.plan, self.mods):
            if m["kind"] == "conv":
                x = mod(x)
                skips.append(x)
            elif m["kind"] == "out":
                x = mod(x)
            else:
                if m.get("cat_skip"):
                    x = torch.cat([x, skips.pop()], dim=1)
                x = mod(x, e)
                if not m["name"].startswith("dec_"):
                    skips.append(x)
        return x

    def forward(self, x, sigma):
        sd = self.c["sigma_data"]
        s = sigma[:, None, None, None]
        c_skip = sd ** 2 / (s ** 2 + sd ** 2)
        c_out = s * sd / (s ** 2 + sd ** 2).sqrt()
        c_in = 1 / (s ** 2 + sd ** 2).sqrt()
        c_noise = sigma.log() / 4
        return c_skip * x + c_out * self.raw(c_in * x, c_noise)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="default")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--size", type=int, default=4, help="image size S (S×S)")
    ap.add_argument("--channels", type=int, default=3, help="image channels C")
    ap.add_argument("--model-channels", type=int, default=0, help="base channels (0: the config's)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    c = config(a.config, a.size, a.channels, a.model_channels)
    net = UNet(c)
    net.train()
    params = [p for p in net.parameters()]
    ema = [p.detach().clone() for p in params]
    opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    data = 0.5 * torch.randn(a.n, c["channels"], c["image_size"], c["image_size"])
    sd = c["sigma_data"]
    lr_rampup_img, ema_halflife_img, ema_rampup = 10_000 * 1000, 500 * 1000, 0.05

    def step(s):
        idx = torch.randint(0, a.n, (a.batch,))
        x0 = data[idx]
        sigma = (torch.randn(a.batch) * 1.2 - 1.2).exp()
        weight = (sigma ** 2 + sd ** 2) / (sigma * sd) ** 2
        D = net(x0 + torch.randn_like(x0) * sigma[:, None, None, None], sigma)
        loss = (weight[:, None, None, None] * (D - x0) ** 2).sum() / a.batch
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm_ = torch.linalg.vector_norm(torch.stack(torch._foreach_norm([p.grad for p in params])))
        imgs = (s + 1) * a.batch
        for g in opt.param_groups:
            g["lr"] = 1e-3 * min(imgs / lr_rampup_img, 1.0)
        opt.step()
        h = min(ema_halflife_img, ema_rampup * imgs)
        beta = 0.5 ** (a.batch / max(h, 1e-8))
        with torch.no_grad():
            torch._foreach_lerp_(ema, [p.detach() for p in params], 1 - beta)
        return loss.item(), gnorm_.item()

    for s in range(a.warmup):
        step(s)
    times = []
    for s in range(a.warmup, a.warmup + a.steps):
        t = time.perf_counter()
        step(s)
        times.append(time.perf_counter() - t)
    el = sum(times)
    med = sorted(times)[len(times) // 2]
    print(json.dumps(dict(impl="torch", backend="torch-cpu", torch=torch.__version__, threads=a.threads,
                          config=a.config, size=a.size, channels=a.channels, model_channels=c["model_channels"],
                          batch=a.batch, steps=a.steps,
                          params=sum(p.numel() for p in params), seconds=el,
                          img_per_s=a.steps * a.batch / el, img_per_s_median=a.batch / med)))


if __name__ == "__main__":
    main()
