#!/usr/bin/env python3
"""The PyTorch peer for the encoder families beyond BERT (HF transformers is not installable here): torch.nn
modules computing what HF's MPNetModel, NomicBertModel and Qwen3Model compute, at the real models' shapes with
random weights. Same command line as torch_encoder.py, whose timing and case helpers it reuses:

  torch_families.py bench  --shape mpnet-base --threads 1      # JSON lines: {"engine":"pytorch","case":...}
  torch_families.py export --shape qwen3-0.6b --out model.onnx  # fp32 ONNX (input_ids, attention_mask → pooled)
  torch_families.py hf     --shape mpnet-base --out DIR         # the same weights as a Hugging Face folder
  torch_families.py check  --shape mpnet-base --semvec FILE     # this module vs semvec on the same ids

Shapes:
  mpnet-base  all-mpnet-base-v2: 768 hidden, 12 layers, 12 heads, 3072 intermediate, relative position buckets,
              RoBERTa-style positions; mean pooling
  qwen3-0.6b  Qwen3-Embedding-0.6B: 1024 hidden, 28 layers, 16 query / 8 key-value heads of 128, 3072
              intermediate (SwiGLU), q/k RMSNorm, rotary (theta 1e6), causal, RMSNorm; last-token pooling
  nomic-base  nomic-embed-text-v1.5: 768 hidden, 12 layers, 12 heads, SwiGLU 3072, rotary (base 1000), no
              biases, 8192 positions; mean pooling (semvec only: the 8192-token memory check)

The `check` mode runs the module and `semvec embed --ids` on the same random ids and prints the largest
difference, so the peers are known to compute the same function as semvec (whose families match HF's goldens
in tests/parity).
"""
import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from family_shapes import SHAPES, flops_per_sentence  # noqa: E402
from torch_encoder import bench_model, export_model, inputs, parse_cases  # noqa: E402

CASES = "b32x128,b1x16,b1x128,b1x512"


