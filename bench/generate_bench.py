"""PyTorch eager reference for GenerateBenchmark: the same random model shape (opt350m or qwen2.5-0.5b), a plain
greedy loop with a KV cache (prefill, then one token per step, logits of the last position only), plain torch (no
transformers). Prints one JSON line.
Usage: python3 bench/generate_bench.py [RUNS] [--shape opt350m|qwen2.5-0.5b]
Intra-op threads: 2, or $TORCH_THREADS (1 shows what a single thread does for eager batch 1)."""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("TORCH_THREADS", "2")))
torch.set_grad_enabled(False)
PREFILL, PROMPT, NEW = 512, 32, 32
g = torch.Generator().manual_seed(1)


def normal(*shape):
    return torch.randn(*shape, generator=g) * 0.02


def causal_bias(mask, t):
    """Additive bias [B,1,T,past+T]: a query sees non-pad keys at or before it."""
    b, total = mask.shape
    past = total - t
    allowed = torch.ones(t, total, dtype=torch.bool).tril(past) & mask[:, None, None, :].bool()
    return torch.zeros(b, 1, t, total).masked_fill(~allowed, torch.finfo(torch.float32).min)


class Opt350m:
    """Post-LN OPT (opt-350m layout: 24 layers, hidden 1024, FFN 4096, 16 heads, 512<->1024 projections, tied head)."""
    V, D, E, FF, L, H, MAXPOS = 50272, 1024, 512, 4096, 24, 16, 2048

    def __init__(self):
        D, E, FF, V = self.D, self.E, self.FF, self.V
        self.w = dict(tok=normal(V, E), pos=normal(self.MAXPOS + 2, D), pin=normal(D, E), pout=normal(E, D))
        self.layers = [{n: normal(D, D) for n in ("q", "k", "v", "o")} | {n + "b": torch.zeros(D) for n in ("q", "k", "v", "o")}
                       | dict(fc1=normal(FF, D), fc1b=torch.zeros(FF), fc2=normal(D, FF), fc2b=torch.zeros(D),
                              ln1w=torch.ones(D), ln1b=torch.zeros(D), ln2w=torch.ones(D), ln2b=torch.zeros(D))
                       for _ in range(self.L)]

    def forward(self, ids, mask, cache):
        """cache: list of (k, v) per layer or None entries; mask covers past + new."""
        W, D, H = self.w, self.D, self.H
        HD = D // H
        b, t = ids.shape
        past = mask.shape[1] - t
        pos = (torch.cumsum(mask, 1) * mask - 1)[:, past:] + 2
        x = F.linear(F.embedding(ids, W["tok"]), W["pin"]) + F.embedding(pos, W["pos"])
        bias = causal_bias(mask, t)
        for i, p in enumerate(self.layers):
            q = (F.linear(x, p["q"], p["qb"]) * HD ** -0.5).view(b, t, H, HD).transpose(1, 2)
            k = F.linear(x, p["k"], p["kb"]).view(b, t, H, HD).transpose(1, 2)
            v = F.linear(x, p["v"], p["vb"]).view(b, t, H, HD).transpose(1, 2)
            if cache[i] is not None:
                k = torch.cat([cache[i][0], k], 2)
                v = torch.cat([cache[i][1], v], 2)
            cache[i] = (k, v)
            a = torch.softmax(q @ k.transpose(-1, -2) + bias, -1) @ v
            x = F.layer_norm(x + F.linear(a.transpose(1, 2).reshape(b, t, D), p["o"], p["ob"]), (D,), p["ln1w"], p["ln1b"])
            x = F.layer_norm(x + F.linear(torch.relu(F.linear(x, p["fc1"], p["fc1b"])), p["fc2"], p["fc2b"]), (D,),
                             p["ln2w"], p["ln2b"])
        return F.linear(F.linear(x[:, -1:], W["pout"]), W["tok"])


def rms_norm(x, w, eps=1e-6):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], -1)


