"""The encoder-family shapes of the benchmarks (no torch needed): torch_families.py builds them, bench_table.py
counts their FLOPs, `semvec bench` counts the same way (tools/cli/cmd_bench.cpp, flops_per_text)."""

SHAPES = {
    # all-mpnet-base-v2
    "mpnet-base": dict(family="mpnet", hidden=768, layers=12, heads=12, kv_heads=12, head_dim=64, intermediate=3072,
                       vocab=30527, max_pos=514),
    # Qwen3-Embedding-0.6B
    "qwen3-0.6b": dict(family="qwen3", hidden=1024, layers=28, heads=16, kv_heads=8, head_dim=128, intermediate=3072,
                       vocab=151669, max_pos=32768),
    # nomic-embed-text-v1.5
    "nomic-base": dict(family="nomic", hidden=768, layers=12, heads=12, kv_heads=12, head_dim=64, intermediate=3072,
                       vocab=30528, max_pos=8192),
}


def flops_per_sentence(shape, t):
    """Multiply-adds ×2 of the projections and the attention products, per layer:
    2·T·(H·(Q + 2·KV) + Q·H + m·H·I) + 4·T²·Q with Q = heads·head_dim, KV = kv_heads·head_dim, m = 2 (plain MLP)
    or 3 (gated). Embeddings, norms, softmax, activations and pooling are not counted."""
    s = SHAPES[shape]
    h, i = s["hidden"], s["intermediate"]
    q, kv = s["heads"] * s["head_dim"], s["kv_heads"] * s["head_dim"]
    m = 2 if s["family"] == "mpnet" else 3
    return s["layers"] * (2 * t * (h * (q + 2 * kv) + q * h + m * h * i) + 4 * t * t * q)
