#!/usr/bin/env python3
"""A BERT-shaped encoder built from torch.nn layers (HF transformers is not installable here), used as the
PyTorch peer and as the source of the ONNX models for ONNX Runtime.

  torch_encoder.py bench  --shape minilm --threads 1      # JSON lines: {"engine":"pytorch","case":...}
                                                           # (BLAS, threads, allocator: scripts/bench_all.sh)
  torch_encoder.py export --shape minilm --out model.onnx  # fp32 ONNX (input_ids, attention_mask → pooled)
  torch_encoder.py hf     --shape minilm --out DIR         # the same weights as a Hugging Face BertModel folder
                                                           # (for scripts/convert.py → semvec f32/bf16/int8 files)

Weights are random (speed only). The forward pass matches BertModel + mean pooling: embeddings + LayerNorm,
then per layer fused QKV projection, masked softmax attention, output dense + residual + LayerNorm,
intermediate dense + GELU(erf), output dense + residual + LayerNorm.
"""
import argparse
import json
import math
import os
import resource
import sys
import time

import torch
import torch.nn as nn

SHAPES = {
    "minilm": dict(hidden=384, layers=6, heads=12, intermediate=1536),
    "bert-base": dict(hidden=768, layers=12, heads=12, intermediate=3072),
}
CASES = [("b32x128", 32, 128), ("b1x16", 1, 16), ("b1x128", 1, 128), ("b1x512", 1, 512)]


class Layer(nn.Module):
    def __init__(self, h, heads, inter):
        super().__init__()
        self.h, self.heads = h, heads
        self.qkv = nn.Linear(h, 3 * h)
        self.out = nn.Linear(h, h)
        self.ln1 = nn.LayerNorm(h, eps=1e-12)
        self.up = nn.Linear(h, inter)
        self.down = nn.Linear(inter, h)
        self.ln2 = nn.LayerNorm(h, eps=1e-12)
        self.act = nn.GELU()

    def forward(self, x, bias):
        b, t, h = x.shape
        dh = h // self.heads
        q, k, v = self.qkv(x).split(h, dim=-1)
        q = q.view(b, t, self.heads, dh).transpose(1, 2)
        k = k.view(b, t, self.heads, dh).transpose(1, 2)
        v = v.view(b, t, self.heads, dh).transpose(1, 2)
        s = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(dh)) + bias
        ctx = torch.matmul(torch.softmax(s, dim=-1), v).transpose(1, 2).reshape(b, t, h)
        x = self.ln1(x + self.out(ctx))
        return self.ln2(x + self.down(self.act(self.up(x))))


class Encoder(nn.Module):
    def __init__(self, hidden, layers, heads, intermediate, vocab=30522, max_pos=512):
        super().__init__()
        self.word = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(max_pos, hidden)
        self.typ = nn.Embedding(2, hidden)
        self.ln = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList([Layer(hidden, heads, intermediate) for _ in range(layers)])

    def forward(self, input_ids, attention_mask):
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.ln(self.word(input_ids) + self.pos(pos) + self.typ(torch.zeros_like(input_ids)))
        m = attention_mask.to(x.dtype)
        bias = ((1.0 - m) * torch.finfo(x.dtype).min)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        summed = (x * m.unsqueeze(-1)).sum(1)
        return summed / m.sum(1, keepdim=True).clamp(min=1e-9)


def parse_cases(s):
    """'b32x128,b1x16' → [('b32x128', 32, 128), ('b1x16', 1, 16)]."""
    out = []
    for c in s.split(","):
        b, t = c[1:].split("x")
        out.append((c, int(b), int(t)))
    return out


def flops_per_sentence(shape, t):
    """Multiply-adds ×2 of the projections and attention (same count for every engine):
    per layer 2·T·(4H² + 2HI) (QKV, output, up, down GEMMs) + 4·T²·H (QKᵀ and P·V); embeddings, LayerNorm,
    softmax, GELU and pooling are not counted."""
    s = SHAPES[shape]
    h, i = s["hidden"], s["intermediate"]
    per_layer = 2 * t * (4 * h * h + 2 * h * i) + 4 * t * t * h
    return s["layers"] * per_layer


def make_model(shape):
    torch.manual_seed(0)
    model = Encoder(**SHAPES[shape]).eval()
    for p in model.parameters():  # BERT-like init scale keeps activations sane
        nn.init.normal_(p, 0.0, 0.02) if p.dim() > 1 else None
    return model


def inputs(b, t):
    g = torch.Generator().manual_seed(1)
    return torch.randint(1000, 30000, (b, t), generator=g), torch.ones(b, t, dtype=torch.long)


def time_case(fn, b, min_seconds):
    fn()  # warm-up
    n, start = 0, time.perf_counter()
    best = float("inf")
    while True:
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
        n += 1
        if time.perf_counter() - start >= min_seconds and n >= 2:
            break
    mean = (time.perf_counter() - start) / n
    return mean, best, n


