"""PyTorch eager reference for TrainBenchmark: the same opt-350m-shaped random model (post-LN, 512<->1024
projections, tied head, dropout 0.1), batch 4 x 256 tokens, one optimizer step = forward, summed token
cross-entropy / label tokens, backward, global-norm clipping to 0.3, torch.optim.AdamW. Prints one JSON line like
the Java benchmark. --shape qwen2.5-0.5b: Qwen2.5-0.5B's shape instead (no dropout).
usage: python3 train_bench.py [--checkpointing] [--steps N] [--threads N] [--tiny] [--shape opt350m|qwen2.5-0.5b] [--layers N]"""
import json
import resource
import sys
import time

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint


class Layer(torch.nn.Module):
    def __init__(self, d, ffn, heads, p):
        super().__init__()
        self.h, self.p = heads, p
        self.q_proj, self.k_proj = torch.nn.Linear(d, d), torch.nn.Linear(d, d)
        self.v_proj, self.out_proj = torch.nn.Linear(d, d), torch.nn.Linear(d, d)
        self.self_attn_layer_norm, self.final_layer_norm = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.fc1, self.fc2 = torch.nn.Linear(d, ffn), torch.nn.Linear(ffn, d)

    def forward(self, x, bias):
        b, t, d = x.shape
        hd = d // self.h
        q = (self.q_proj(x) * hd ** -0.5).view(b, t, self.h, hd).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.h, hd).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.h, hd).transpose(1, 2)
        a = (torch.softmax(q @ k.transpose(-1, -2) + bias, -1) @ v).transpose(1, 2).reshape(b, t, d)
        x = self.self_attn_layer_norm(x + F.dropout(self.out_proj(a), self.p, self.training))
        return self.final_layer_norm(x + F.dropout(self.fc2(torch.relu(self.fc1(x))), self.p, self.training))


class Opt(torch.nn.Module):
    def __init__(self, vocab, d, ffn, layers, heads, proj, maxpos, p):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(vocab, proj)
        self.embed_positions = torch.nn.Embedding(maxpos + 2, d)
        self.project_in = torch.nn.Linear(proj, d, bias=False)
        self.project_out = torch.nn.Linear(d, proj, bias=False)
        self.layers = torch.nn.ModuleList(Layer(d, ffn, heads, p) for _ in range(layers))
        self.ckpt = False

    def forward(self, ids, mask):
        t = ids.shape[1]
        pos = torch.cumsum(mask, 1) * mask - 1
        x = self.project_in(self.embed_tokens(ids)) + self.embed_positions(pos + 2)
        minf = torch.finfo(x.dtype).min
        bias = torch.full((t, t), minf).triu(1)[None, None].expand(ids.shape[0], 1, t, t)
        bias = bias.masked_fill(mask[:, None, None, :] == 0, minf)
        for layer in self.layers:
            x = checkpoint(layer, x, bias, use_reentrant=True) if self.ckpt else layer(x, bias)
        return self.project_out(x) @ self.embed_tokens.weight.t()