class Qwen25:
    """Qwen2.5-0.5B: pre-norm RMSNorm, GQA (14 query / 2 key-value heads, repeated), rotate-half rope (theta 1e6),
    q/k/v biases, SwiGLU, tied head."""
    V, D, FF, L, H, KV, THETA = 151936, 896, 4864, 24, 14, 2, 1e6

    def __init__(self):
        D, FF, V, HD = self.D, self.FF, self.V, self.D // self.H
        KVD = self.KV * HD
        self.embed = normal(V, D)
        self.norm = torch.ones(D)
        self.inv_freq = 1.0 / (self.THETA ** (torch.arange(0, HD, 2, dtype=torch.float32) / HD))
        self.layers = [dict(q=normal(D, D), qb=torch.zeros(D), k=normal(KVD, D), kb=torch.zeros(KVD), v=normal(KVD, D),
                            vb=torch.zeros(KVD), o=normal(D, D), gate=normal(FF, D), up=normal(FF, D), down=normal(D, FF),
                            ln1=torch.ones(D), ln2=torch.ones(D))
                       for _ in range(self.L)]

    def forward(self, ids, mask, cache):
        D, H, KV = self.D, self.H, self.KV
        HD = D // H
        b, t = ids.shape
        past = mask.shape[1] - t
        pos = (torch.cumsum(mask, 1) - 1).masked_fill(mask == 0, 1)[:, past:]
        angles = pos[:, :, None].float() * self.inv_freq
        emb = torch.cat([angles, angles], -1)[:, None]
        cos, sin = emb.cos(), emb.sin()
        x = F.embedding(ids, self.embed)
        bias = causal_bias(mask, t)
        for i, p in enumerate(self.layers):
            h = rms_norm(x, p["ln1"])
            q = F.linear(h, p["q"], p["qb"]).view(b, t, H, HD).transpose(1, 2)
            k = F.linear(h, p["k"], p["kb"]).view(b, t, KV, HD).transpose(1, 2)
            v = F.linear(h, p["v"], p["vb"]).view(b, t, KV, HD).transpose(1, 2)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            if cache[i] is not None:
                k = torch.cat([cache[i][0], k], 2)
                v = torch.cat([cache[i][1], v], 2)
            cache[i] = (k, v)
            k = k.repeat_interleave(H // KV, 1)
            v = v.repeat_interleave(H // KV, 1)
            a = torch.softmax(q @ k.transpose(-1, -2) * HD ** -0.5 + bias, -1) @ v
            x = x + F.linear(a.transpose(1, 2).reshape(b, t, D), p["o"])
            h = rms_norm(x, p["ln2"])
            x = x + F.linear(F.silu(F.linear(h, p["gate"])) * F.linear(h, p["up"]), p["down"])
        return F.linear(rms_norm(x[:, -1:], self.norm), self.embed)


def generate(model, prompts, new):
    cache = [None] * len(model.layers)
    mask = torch.ones_like(prompts)
    logits = model.forward(prompts, mask, cache)
    out = []
    for _ in range(new - 1):
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        out.append(nxt)
        mask = torch.cat([mask, torch.ones_like(nxt)], 1)
        logits = model.forward(nxt, mask, cache)
    return out


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="?", type=int, default=5)
    ap.add_argument("--shape", default="opt350m", choices=["opt350m", "qwen2.5-0.5b"])
    args = ap.parse_args()
    runs = args.runs
    model = Opt350m() if args.shape == "opt350m" else Qwen25()
    rnd = torch.Generator().manual_seed(2)

    def prompts(b, n):
        p = torch.randint(4, 50004, (b, n), generator=rnd)
        p[:, 0] = 2
        return p

    # a prompt computed in full every time (this loop has no prefix cache)
    long_prompt = prompts(1, PREFILL)
    generate(model, long_prompt, 1)
    prefill = statistics.median(timed(lambda: generate(model, long_prompt, 1)) for _ in range(runs))
    decode = {}
    for b in (1, 8):
        ps = prompts(b, PROMPT)
        generate(model, ps, 1 + NEW)
        first = statistics.median(timed(lambda: generate(model, ps, 1)) for _ in range(runs))
        full = statistics.median(timed(lambda: generate(model, ps, 1 + NEW)) for _ in range(runs))
        decode[b] = b * NEW / (full - first)
    print(json.dumps({"impl": "pytorch-eager " + torch.__version__, "shape": args.shape, "runs": runs,
                      "prefill_tokens_per_s": PREFILL / prefill, "decode_b1_tokens_per_s": decode[1],
                      "decode_b8_tokens_per_s": decode[8]}))


if __name__ == "__main__":
    main()