def bench_model(args, model, flops):
    """One JSON line per case of args.cases: model(ids, mask) timed; flops(shape, tokens) per sentence."""
    for name, b, t in parse_cases(args.cases):
        ids, mask = inputs(b, t)
        with torch.inference_mode():
            mean, best, n = time_case(lambda: model(ids, mask), b, args.seconds)
        print(json.dumps({"engine": args.engine, "shape": args.shape, "threads": args.threads, "case": name,
                          "batch": b, "tokens": t, "ms": mean * 1e3, "best_ms": best * 1e3,
                          "sent_per_s": b / mean, "gflops": flops(args.shape, t) * b / best * 1e-9,
                          "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, "calls": n}),
              flush=True)


def export_model(model, out):
    """model's ONNX export (opset 14), batch and sequence length dynamic."""
    ids, mask = inputs(2, 16)
    torch.onnx.export(model, (ids, mask), out, input_names=["input_ids", "attention_mask"],
                      output_names=["embedding"], opset_version=14,
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "embedding": {0: "batch"}})
    print(f"wrote {out}", file=sys.stderr)


def cmd_bench(args):
    torch.set_num_threads(args.threads)
    bench_model(args, make_model(args.shape), flops_per_sentence)


def cmd_export(args):
    export_model(make_model(args.shape), args.out)


def cmd_hf(args):
    """Writes DIR/{config.json, model.safetensors, vocab.txt, tokenizer_config.json} in the layout of HF's
    BertModel (separate query/key/value, no pooler) with make_model()'s weights, so that the semvec files
    converted from it compute the same function as the PyTorch and ONNX Runtime peers. The vocab is the real
    bert-base-uncased one from ../shared (any 30522-token WordPiece vocab would do for speed)."""
    import shutil
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, os.path.join(root, "scripts"))
    from semvec_convert import safetensors_io as st
    vocab_dir = os.path.join(os.path.dirname(root), "shared", "fixtures", "models", "bert-minilm-l6")
    if not os.path.exists(os.path.join(vocab_dir, "vocab.txt")):
        sys.exit(f"torch_encoder.py hf: needs {vocab_dir}/vocab.txt (the bert-base-uncased vocab)")
    s = SHAPES[args.shape]
    h = s["hidden"]
    sd = {k: v.detach().float().numpy() for k, v in make_model(args.shape).state_dict().items()}
    out = {"embeddings.word_embeddings.weight": sd["word.weight"],
           "embeddings.position_embeddings.weight": sd["pos.weight"],
           "embeddings.token_type_embeddings.weight": sd["typ.weight"],
           "embeddings.LayerNorm.weight": sd["ln.weight"], "embeddings.LayerNorm.bias": sd["ln.bias"]}
    for i in range(s["layers"]):
        src, dst = f"layers.{i}.", f"encoder.layer.{i}."
        for p in ("weight", "bias"):
            qkv = sd[src + "qkv." + p]
            for j, name in enumerate(("query", "key", "value")):
                out[dst + f"attention.self.{name}.{p}"] = qkv[j * h:(j + 1) * h]
            out[dst + "attention.output.dense." + p] = sd[src + "out." + p]
            out[dst + "attention.output.LayerNorm." + p] = sd[src + "ln1." + p]
            out[dst + "intermediate.dense." + p] = sd[src + "up." + p]
            out[dst + "output.dense." + p] = sd[src + "down." + p]
            out[dst + "output.LayerNorm." + p] = sd[src + "ln2." + p]
    os.makedirs(args.out, exist_ok=True)
    st.write(os.path.join(args.out, "model.safetensors"), [(k, "F32", v.copy()) for k, v in out.items()])
    cfg = {"architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu", "hidden_size": h,
           "intermediate_size": s["intermediate"], "num_attention_heads": s["heads"],
           "num_hidden_layers": s["layers"], "max_position_embeddings": 512, "type_vocab_size": 2,
           "vocab_size": 30522, "layer_norm_eps": 1e-12, "pad_token_id": 0,
           "position_embedding_type": "absolute"}
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    shutil.copy(os.path.join(vocab_dir, "vocab.txt"), os.path.join(args.out, "vocab.txt"))
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "BertTokenizer", "do_lower_case": True, "model_max_length": 512}, f)
    print(f"wrote {args.out} ({args.shape}, HF BertModel layout)", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["bench", "export", "hf", "flops"])
    ap.add_argument("--shape", choices=sorted(SHAPES), default="minilm")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--engine", default="pytorch", help="engine name in the JSON lines (bench_all.sh: pytorch, "
                    "pytorch-tuned; the set-up is the caller's environment)")
    ap.add_argument("--seconds", type=float, default=2.0, help="minimum timed seconds per case")
    ap.add_argument("--out", default="model.onnx")
    ap.add_argument("--cases", default=",".join(c[0] for c in CASES), help="comma-separated bBATCHxTOKENS")
    args = ap.parse_args()
    if args.mode == "bench":
        cmd_bench(args)
    elif args.mode == "export":
        cmd_export(args)
    elif args.mode == "hf":
        cmd_hf(args)
    else:
        for name, b, t in parse_cases(args.cases):
            print(name, flops_per_sentence(args.shape, t) * b)


if __name__ == "__main__":
    main()