def rms(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    return x * cos + torch.cat((-x[..., half:], x[..., :half]), dim=-1) * sin


def rope(t, dim, theta):
    inv = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    f = torch.outer(torch.arange(t, dtype=torch.float32), inv)
    e = torch.cat((f, f), dim=-1)
    return e.cos(), e.sin()


def repeat_kv(x, g):
    """Each of the kv_heads key/value heads repeated g times in place ([b, kv, t, d] -> [b, kv*g, t, d]), as
    repeat_interleave(g, dim=1) does; written with expand + reshape because torch.onnx's export of
    repeat_interleave gives a graph ONNX Runtime rejects (FusedMatMul "cannot broadcast on dim 1")."""
    if g == 1:
        return x
    b, kv, t, d = x.shape
    return x[:, :, None].expand(b, kv, g, t, d).reshape(b, kv * g, t, d)


def mpnet_buckets(t, num_buckets=32, max_distance=128):
    ctx = torch.arange(t)[:, None]
    mem = torch.arange(t)[None, :]
    n = -(mem - ctx)
    half = num_buckets // 2
    ret = (n < 0).long() * half
    n = n.abs()
    max_exact = half // 2
    large = max_exact + (torch.log(n.float().clamp(min=1) / max_exact) / math.log(max_distance / max_exact)
                         * (half - max_exact)).long()
    large = torch.min(large, torch.full_like(large, half - 1))
    return ret + torch.where(n < max_exact, n, large)


class MPNetLayer(nn.Module):
    def __init__(self, h, heads, inter):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(h, eps=1e-5), nn.LayerNorm(h, eps=1e-5)
        self.up, self.down = nn.Linear(h, inter), nn.Linear(inter, h)
        self.act = nn.GELU()

    def forward(self, x, bias):
        b, t, h = x.shape
        d = h // self.heads
        q = self.q(x).view(b, t, self.heads, d).transpose(1, 2)
        k = self.k(x).view(b, t, self.heads, d).transpose(1, 2)
        v = self.v(x).view(b, t, self.heads, d).transpose(1, 2)
        s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + bias
        c = torch.matmul(torch.softmax(s, dim=-1), v).transpose(1, 2).reshape(b, t, h)
        x = self.ln1(self.o(c) + x)
        return self.ln2(self.down(self.act(self.up(x))) + x)


class MPNet(nn.Module):
    def __init__(self, hidden, layers, heads, intermediate, vocab, max_pos, **_):
        super().__init__()
        self.word, self.pos = nn.Embedding(vocab, hidden), nn.Embedding(max_pos, hidden)
        self.ln = nn.LayerNorm(hidden, eps=1e-5)
        self.rel = nn.Embedding(32, heads)
        self.layers = nn.ModuleList([MPNetLayer(hidden, heads, intermediate) for _ in range(layers)])

    def forward(self, input_ids, attention_mask):
        m = (input_ids != 1).long()
        pos = torch.cumsum(m, dim=1) * m + 1  # HF's create_position_ids_from_input_ids, padding_idx 1
        x = self.ln(self.word(input_ids) + self.pos(pos))
        t = input_ids.shape[1]
        am = attention_mask.to(x.dtype)
        bias = self.rel(mpnet_buckets(t)).permute(2, 0, 1).unsqueeze(0) + ((1.0 - am) * torch.finfo(x.dtype).min)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        return (x * am.unsqueeze(-1)).sum(1) / am.sum(1, keepdim=True).clamp(min=1e-9)


class GatedLayer(nn.Module):
    """Qwen3 (pre-RMSNorm, GQA, q/k norm, causal) or NomicBERT (post-LN, no biases) layer with SwiGLU."""

    def __init__(self, family, h, heads, kv_heads, d, inter):
        super().__init__()
        self.family, self.heads, self.kv_heads, self.d = family, heads, kv_heads, d
        q, kv = heads * d, kv_heads * d
        self.qkv = nn.Linear(h, q + 2 * kv, bias=False)
        self.o = nn.Linear(q, h, bias=False)
        self.gate, self.up = nn.Linear(h, inter, bias=False), nn.Linear(h, inter, bias=False)
        self.down = nn.Linear(inter, h, bias=False)
        if family == "qwen3":
            self.n1, self.n2 = nn.Parameter(torch.ones(h)), nn.Parameter(torch.ones(h))
            self.qn, self.kn = nn.Parameter(torch.ones(d)), nn.Parameter(torch.ones(d))
        else:
            self.ln1, self.ln2 = nn.LayerNorm(h, eps=1e-12), nn.LayerNorm(h, eps=1e-12)

    def attn(self, x, cos, sin, bias):
        b, t, _ = x.shape
        q, kv = self.heads * self.d, self.kv_heads * self.d
        y = self.qkv(x)
        qh = y[..., :q].view(b, t, self.heads, self.d)
        kh = y[..., q:q + kv].view(b, t, self.kv_heads, self.d)
        vh = y[..., q + kv:].view(b, t, self.kv_heads, self.d).transpose(1, 2)
        if self.family == "qwen3":
            qh, kh = rms(qh, self.qn, 1e-6), rms(kh, self.kn, 1e-6)
        qh, kh = rotate(qh.transpose(1, 2), cos, sin), rotate(kh.transpose(1, 2), cos, sin)
        g = self.heads // self.kv_heads
        kh, vh = repeat_kv(kh, g), repeat_kv(vh, g)
        s = torch.matmul(qh, kh.transpose(-1, -2)) / math.sqrt(self.d) + bias
        c = torch.matmul(torch.softmax(s, dim=-1), vh).transpose(1, 2).reshape(b, t, q)
        return self.o(c)

    def mlp(self, x):
        return self.down(nn.functional.silu(self.gate(x)) * self.up(x))

    def forward(self, x, cos, sin, bias):
        if self.family == "qwen3":
            x = x + self.attn(rms(x, self.n1, 1e-6), cos, sin, bias)
            return x + self.mlp(rms(x, self.n2, 1e-6))
        x = self.ln1(self.attn(x, cos, sin, bias) + x)
        return self.ln2(self.mlp(x) + x)


class Gated(nn.Module):
    def __init__(self, family, hidden, layers, heads, kv_heads, head_dim, intermediate, vocab, max_pos):
        super().__init__()
        self.family, self.head_dim = family, head_dim
        self.theta = 1e6 if family == "qwen3" else 1000.0
        self.word = nn.Embedding(vocab, hidden)
        if family == "qwen3":
            self.norm = nn.Parameter(torch.ones(hidden))
        else:
            self.typ, self.ln = nn.Embedding(2, hidden), nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList([GatedLayer(family, hidden, heads, kv_heads, head_dim, intermediate)
                                     for _ in range(layers)])

    def forward(self, input_ids, attention_mask):
        b, t = input_ids.shape
        x = self.word(input_ids)
        if self.family != "qwen3":
            x = self.ln(x + self.typ(torch.zeros_like(input_ids)))
        cos, sin = rope(t, self.head_dim, self.theta)
        am = attention_mask.to(x.dtype)
        bias = ((1.0 - am) * torch.finfo(x.dtype).min)[:, None, None, :]
        if self.family == "qwen3":
            bias = bias + torch.triu(torch.full((t, t), torch.finfo(x.dtype).min), diagonal=1)
        for layer in self.layers:
            x = layer(x, cos, sin, bias)
        if self.family == "qwen3":  # last-token pooling of the final RMSNorm's output (inputs right-padded)
            x = rms(x, self.norm, 1e-6)
            last = am.sum(1).long() - 1
            return x[torch.arange(b), last]
        return (x * am.unsqueeze(-1)).sum(1) / am.sum(1, keepdim=True).clamp(min=1e-9)


def make_model(shape):
    torch.manual_seed(0)
    s = dict(SHAPES[shape])
    family = s.pop("family")
    model = (MPNet(**s) if family == "mpnet" else Gated(family, **s)).eval()
    for name, p in model.named_parameters():
        if p.dim() > 1:
            nn.init.normal_(p, 0.0, 0.02)
        elif name.endswith(("n1", "n2", "qn", "kn", "norm")):
            with torch.no_grad():  # norm gains near 1, not exactly 1: the norms' weights matter
                p.uniform_(0.8, 1.2)
    return model


def cmd_bench(args):
    torch.set_num_threads(args.threads)
    bench_model(args, make_model(args.shape), flops_per_sentence)


def cmd_export(args):
    export_model(make_model(args.shape), args.out)


def hf_tensors(shape, model):
    """The module's weights under the names of HF's MPNetModel / NomicBertModel / Qwen3Model, and config.json."""
    s = SHAPES[shape]
    sd = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    h, q, kv = s["hidden"], s["heads"] * s["head_dim"], s["kv_heads"] * s["head_dim"]
    out = {}
    if s["family"] == "mpnet":
        out.update({"embeddings.word_embeddings.weight": sd["word.weight"],
                    "embeddings.position_embeddings.weight": sd["pos.weight"],
                    "embeddings.LayerNorm.weight": sd["ln.weight"], "embeddings.LayerNorm.bias": sd["ln.bias"],
                    "encoder.relative_attention_bias.weight": sd["rel.weight"]})
        for i in range(s["layers"]):
            a, d = f"layers.{i}.", f"encoder.layer.{i}."
            for p in ("weight", "bias"):
                for x in "qkvo":
                    out[d + f"attention.attn.{x}.{p}"] = sd[a + f"{x}.{p}"]
                out[d + "attention.LayerNorm." + p] = sd[a + "ln1." + p]
                out[d + "intermediate.dense." + p] = sd[a + "up." + p]
                out[d + "output.dense." + p] = sd[a + "down." + p]
                out[d + "output.LayerNorm." + p] = sd[a + "ln2." + p]
        cfg = {"architectures": ["MPNetModel"], "model_type": "mpnet", "hidden_act": "gelu", "hidden_size": h,
               "intermediate_size": s["intermediate"], "num_attention_heads": s["heads"],
               "num_hidden_layers": s["layers"], "max_position_embeddings": s["max_pos"], "vocab_size": s["vocab"],
               "layer_norm_eps": 1e-5, "pad_token_id": 1, "relative_attention_num_buckets": 32}
    elif s["family"] == "qwen3":
        out["embed_tokens.weight"] = sd["word.weight"]
        out["norm.weight"] = sd["norm"]
        for i in range(s["layers"]):
            a, d = f"layers.{i}.", f"layers.{i}."
            w = sd[a + "qkv.weight"]
            out[d + "self_attn.q_proj.weight"], out[d + "self_attn.k_proj.weight"] = w[:q], w[q:q + kv]
            out[d + "self_attn.v_proj.weight"] = w[q + kv:]
            out[d + "self_attn.o_proj.weight"] = sd[a + "o.weight"]
            out[d + "self_attn.q_norm.weight"], out[d + "self_attn.k_norm.weight"] = sd[a + "qn"], sd[a + "kn"]
            out[d + "input_layernorm.weight"], out[d + "post_attention_layernorm.weight"] = sd[a + "n1"], sd[a + "n2"]
            out[d + "mlp.gate_proj.weight"], out[d + "mlp.up_proj.weight"] = sd[a + "gate.weight"], sd[a + "up.weight"]
            out[d + "mlp.down_proj.weight"] = sd[a + "down.weight"]
        cfg = {"architectures": ["Qwen3Model"], "model_type": "qwen3", "hidden_act": "silu", "hidden_size": h,
               "intermediate_size": s["intermediate"], "num_attention_heads": s["heads"],
               "num_key_value_heads": s["kv_heads"], "head_dim": s["head_dim"], "num_hidden_layers": s["layers"],
               "max_position_embeddings": s["max_pos"], "vocab_size": s["vocab"], "rms_norm_eps": 1e-6,
               "rope_theta": 1e6, "rope_scaling": None, "attention_bias": False, "use_sliding_window": False,
               "tie_word_embeddings": True, "eos_token_id": 151643}
    else:
        out.update({"embeddings.word_embeddings.weight": sd["word.weight"],
                    "embeddings.token_type_embeddings.weight": sd["typ.weight"],
                    "emb_ln.weight": sd["ln.weight"], "emb_ln.bias": sd["ln.bias"]})
        for i in range(s["layers"]):
            a, d = f"layers.{i}.", f"encoder.layers.{i}."
            out[d + "attn.Wqkv.weight"], out[d + "attn.out_proj.weight"] = sd[a + "qkv.weight"], sd[a + "o.weight"]
            out[d + "mlp.fc11.weight"], out[d + "mlp.fc12.weight"] = sd[a + "up.weight"], sd[a + "gate.weight"]
            out[d + "mlp.fc2.weight"] = sd[a + "down.weight"]
            for p in ("weight", "bias"):
                out[d + "norm1." + p], out[d + "norm2." + p] = sd[a + "ln1." + p], sd[a + "ln2." + p]
        cfg = {"architectures": ["NomicBertModel"], "model_type": "nomic_bert", "activation_function": "swiglu",
               "n_embd": h, "n_head": s["heads"], "n_inner": s["intermediate"], "n_layer": s["layers"],
               "n_positions": s["max_pos"], "vocab_size": s["vocab"], "layer_norm_epsilon": 1e-12, "type_vocab_size": 2,
               "rotary_emb_base": 1000, "rotary_emb_fraction": 1.0, "rotary_emb_interleaved": False,
               "qkv_proj_bias": False, "mlp_fc1_bias": False, "mlp_fc2_bias": False, "prenorm": False,
               "causal": False, "rotary_scaling_factor": None}
    return out, cfg


def cmd_hf(args):
    """Writes DIR in the HF layout of the shape's family with make_model()'s weights, plus a tokenizer the
    converter reads (the real bert-base-uncased WordPiece vocab from ../shared, padded to the shape's vocab
    size; any vocabulary serves for speed)."""
    import shutil
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, os.path.join(root, "scripts"))
    from semvec_convert import safetensors_io as st
    vocab_dir = os.path.join(os.path.dirname(root), "shared", "fixtures", "models", "bert-minilm-l6")
    if not os.path.exists(os.path.join(vocab_dir, "vocab.txt")):
        sys.exit(f"torch_families.py hf: needs {vocab_dir}/vocab.txt (the bert-base-uncased vocab)")
    out, cfg = hf_tensors(args.shape, make_model(args.shape))
    os.makedirs(args.out, exist_ok=True)
    st.write(os.path.join(args.out, "model.safetensors"), [(k, "F32", v.copy()) for k, v in out.items()])
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    shutil.copy(os.path.join(vocab_dir, "vocab.txt"), os.path.join(args.out, "vocab.txt"))
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "BertTokenizer", "do_lower_case": True,
                   "model_max_length": min(SHAPES[args.shape]["max_pos"], 32768)}, f)
    print(f"wrote {args.out} ({args.shape}, HF {cfg['architectures'][0]} layout)", file=sys.stderr)


