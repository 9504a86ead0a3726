#!/usr/bin/env python3
"""
Independent PyTorch reference for lib/dit: a DiT written the way facebookresearch/DiT models.py writes
it (NCHW, nn.Conv2d patch embedding, timm-style Attention and Mlp, einsum unpatchify), extended with
the paper's other three conditioning blocks (section 3.2): in-context, cross-attention, adaLN.

Run with Debian's torch:  /usr/bin/python3 tests/reference/dit_reference.py
It writes tests/reference/golden/dit-<conditioning>.json: the output, traced intermediates and some
gradients of a tiny DiT whose weights and inputs come from a seeded integer generator (mulberry32,
seeded by the FNV-1a hash of the parameter name) that tests/unit/dit/fixed-weights.ts reproduces bit
for bit, so the golden files need not store the weights.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float32)
M32 = 0xFFFFFFFF


# ------------------------------------------------------------------------------------------------
# Deterministic numbers shared with TypeScript
# ------------------------------------------------------------------------------------------------

def fnv1a(s):
    h = 0x811C9DC5
    for ch in s.encode("utf-8"):
        h ^= ch
        h = (h * 0x01000193) & M32
    return h


def mulberry32(seed, n):
    a = seed & M32
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        a = (a + 0x6D2B79F5) & M32
        t = ((a ^ (a >> 15)) * (1 | a)) & M32
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & M32)) & M32) ^ t
        out[i] = ((t ^ (t >> 14)) & M32) / 4294967296.0
    return out


def fixed_values(name, shape, amplitude):
    """Uniform in [-amplitude, amplitude), rounded to float32."""
    n = int(np.prod(shape))
    u = mulberry32(fnv1a(name), n)
    return torch.from_numpy(((2.0 * u - 1.0) * amplitude).astype(np.float32).reshape(shape))


def amplitude_for(name, shape):
    if name.endswith(".bias"):
        return 0.1
    if "embedding_table" in name:
        return 0.5
    fan_in = int(np.prod(shape[1:]))
    return math.sqrt(3.0 / fan_in)


# ------------------------------------------------------------------------------------------------
# Embedding layers (as models.py)
# ------------------------------------------------------------------------------------------------

def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


class PatchEmbed(nn.Module):
    def __init__(self, img_size, patch_size, in_chans, embed_dim):
        super().__init__()
        self.patch_size = patch_size
        self.num_patches = (img_size // patch_size) ** 2
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size, bias=True)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # NCHW -> NLC


class TimestepEmbedder(nn.Module):
    def __init__(self, hidden_size, frequency_embedding_size=256):
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Linear(frequency_embedding_size, hidden_size, bias=True),
            nn.SiLU(),
            nn.Linear(hidden_size, hidden_size, bias=True),
        )
        self.frequency_embedding_size = frequency_embedding_size

    @staticmethod
    def timestep_embedding(t, dim, max_period=10000):
        half = dim // 2
        freqs = torch.exp(-math.log(max_period) * torch.arange(start=0, end=half, dtype=torch.float32) / half)
        args = t[:, None].float() * freqs[None]
        embedding = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
        if dim % 2:
            embedding = torch.cat([embedding, torch.zeros_like(embedding[:, :1])], dim=-1)
        return embedding

    def forward(self, t):
        return self.mlp(self.timestep_embedding(t, self.frequency_embedding_size))


class LabelEmbedder(nn.Module):
    def __init__(self, num_classes, hidden_size, dropout_prob):
        super().__init__()
        use_cfg_embedding = dropout_prob > 0
        self.embedding_table = nn.Embedding(num_classes + use_cfg_embedding, hidden_size)
        self.num_classes = num_classes
        self.dropout_prob = dropout_prob

    def forward(self, labels):
        return self.embedding_table(labels)


class Attention(nn.Module):
    """timm.models.vision_transformer.Attention (qkv_bias=True), returning the probabilities too."""

    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x), attn


class CrossAttention(nn.Module):
    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.q = nn.Linear(dim, dim, bias=True)
        self.kv = nn.Linear(dim, dim * 2, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, ctx):
        B, N, C = x.shape
        S = ctx.shape[1]
        h = self.num_heads
        q = self.q(x).reshape(B, N, h, C // h).permute(0, 2, 1, 3)
        kv = self.kv(ctx).reshape(B, S, 2, h, C // h).permute(2, 0, 3, 1, 4)
        k, v = kv.unbind(0)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x), attn


class Mlp(nn.Module):
    def __init__(self, in_features, hidden_features):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = nn.GELU(approximate="tanh")
        self.fc2 = nn.Linear(hidden_features, in_features)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


# ------------------------------------------------------------------------------------------------
# Blocks
# ------------------------------------------------------------------------------------------------

class DiTBlock(nn.Module):
    def __init__(self, hidden_size, num_heads, mlp_ratio, conditioning):
        super().__init__()
        self.conditioning = conditioning
        self.norm1 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(hidden_size, num_heads)
        if conditioning == "cross-attention":
            self.norm_cross = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
            self.cross_attn = CrossAttention(hidden_size, num_heads)
        self.norm2 = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.mlp = Mlp(hidden_size, int(hidden_size * mlp_ratio))
        chunks = {"adaLN-Zero": 6, "adaLN": 4}.get(conditioning, 0)
        if chunks:
            self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, chunks * hidden_size, bias=True))

    def forward(self, x, c, ctx, trace):
        rec = {}
        if self.conditioning == "adaLN-Zero":
            shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp = self.adaLN_modulation(c).chunk(6, dim=1)
            a, rec["attn"] = self.attn(modulate(self.norm1(x), shift_msa, scale_msa))
            x = x + gate_msa.unsqueeze(1) * a
            x = x + gate_mlp.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift_mlp, scale_mlp))
            rec.update(shiftMsa=shift_msa, scaleMsa=scale_msa, gateMsa=gate_msa, shiftMlp=shift_mlp, scaleMlp=scale_mlp, gateMlp=gate_mlp)
        elif self.conditioning == "adaLN":
            shift_msa, scale_msa, shift_mlp, scale_mlp = self.adaLN_modulation(c).chunk(4, dim=1)
            a, rec["attn"] = self.attn(modulate(self.norm1(x), shift_msa, scale_msa))
            x = x + a
            x = x + self.mlp(modulate(self.norm2(x), shift_mlp, scale_mlp))
            rec.update(shiftMsa=shift_msa, scaleMsa=scale_msa, shiftMlp=shift_mlp, scaleMlp=scale_mlp)
        else:
            a, rec["attn"] = self.attn(self.norm1(x))
            x = x + a
            if self.conditioning == "cross-attention":
                ca, rec["crossAttn"] = self.cross_attn(self.norm_cross(x), ctx)
                x = x + ca
            x = x + self.mlp(self.norm2(x))
        trace.append(rec)
        return x


class FinalLayer(nn.Module):
    def __init__(self, hidden_size, patch_size, out_channels, modulated):
        super().__init__()
        self.norm_final = nn.LayerNorm(hidden_size, elementwise_affine=False, eps=1e-6)
        self.linear = nn.Linear(hidden_size, patch_size * patch_size * out_channels, bias=True)
        self.modulated = modulated
        if modulated:
            self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 2 * hidden_size, bias=True))

    def forward(self, x, c):
        x = self.norm_final(x)
        if self.modulated:
            shift, scale = self.adaLN_modulation(c).chunk(2, dim=1)
            x = modulate(x, shift, scale)
        return self.linear(x)


# ------------------------------------------------------------------------------------------------
# Sine/cosine positional embedding (MAE, as models.py)
# ------------------------------------------------------------------------------------------------

def get_2d_sincos_pos_embed(embed_dim, grid_size):
    grid_h = np.arange(grid_size, dtype=np.float32)
    grid_w = np.arange(grid_size, dtype=np.float32)
    grid = np.meshgrid(grid_w, grid_h)  # here w goes first
    grid = np.stack(grid, axis=0).reshape([2, 1, grid_size, grid_size])
    emb_h = get_1d_sincos_pos_embed_from_grid(embed_dim // 2, grid[0])
    emb_w = get_1d_sincos_pos_embed_from_grid(embed_dim // 2, grid[1])
    return np.concatenate([emb_h, emb_w], axis=1)


def get_1d_sincos_pos_embed_from_grid(embed_dim, pos):
    omega = np.arange(embed_dim // 2, dtype=np.float64)
    omega /= embed_dim / 2.0
    omega = 1.0 / 10000 ** omega
    out = np.einsum("m,d->md", pos.reshape(-1), omega)
    return np.concatenate([np.sin(out), np.cos(out)], axis=1)


# ------------------------------------------------------------------------------------------------
# Core DiT model
# ------------------------------------------------------------------------------------------------

class DiT(nn.Module):
    def __init__(self, input_size, patch_size, in_channels, hidden_size, depth, num_heads, mlp_ratio,
                 class_dropout_prob, num_classes, learn_sigma, conditioning):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = in_channels * 2 if learn_sigma else in_channels
        self.patch_size = patch_size
        self.conditioning = conditioning
        self.x_embedder = PatchEmbed(input_size, patch_size, in_channels, hidden_size)
        self.t_embedder = TimestepEmbedder(hidden_size)
        self.y_embedder = LabelEmbedder(num_classes, hidden_size, class_dropout_prob)
        num_patches = self.x_embedder.num_patches
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches, hidden_size), requires_grad=False)
        self.blocks = nn.ModuleList([DiTBlock(hidden_size, num_heads, mlp_ratio, conditioning) for _ in range(depth)])
        self.final_layer = FinalLayer(hidden_size, patch_size, self.out_channels, conditioning in ("adaLN", "adaLN-Zero"))
        pe = get_2d_sincos_pos_embed(hidden_size, int(num_patches ** 0.5))
        self.pos_embed.data.copy_(torch.from_numpy(pe).float().unsqueeze(0))

    def unpatchify(self, x):
        c = self.out_channels
        p = self.patch_size
        h = w = int(x.shape[1] ** 0.5)
        x = x.reshape(shape=(x.shape[0], h, w, p, p, c))
        x = torch.einsum("nhwpqc->nchpwq", x)
        return x.reshape(shape=(x.shape[0], c, h * p, h * p))

    def forward(self, x, t, y, trace=None):
        trace = {} if trace is None else trace
        x = self.x_embedder(x) + self.pos_embed  # (N, T, D)
        trace["tokens"] = x
        t_emb = self.t_embedder(t)
        y_emb = self.y_embedder(y)
        c = t_emb + y_emb
        ctx = torch.stack([t_emb, y_emb], dim=1)  # (N, 2, D)
        trace.update(tEmb=t_emb, yEmb=y_emb, c=c, blocks=[])
        T = x.shape[1]
        if self.conditioning == "in-context":
            x = torch.cat([x, ctx], dim=1)
        for block in self.blocks:
            x = block(x, c, ctx, trace["blocks"])
        if self.conditioning == "in-context":
            x = x[:, :T]
        x = self.final_layer(x, c)
        return self.unpatchify(x)


# ------------------------------------------------------------------------------------------------
# Golden files
# ------------------------------------------------------------------------------------------------

CONFIG = dict(inputSize=8, inChannels=4, patchSize=2, hiddenSize=32, depth=2, numHeads=4, mlpRatio=4,
              numClasses=10, learnSigma=True, classDropoutProb=0.1)
GRAD_KEYS = ["x_embedder.proj.weight", "t_embedder.mlp.0.bias", "y_embedder.embedding_table.weight",
             "blocks.0.attn.qkv.weight", "blocks.1.mlp.fc2.bias", "final_layer.linear.weight"]


def rounded(t):
    return [float("%.8g" % v) for v in t.detach().double().reshape(-1).tolist()]


def build(conditioning):
    c = CONFIG
    model = DiT(c["inputSize"], c["patchSize"], c["inChannels"], c["hiddenSize"], c["depth"], c["numHeads"],
                c["mlpRatio"], c["classDropoutProb"], c["numClasses"], c["learnSigma"], conditioning)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name == "pos_embed":
                continue
            p.copy_(fixed_values(name, tuple(p.shape), amplitude_for(name, tuple(p.shape))))
    return model


def main():
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
    os.makedirs(out_dir, exist_ok=True)
    N = 3
    C, I = CONFIG["inChannels"], CONFIG["inputSize"]
    # x is generated in NHWC order (the TypeScript layout) and permuted to NCHW here.
    x_nhwc = fixed_values("input.x", (N, I, I, C), 1.5)
    x = x_nhwc.permute(0, 3, 1, 2).contiguous()
    t = torch.tensor([0.0, 371.0, 999.0])
    y = torch.tensor([3, 10, 7])  # 10 = the null class
    for conditioning in ["in-context", "cross-attention", "adaLN", "adaLN-Zero"]:
        model = build(conditioning)
        trace = {}
        out = model(x, t, y, trace)  # (N, 2C, I, I)
        r = fixed_values("loss.weights", tuple(out.shape), 1.0)
        loss = (out * r).sum()
        loss.backward()
        sd = model.state_dict()
        blocks = []
        for rec in trace["blocks"]:
            blocks.append({k: {"shape": list(v.shape), "data": rounded(v)} for k, v in rec.items()})
        golden = {
            "generator": "tests/reference/dit_reference.py",
            "torch": torch.__version__,
            "config": dict(CONFIG, conditioning=conditioning),
            "stateDictShapes": {k: list(v.shape) for k, v in sd.items()},
            "inputs": {"t": t.tolist(), "y": y.tolist(), "xLayout": "NHWC, fixed_values('input.x', amplitude 1.5)"},
            "checkValues": {"blocks.0.attn.qkv.weight[:4]": rounded(sd["blocks.0.attn.qkv.weight"].reshape(-1)[:4]),
                            "pos_embed[0, 1, :4]": rounded(sd["pos_embed"][0, 1, :4])},
            "output": {"layout": "NCHW", "shape": list(out.shape), "data": rounded(out)},
            "trace": {k: {"shape": list(trace[k].shape), "data": rounded(trace[k])} for k in ["tokens", "tEmb", "yEmb", "c"]},
            "blocks": blocks,
            "loss": {"definition": "sum(out_NCHW * fixed_values('loss.weights', out.shape, 1.0))", "value": float(loss)},
            "grads": {k: {"shape": list(dict(model.named_parameters())[k].grad.shape),
                          "data": rounded(dict(model.named_parameters())[k].grad)} for k in GRAD_KEYS},
        }
        path = os.path.join(out_dir, f"dit-{conditioning}.json")
        with open(path, "w") as f:
            json.dump(golden, f, separators=(",", ":"))
        print(f"{path}: output {tuple(out.shape)}, |out| max {out.abs().max().item():.4f}, loss {loss.item():.5f}")


if __name__ == "__main__":
    main()
