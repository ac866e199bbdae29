#!/usr/bin/python3
"""Encoder fp32 throughput: semvec (bench/encoder, Eigen) beside PyTorch on the same shape, same run.

The model is the bert-minilm-l6 fixture (the all-MiniLM-L6-v2 shape: 384 hidden, 6 layers, 12 heads,
1536 intermediate; random weights), converted with scripts/convert.py. PyTorch runs a BERT encoder built from
torch.nn layers the way transformers' BertModel computes it (separate q/k/v Linear, eager attention, GELU,
post-LayerNorm), loaded with the fixture's own weights, under torch.no_grad() with torch.set_num_threads(T)
and OMP_WAIT_POLICY=PASSIVE. Cases: batch 1 at 16 and 128 tokens, and 32 x 128 tokens, at 1 and 2 threads.
Peak RSS: each side in its own process (ru_maxrss). Usage: scripts/bench_encoder.py BENCH_BINARY [--fixture DIR]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def torch_side(fixture, threads, out_json):
    import numpy as np
    import torch
    torch.set_num_threads(threads)
    cfg = json.load(open(os.path.join(fixture, "config.json")))
    H, NL, NH, I = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["intermediate_size"]
    eps = cfg["layer_norm_eps"]

    # safetensors read with numpy (no extra package): 8-byte header length, JSON header, raw buffer.
    path = os.path.join(fixture, "model.safetensors")
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        buf = f.read()
    W = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        W[k.replace("bert.", "", 1) if k.startswith("bert.") else k] = torch.from_numpy(
            np.frombuffer(buf[a:b], dtype=np.float32).reshape(v["shape"]).copy())

    class Layer(torch.nn.Module):
        def __init__(s):
            super().__init__()
            s.q, s.k, s.v, s.o = (torch.nn.Linear(H, H) for _ in range(4))
            s.ln1, s.ln2 = torch.nn.LayerNorm(H, eps=eps), torch.nn.LayerNorm(H, eps=eps)
            s.up, s.down = torch.nn.Linear(H, I), torch.nn.Linear(I, H)

        def forward(s, x, mask):
            B, L, _ = x.shape
            d = H // NH
            sh = lambda t: t.view(B, L, NH, d).permute(0, 2, 1, 3)
            q, k, v = sh(s.q(x)), sh(s.k(x)), sh(s.v(x))
            scores = torch.matmul(q, k.transpose(-1, -2)) / (d ** 0.5) + mask
            ctx = torch.matmul(torch.softmax(scores, dim=-1), v).permute(0, 2, 1, 3).reshape(B, L, H)
            x = s.ln1(x + s.o(ctx))
            return s.ln2(x + s.down(torch.nn.functional.gelu(s.up(x))))

    class Bert(torch.nn.Module):
        def __init__(s):
            super().__init__()
            s.word = torch.nn.Embedding(cfg["vocab_size"], H)
            s.pos = torch.nn.Embedding(cfg["max_position_embeddings"], H)
            s.typ = torch.nn.Embedding(cfg["type_vocab_size"], H)
            s.ln = torch.nn.LayerNorm(H, eps=eps)
            s.layers = torch.nn.ModuleList(Layer() for _ in range(NL))

        def forward(s, ids, attn):
            L = ids.shape[1]
            x = s.ln(s.word(ids) + s.typ(torch.zeros_like(ids)) + s.pos(torch.arange(L)[None, :]))
            mask = (1.0 - attn[:, None, None, :].float()) * torch.finfo(torch.float32).min
            for l in s.layers:
                x = l(x, mask)
            return x

    m = Bert().eval()
    with torch.no_grad():
        m.word.weight.copy_(W["embeddings.word_embeddings.weight"])
        m.pos.weight.copy_(W["embeddings.position_embeddings.weight"])
        m.typ.weight.copy_(W["embeddings.token_type_embeddings.weight"])
        m.ln.weight.copy_(W["embeddings.LayerNorm.weight"]); m.ln.bias.copy_(W["embeddings.LayerNorm.bias"])
        for i, l in enumerate(m.layers):
            p = "encoder.layer.%d." % i
            for mod, name in ((l.q, "attention.self.query"), (l.k, "attention.self.key"), (l.v, "attention.self.value"),
                              (l.o, "attention.output.dense"), (l.up, "intermediate.dense"), (l.down, "output.dense")):
                mod.weight.copy_(W[p + name + ".weight"]); mod.bias.copy_(W[p + name + ".bias"])
            l.ln1.weight.copy_(W[p + "attention.output.LayerNorm.weight"]); l.ln1.bias.copy_(W[p + "attention.output.LayerNorm.bias"])
            l.ln2.weight.copy_(W[p + "output.LayerNorm.weight"]); l.ln2.bias.copy_(W[p + "output.LayerNorm.bias"])
    del W, buf
    g = torch.Generator().manual_seed(0)
    res = {}
    with torch.no_grad():
        for name, B, L in (("batch1_L16", 1, 16), ("batch1_L128", 1, 128), ("batch32x128", 32, 128)):
            ids = torch.randint(1000, cfg["vocab_size"], (B, L), generator=g)
            attn = torch.ones(B, L, dtype=torch.long)
            for _ in range(2):
                m(ids, attn)
            n, t0 = 0, time.perf_counter()
            while True:
                m(ids, attn)
                n += 1
                el = time.perf_counter() - t0
                if el > (2.0 if B > 1 else 1.0) and n >= 3:
                    break
            res[name] = el / n * 1000.0
    res["peak_rss_MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    json.dump(res, open(out_json, "w"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bench", help="build dir's bench/encoder/bench_encoder")
    ap.add_argument("--fixture", default=os.path.join(ROOT, "..", "shared", "fixtures", "models", "bert-minilm-l6"))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--torch-worker", nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.torch_worker:
        torch_side(a.fixture, int(a.torch_worker[0]), a.torch_worker[1])
        return
    tmp = tempfile.mkdtemp()
    model = os.path.join(tmp, "minilm-f32.safetensors")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "convert.py"), a.fixture, model, "--dtype", "f32"],
                   check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, SEMVEC_BENCH_MODEL=model, OMP_WAIT_POLICY="PASSIVE")
    out = subprocess.run([a.bench, "--benchmark_format=json"], env=env, check=True, capture_output=True, text=True).stdout
    sv = {}
    for b in json.loads(out)["benchmarks"]:
        sv[b["name"]] = (b["real_time"], b.get("peak_rss_MB", 0.0))
    threads = [int(t) for t in a.threads.split(",")]
    pt = {}
    for t in threads:
        j = os.path.join(tmp, "torch%d.json" % t)
        subprocess.run([sys.executable, __file__, a.bench, "--fixture", a.fixture, "--torch-worker", str(t), j],
                       env=env, check=True)
        pt[t] = json.load(open(j))
    os.remove(model)
    print("MiniLM-L6 shape (384/6/12/1536), fp32, random-weight fixture; semvec SIMD build -march=native (Eigen GEMM)")
    print("| case | threads | semvec ms | PyTorch ms | semvec / PyTorch speed | semvec seq/s | PyTorch seq/s |")
    print("|---|---|---|---|---|---|---|")
    rows = [("batch 1 x 16 tokens", "BM_batch1/16/min_time:1.000", "batch1_L16", 1, 1),
            ("batch 1 x 128 tokens", "BM_batch1/128/min_time:1.000", "batch1_L128", 1, 1)]
    for t in threads:
        rows.append(("batch 32 x 128 tokens", "BM_batch32x128/%d/min_time:2.000/real_time" % t, "batch32x128", t, 32))
    for label, sk, pk, t, B in rows:
        s = sv.get(sk, (float("nan"), 0))[0]
        p = pt[t][pk]
        print("| %s | %d | %.2f | %.2f | %.2fx | %.1f | %.1f |" % (label, t, s, p, p / s, B * 1000 / s, B * 1000 / p))
    rss = max(v[1] for v in sv.values())
    print("\npeak RSS: semvec %.0f MB (whole bench process: weights mapped + workspaces); PyTorch %s MB (process incl. libtorch)"
          % (rss, ", ".join("%.0f (%d thr)" % (pt[t]["peak_rss_MB"], t) for t in threads)))


if __name__ == "__main__":
    main()