def cmd_check(args):
    """The module and `semvec embed --ids` on the same ids (file converted from `hf` of the same shape)."""
    model = make_model(args.shape)
    ids, mask = inputs(3, args.tokens)
    with torch.inference_mode():
        ref = model(ids, mask).numpy()
    pooling = "last" if SHAPES[args.shape]["family"] == "qwen3" else "mean"
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "e.npy")
        body = "\n".join(json.dumps(r) for r in ids.tolist()) + "\n"
        subprocess.run([args.semvec_cli, "embed", "--model", args.semvec, "--ids", "--pooling", pooling,
                        "--no-normalize", "--out", out], input=body, text=True, check=True)
        import numpy as np
        got = np.load(out)
    cos = [float((a @ b) / (np.linalg.norm(a) * np.linalg.norm(b))) for a, b in zip(got, ref)]
    print(f"{args.shape}: semvec vs torch max|d| {np.abs(got - ref).max():.2e}, cosine min {min(cos):.7f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["bench", "export", "hf", "check", "flops"])
    ap.add_argument("--shape", choices=sorted(SHAPES), default="mpnet-base")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--engine", default="pytorch", help="bench: engine name in the JSON lines")
    ap.add_argument("--seconds", type=float, default=2.0, help="minimum timed seconds per case")
    ap.add_argument("--out", default="model.onnx")
    ap.add_argument("--cases", default=CASES, help="comma-separated bBATCHxTOKENS")
    ap.add_argument("--semvec", help="check: the semvec f32 file converted from `hf`")
    ap.add_argument("--semvec-cli", default="semvec", help="check: the semvec command")
    ap.add_argument("--tokens", type=int, default=40, help="check: tokens per sequence")
    args = ap.parse_args()
    if args.mode == "bench":
        cmd_bench(args)
    elif args.mode == "export":
        cmd_export(args)
    elif args.mode == "hf":
        cmd_hf(args)
    elif args.mode == "check":
        cmd_check(args)
    else:
        for name, b, t in parse_cases(args.cases):
            print(name, flops_per_sentence(args.shape, t) * b)


if __name__ == "__main__":
    main()