class QwenLayer(torch.nn.Module):
    """Qwen2 decoder layer: RMSNorm, GQA (key/value heads repeated), rotate-half rope, q/k/v biases, SwiGLU."""

    def __init__(self, d, ffn, heads, kv):
        super().__init__()
        self.h, self.kv, hd = heads, kv, d // heads
        self.q_proj, self.k_proj, self.v_proj = torch.nn.Linear(d, d), torch.nn.Linear(d, kv * hd), torch.nn.Linear(d, kv * hd)
        self.o_proj = torch.nn.Linear(d, d, bias=False)
        self.gate_proj, self.up_proj = torch.nn.Linear(d, ffn, bias=False), torch.nn.Linear(d, ffn, bias=False)
        self.down_proj = torch.nn.Linear(ffn, d, bias=False)
        self.input_layernorm, self.post_attention_layernorm = torch.nn.Parameter(torch.ones(d)), torch.nn.Parameter(torch.ones(d))

    def forward(self, x, bias, cos, sin):
        b, t, d = x.shape
        hd = d // self.h
        h = rms_norm(x, self.input_layernorm)
        q = self.q_proj(h).view(b, t, self.h, hd).transpose(1, 2)
        k = self.k_proj(h).view(b, t, self.kv, hd).transpose(1, 2)
        v = self.v_proj(h).view(b, t, self.kv, hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(self.h // self.kv, 1), v.repeat_interleave(self.h // self.kv, 1)
        a = (torch.softmax(q @ k.transpose(-1, -2) * hd ** -0.5 + bias, -1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.o_proj(a)
        h = rms_norm(x, self.post_attention_layernorm)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


def rms_norm(x, w, eps=1e-6):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], -1)


class Qwen(torch.nn.Module):
    """Qwen2.5-0.5B's shape: 24 layers, hidden 896, 14/2 heads, FFN 4864, vocabulary 151,936, tied, rope theta 1e6."""

    def __init__(self, vocab=151936, d=896, ffn=4864, layers=24, heads=14, kv=2, theta=1e6):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(vocab, d)
        self.layers = torch.nn.ModuleList(QwenLayer(d, ffn, heads, kv) for _ in range(layers))
        self.norm = torch.nn.Parameter(torch.ones(d))
        hd = d // heads
        self.inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        self.ckpt = False

    def forward(self, ids, mask):
        t = ids.shape[1]
        pos = (torch.cumsum(mask, 1) - 1).masked_fill(mask == 0, 1)
        angles = pos[:, :, None].float() * self.inv_freq
        emb = torch.cat([angles, angles], -1)[:, None]
        cos, sin = emb.cos(), emb.sin()
        x = self.embed_tokens(ids)
        minf = torch.finfo(x.dtype).min
        bias = torch.full((t, t), minf).triu(1)[None, None].expand(ids.shape[0], 1, t, t)
        bias = bias.masked_fill(mask[:, None, None, :] == 0, minf)
        for layer in self.layers:
            x = checkpoint(layer, x, bias, cos, sin, use_reentrant=True) if self.ckpt else layer(x, bias, cos, sin)
        return rms_norm(x, self.norm) @ self.embed_tokens.weight.t()


def main():
    a = sys.argv[1:]
    arg = lambda n, d: int(a[a.index(n) + 1]) if n in a else d
    steps, threads, batch, seq = arg("--steps", 3), arg("--threads", 2), arg("--batch", 4), arg("--seq", 256)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if "--tiny" in a:
        model = Opt(50272, 64, 256, 2, 4, 32, 2048, 0.1)
    elif "--shape" in a and a[a.index("--shape") + 1] == "qwen2.5-0.5b":
        model = Qwen(layers=arg("--layers", 24))
    else:
        model = Opt(50272, 1024, 4096, arg("--layers", 24), 16, 512, 2048, 0.1)
    with torch.no_grad():  # the same initialisation as OptModel.random: N(0, 0.02), LayerNorm 1/0, biases 0
        for name, p in model.named_parameters():
            if "layernorm" in name or name == "norm":  # Qwen's RMSNorm weights
                p.fill_(1.0)
            elif "layer_norm" in name:
                p.fill_(1.0 if name.endswith("weight") else 0.0)
            elif name.endswith("bias"):
                p.zero_()
            else:
                p.normal_(0.0, 0.02)
    model.ckpt = "--checkpointing" in a
    model.train()
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "layer_norm" in n)]
    rest = [p for n, p in model.named_parameters() if n.endswith("bias") or "layer_norm" in n]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}],
                            lr=5e-5, betas=(0.9, 0.999), eps=1e-8)
    g = torch.Generator().manual_seed(1)
    times, loss = [], None
    for _ in range(steps + 1):
        ids = torch.randint(4, 50004, (batch, seq), generator=g)
        ids[:, 0] = 2
        mask = torch.ones_like(ids)
        start = time.perf_counter()
        logits = model(ids, mask)
        n = batch * (seq - 1)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1), reduction="sum") / n
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.3)
        opt.step()
        opt.zero_grad()
        times.append(time.perf_counter() - start)
        print(f"step {len(times)}: {times[-1]:.2f}s loss {loss.item():.4f}", file=sys.stderr)
    med = sorted(times[1:])
    median = med[len(med) // 2] if len(med) % 2 else (med[len(med) // 2 - 1] + med[len(med) // 2]) / 2
    print(json.dumps({"impl": f"PyTorch {torch.__version__} eager ({threads} threads)", "precision": "fp32",
                      "gradient_checkpointing": model.ckpt, "layers": len(model.layers), "batch": f"{batch}x{seq}",
                      "step_seconds": [round(x, 3) for x in times], "median_step_s": median,
                      "tokens_per_s": batch * seq / median,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                      "final_loss": loss.item()}))


if __name__ == "__main__":
    main()
