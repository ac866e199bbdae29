#!/usr/bin/python3
"""Writes tiny model files of every transformer family into tests/fuzz/corpus/model/ (seeds for fuzz_model):
the layer variants of semvec.config (relative buckets, RoBERTa positions, rotary, gated MLP, pre-LN with a
sliding window, causal grouped-query attention with q/k RMSNorm, a Dense head, prompts). Random small weights.

  make_model_seeds.py OUT_DIR
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from semvec_convert import safetensors_io as st  # noqa: E402

BASE = {"hidden_size": 8, "num_layers": 2, "num_heads": 2, "intermediate_size": 6, "max_position_embeddings": 16,
        "type_vocab_size": 0, "vocab_size": 8, "hidden_act": "gelu", "layer_norm_eps": 1e-5, "pad_token_id": 1}
FAMILIES = {
    "mpnet_rel_buckets": ("mpnet", {"absolute_positions": "from_ids", "position_padding_idx": 1,
                                    "relative_attention_buckets": 32}),
    "roberta_from_ids": ("roberta", {"absolute_positions": "from_ids", "type_vocab_size": 1, "has_pooler": True}),
    "nomic_rotary_swiglu": ("nomic_bert", {"absolute_positions": "none", "rotary_theta": 1000.0, "type_vocab_size": 2,
                                           "mlp": "gated", "hidden_act": "silu", "attention_bias": False,
                                           "mlp_bias": False}),
    "modernbert_window": ("modernbert", {"absolute_positions": "none", "rotary_theta": 160000.0,
                                         "rotary_local_theta": 10000.0, "local_attention_window": 2,
                                         "global_attention_every_n_layers": 2, "norm_bias": False,
                                         "norm_placement": "pre", "first_attention_norm": False, "final_norm": True,
                                         "mlp": "gated", "attention_bias": False, "mlp_bias": False}),
    "qwen3_causal_gqa": ("qwen3", {"absolute_positions": "none", "num_heads": 4, "num_kv_heads": 2, "head_dim": 4,
                                   "rotary_theta": 1e6, "attention": "causal", "qk_norm": "rms_norm",
                                   "norm": "rms_norm", "norm_bias": False, "norm_placement": "pre",
                                   "embedding_norm": False, "final_norm": True, "mlp": "gated", "hidden_act": "silu",
                                   "attention_bias": False, "mlp_bias": False}),
}


def tensors(c, pooling):
    rng = np.random.default_rng(0)
    H, I, V, P, T = c["hidden_size"], c["intermediate_size"], c["vocab_size"], c["max_position_embeddings"], c["type_vocab_size"]
    nh, nkv = c["num_heads"], c.get("num_kv_heads", c["num_heads"])
    d = c.get("head_dim", H // nh)
    gated = c.get("mlp") == "gated"
    nb = c.get("norm_bias", c.get("norm", "layer_norm") == "layer_norm")
    ab, mb = c.get("attention_bias", True), c.get("mlp_bias", True)
    out = []

    def add(name, *shape):
        out.append((name, "F32", (rng.standard_normal(shape) * 0.3).astype(np.float32)))

    def norm(prefix):
        add(prefix + ".weight", H)
        if nb:
            add(prefix + ".bias", H)

    def linear(prefix, n, k, bias):
        add(prefix + ".weight", n, k)
        if bias:
            add(prefix + ".bias", n)

    add("embeddings.word", V, H)
    if c.get("absolute_positions", "arange") != "none":
        add("embeddings.position", P, H)
    if T:
        add("embeddings.token_type", T, H)
    if c.get("embedding_norm", True):
        norm("embeddings.norm")
    if c.get("relative_attention_buckets"):
        add("positions.relative_bias", c["relative_attention_buckets"], nh)
    for i in range(c["num_layers"]):
        p = "layers.%d." % i
        linear(p + "attn.qkv", (nh + 2 * nkv) * d, H, ab)
        if c.get("qk_norm") == "rms_norm":
            add(p + "attn.q_norm.weight", d)
            add(p + "attn.k_norm.weight", d)
        linear(p + "attn.out", H, nh * d, ab)
        if c.get("norm_placement", "post") == "post" or i > 0 or c.get("first_attention_norm", True):
            norm(p + "attn.norm")
        linear(p + "ffn.up", 2 * I if gated else I, H, mb)
        linear(p + "ffn.down", H, I, mb)
        norm(p + "ffn.norm")
    if c.get("final_norm"):
        norm("final_norm")
    if c.get("has_pooler"):
        linear("pooler", H, H, True)
    for j, dl in enumerate(pooling.get("dense", [])):
        linear("dense.%d" % j, dl["out"], dl["in"], dl["bias"])
    return out


def main():
    out_dir = sys.argv[1]
    for name, (arch, extra) in FAMILIES.items():
        c = dict(BASE, **extra)
        vocab = ["<s>", "<pad>", "</s>", "<unk>", "a", "b", "c", "d"]
        tok = {"type": "wordpiece", "do_lower_case": True, "unk_token": "<unk>", "cls_token": "<s>", "sep_token": "</s>",
               "pad_token": "<pad>", "max_length": 8}
        pooling = {"mode": "last" if arch == "qwen3" else "mean", "normalize": True, "source": "sentence-transformers"}
        meta = {"semvec.format": "1", "semvec.architecture": arch, "semvec.dtype": "f32",
                "semvec.config": json.dumps(c), "semvec.tokenizer": json.dumps(tok), "semvec.vocab": json.dumps(vocab)}
        if arch == "nomic_bert":
            pooling["dense"] = [{"in": 8, "out": 4, "bias": True, "activation": "tanh"}]
            pooling["matryoshka_dims"] = [4, 2]
            meta["semvec.prompts"] = json.dumps({"prompts": {"search_query": "search_query: "}, "default": None})
        meta["semvec.pooling"] = json.dumps(pooling)
        st.write(os.path.join(out_dir, name), tensors(c, pooling), meta)
        print("wrote", name)


if __name__ == "__main__":
    main()
