"""PyTorch eager reference for GenerateBenchmark: the same opt-350m-shaped random model, a plain greedy loop with a
KV cache (prefill, then one token per step, logits of the last position only). Prints one JSON line.
Usage: python3 bench/generate_bench.py [RUNS]"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.set_grad_enabled(False)
V, D, E, FF, L, H, MAXPOS = 50272, 1024, 512, 4096, 24, 16, 2048
HD = D // H
PREFILL, PROMPT, NEW = 512, 32, 32
g = torch.Generator().manual_seed(1)


def normal(*shape):
    return torch.randn(*shape, generator=g) * 0.02


W = dict(tok=normal(V, E), pos=normal(MAXPOS + 2, D), pin=normal(D, E), pout=normal(E, D))
layers = []
for _ in range(L):
    layers.append({n: normal(D, D) for n in ("q", "k", "v", "o")} | {n + "b": torch.zeros(D) for n in ("q", "k", "v", "o")}
                  | dict(fc1=normal(FF, D), fc1b=torch.zeros(FF), fc2=normal(D, FF), fc2b=torch.zeros(D),
                         ln1w=torch.ones(D), ln1b=torch.zeros(D), ln2w=torch.ones(D), ln2b=torch.zeros(D)))


def forward(ids, mask, cache):
    """Post-LN OPT (opt-350m layout); cache: list of (k, v) per layer or None entries; mask covers past + new."""
    b, t = ids.shape
    past = mask.shape[1] - t
    pos = (torch.cumsum(mask, 1) * mask - 1)[:, past:] + 2
    x = F.linear(F.embedding(ids, W["tok"]), W["pin"]) + F.embedding(pos, W["pos"])
    minf = torch.finfo(x.dtype).min
    allowed = torch.ones(t, past + t, dtype=torch.bool).tril(past) & mask[:, None, None, :].bool()
    bias = torch.zeros(b, 1, t, past + t).masked_fill(~allowed, minf)
    for i, p in enumerate(layers):
        q = (F.linear(x, p["q"], p["qb"]) * HD ** -0.5).view(b, t, H, HD).transpose(1, 2)
        k = F.linear(x, p["k"], p["kb"]).view(b, t, H, HD).transpose(1, 2)
        v = F.linear(x, p["v"], p["vb"]).view(b, t, H, HD).transpose(1, 2)
        if cache[i] is not None:
            k = torch.cat([cache[i][0], k], 2)
            v = torch.cat([cache[i][1], v], 2)
        cache[i] = (k, v)
        a = torch.softmax(q @ k.transpose(-1, -2) + bias, -1) @ v
        x = F.layer_norm(x + F.linear(a.transpose(1, 2).reshape(b, t, D), p["o"], p["ob"]), (D,), p["ln1w"], p["ln1b"])
        x = F.layer_norm(x + F.linear(torch.relu(F.linear(x, p["fc1"], p["fc1b"])), p["fc2"], p["fc2b"]), (D,), p["ln2w"], p["ln2b"])
    return F.linear(F.linear(x[:, -1:], W["pout"]), W["tok"])


def generate(prompts, new):
    cache = [None] * L
    mask = torch.ones_like(prompts)
    logits = forward(prompts, mask, cache)
    out = []
    for _ in range(new - 1):
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        out.append(nxt)
        mask = torch.cat([mask, torch.ones_like(nxt)], 1)
        logits = forward(nxt, mask, cache)
    return out


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
rnd = torch.Generator().manual_seed(2)


def prompts(b, n):
    p = torch.randint(4, 50004, (b, n), generator=rnd)
    p[:, 0] = 2
    return p


long_prompt = prompts(1, PREFILL)
generate(long_prompt, 1)
prefill = statistics.median(timed(lambda: generate(long_prompt, 1)) for _ in range(runs))
decode = {}
for b in (1, 8):
    ps = prompts(b, PROMPT)
    generate(ps, 1 + NEW)
    first = statistics.median(timed(lambda: generate(ps, 1)) for _ in range(runs))
    full = statistics.median(timed(lambda: generate(ps, 1 + NEW)) for _ in range(runs))
    decode[b] = b * NEW / (full - first)
print(json.dumps({"impl": "pytorch-eager " + torch.__version__, "runs": runs, "prefill_tokens_per_s": PREFILL / prefill,
                  "decode_b1_tokens_per_s": decode[1], "decode_b8_tokens_per_s": decode[8]}))
