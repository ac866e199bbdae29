"""Hugging Face transformer folders → semvec model files (docs/model-format.md).

One semvec encoder runs every family below; what differs between them is written into `semvec.config` as
plain fields (positions, attention pattern, norms, MLP), so the C++ side never guesses from a family name.
Each family is one function here that reads the HF `config.json`, refuses what semvec does not implement
(by name: a config value semvec cannot honour is an error, never an approximation) and maps the HF tensor
names onto the canonical ones.

| model_type                | HF class                 | what is special                                          |
|---------------------------|--------------------------|----------------------------------------------------------|
| bert                      | BertModel                | learned absolute positions, post-LN, GELU                |
| distilbert                | DistilBertModel          | no token types                                           |
| roberta, xlm-roberta      | RobertaModel, XLMRoberta | positions padding_idx + 1 + i (from the ids)             |
| mpnet                     | MPNetModel               | + relative position buckets shared by the layers         |
| nomic_bert                | NomicBertModel (remote)  | rotary, SwiGLU, no biases                                |
| modernbert                | ModernBertModel          | rotary, pre-LN, GeGLU, alternating global / local layers |
| qwen3                     | Qwen3Model               | causal, grouped-query heads, q/k RMSNorm, RMSNorm, SwiGLU |
"""
import json
import os

import numpy as np

from . import VERSION, ConvertError
from . import safetensors_io as st
from .tokenizer import read_tokenizer

# model_type → semvec.architecture
SUPPORTED = {"bert": "bert", "distilbert": "distilbert", "roberta": "roberta", "xlm-roberta": "roberta",
             "mpnet": "mpnet", "nomic_bert": "nomic_bert", "modernbert": "modernbert", "qwen3": "qwen3"}
# Architectures people try that semvec cannot run (yet): refused by name, never half-converted.
KNOWN_UNSUPPORTED = {
    "camembert": "CamemBERT",
    "albert": "ALBERT (shared layers, factorized embeddings)",
    "electra": "ELECTRA",
    "deberta": "DeBERTa (disentangled attention)", "deberta-v2": "DeBERTa-v2 (disentangled attention)",
    "new": "GTE-new (rotary positions, custom code)",
    "xlm-roberta-xl": "XLM-RoBERTa-XL (pre-LN)",
    "t5": "T5", "mt5": "mT5", "gpt2": "GPT-2", "llama": "Llama", "mistral": "Mistral", "qwen2": "Qwen2",
    "gemma": "Gemma", "gemma2": "Gemma-2", "gemma3_text": "Gemma-3", "jina_bert": "JinaBERT (ALiBi)",
}
ACTIVATIONS = {"gelu": "gelu", "gelu_new": "gelu_new", "gelu_pytorch_tanh": "gelu_new", "gelu_fast": "gelu_new",
               "relu": "relu", "silu": "silu", "swish": "silu"}
# Source tensors that are dropped on purpose (task heads, buffers).
IGNORED_PREFIXES = ("cls.", "classifier.", "pre_classifier.", "qa_outputs.", "vocab_transform.", "vocab_layer_norm.",
                    "vocab_projector.", "lm_head.", "dropout.", "head.", "decoder.")
IGNORED_SUFFIXES = ("position_ids", "rotary_emb.inv_freq", "inv_freq")
# Weight matrices of the layers (quantized in int8 files); the other ".weight"s are norms or tables.
_MATRIX_SUFFIXES = ("attn.qkv.weight", "attn.out.weight", "ffn.up.weight", "ffn.down.weight")


def _load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise ConvertError("%s: missing" % path)
    except json.JSONDecodeError as e:
        raise ConvertError("%s: not valid JSON: %s" % (path, e))


def load_weights(folder, notes, prefer_bin=False):
    """{name: float32 ndarray} from model.safetensors (numpy only; sharded index too) or pytorch_model.bin."""
    sf = os.path.join(folder, "model.safetensors")
    sf_index = os.path.join(folder, "model.safetensors.index.json")
    pt = os.path.join(folder, "pytorch_model.bin")
    if not prefer_bin and os.path.exists(sf):
        tensors, _ = st.read(sf)
        notes.append("weights from model.safetensors")
        return {k: v.to_f32() for k, v in tensors.items()}, "model.safetensors"
    if not prefer_bin and os.path.exists(sf_index):
        idx = _load_json(sf_index)
        out = {}
        for shard in sorted(set(idx.get("weight_map", {}).values())):
            tensors, _ = st.read(os.path.join(folder, shard))
            out.update({k: v.to_f32() for k, v in tensors.items()})
        notes.append("weights from sharded model.safetensors")
        return out, "model.safetensors (sharded)"
    if os.path.exists(pt):
        try:
            import torch
        except ImportError:
            raise ConvertError("%s needs torch to read (install python3-torch), or convert the model to "
                               "model.safetensors first" % pt)
        try:
            sd = torch.load(pt, map_location="cpu", weights_only=True)
        except TypeError:  # torch < 1.13 has no weights_only
            sd = torch.load(pt, map_location="cpu")
        notes.append("weights from pytorch_model.bin (torch %s)" % torch.__version__)
        out = {}
        for k, v in sd.items():
            if hasattr(v, "detach"):
                v = v.detach()
                out[k] = v.float().numpy() if v.is_floating_point() else v.numpy()
        return out, "pytorch_model.bin"
    raise ConvertError("%s: no model.safetensors or pytorch_model.bin" % folder)


def _strip_prefix(weights, model_type):
    """Task checkpoints (BertForSequenceClassification, Qwen3ForCausalLM, ...) hold the encoder under a prefix."""
    candidates = {"bert": ["bert."], "distilbert": ["distilbert."], "roberta": ["roberta."],
                  "xlm-roberta": ["roberta."], "mpnet": ["mpnet."], "nomic_bert": ["bert."],
                  "modernbert": ["model."], "qwen3": ["model."]}.get(model_type, [model_type + "."])
    for prefix in candidates:
        if any(k.startswith(prefix) for k in weights):
            return {k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)}, prefix
    return weights, ""


class Family:
    """What one family contributes: the semvec.config fields and [(canonical name, [source names])]."""

    def __init__(self, conf, mapping):
        self.conf = conf
        self.mapping = mapping


def _act(name, what="hidden_act"):
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ConvertError("%s %r is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu, silu)" % (what, name))
    return ACTIVATIONS[name]


def _need(cfg, key, want, what=None):
    """Refuses a config value semvec does not implement (missing keys take the HF default `want`)."""
    v = cfg.get(key, want)
    if v != want and not (want is None and v in (None, False, 0)):
        raise ConvertError("config.json %s = %r is not supported%s" % (key, v, " (%s)" % what if what else ""))


def _bert_layers(num_layers, prefix, names, has_bias=True):
    """Post-LN BERT-style layers: names = (q, k, v, out, attn_norm, up, down, ffn_norm) source patterns."""
    m = []
    q, k, v, o, an, up, down, fn = names
    for i in range(num_layers):
        s, d = prefix % i, "layers.%d." % i
        for p in ("weight", "bias") if has_bias else ("weight",):
            m += [(d + "attn.qkv." + p, [s + x + "." + p for x in (q, k, v)]),
                  (d + "attn.out." + p, [s + o + "." + p]),
                  (d + "ffn.up." + p, [s + up + "." + p]),
                  (d + "ffn.down." + p, [s + down + "." + p])]
        for p in ("weight", "bias"):
            m += [(d + "attn.norm." + p, [s + an + "." + p]), (d + "ffn.norm." + p, [s + fn + "." + p])]
    return m


def _bert_like_config(cfg):
    return {"hidden_size": cfg["hidden_size"], "num_layers": cfg["num_hidden_layers"],
            "num_heads": cfg["num_attention_heads"], "intermediate_size": cfg["intermediate_size"],
            "max_position_embeddings": cfg["max_position_embeddings"], "vocab_size": cfg["vocab_size"],
            "layer_norm_eps": cfg.get("layer_norm_eps", 1e-12), "pad_token_id": cfg.get("pad_token_id", 0) or 0,
            "hidden_act": _act(cfg.get("hidden_act", "gelu"))}


def family_bert(cfg, weights):
    _need(cfg, "position_embedding_type", "absolute", "absolute positions only")
    c = _bert_like_config(cfg)
    c["type_vocab_size"] = cfg.get("type_vocab_size", 2)
    m = [("embeddings.word", ["embeddings.word_embeddings.weight"]),
         ("embeddings.position", ["embeddings.position_embeddings.weight"]),
         ("embeddings.token_type", ["embeddings.token_type_embeddings.weight"]),
         ("embeddings.norm.weight", ["embeddings.LayerNorm.weight"]),
         ("embeddings.norm.bias", ["embeddings.LayerNorm.bias"])]
    m += _bert_layers(c["num_layers"], "encoder.layer.%d.",
                      ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                       "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"))
    return Family(c, m)


def family_distilbert(cfg, weights):
    _need(cfg, "sinusoidal_pos_embds", False, "sinusoidal positions")
    c = {"hidden_size": cfg["dim"], "num_layers": cfg["n_layers"], "num_heads": cfg["n_heads"],
         "intermediate_size": cfg["hidden_dim"], "max_position_embeddings": cfg["max_position_embeddings"],
         "type_vocab_size": 0, "vocab_size": cfg["vocab_size"], "layer_norm_eps": 1e-12,
         "pad_token_id": cfg.get("pad_token_id", 0) or 0, "hidden_act": _act(cfg.get("activation", "gelu"), "activation")}
    m = [("embeddings.word", ["embeddings.word_embeddings.weight"]),
         ("embeddings.position", ["embeddings.position_embeddings.weight"]),
         ("embeddings.norm.weight", ["embeddings.LayerNorm.weight"]),
         ("embeddings.norm.bias", ["embeddings.LayerNorm.bias"])]
    m += _bert_layers(c["num_layers"], "transformer.layer.%d.",
                      ("attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin", "sa_layer_norm",
                       "ffn.lin1", "ffn.lin2", "output_layer_norm"))
    return Family(c, m)


def family_roberta(cfg, weights):
    """RoBERTa and XLM-RoBERTa: BERT layers; position ids count the non-padding tokens from padding_idx + 1."""
    f = family_bert(cfg, weights)
    f.conf["type_vocab_size"] = cfg.get("type_vocab_size", 1)
    f.conf["absolute_positions"] = "from_ids"
    f.conf["position_padding_idx"] = cfg.get("pad_token_id", 1)
    return f


def family_mpnet(cfg, weights):
    """MPNet: BERT-like layers without token types, RoBERTa positions (padding_idx fixed at 1 by HF's
    MPNetEmbeddings) and one relative-position bias table shared by all layers (HF computes 32 buckets with
    max_distance 128 whatever the config says, so other bucket counts are refused)."""
    _need(cfg, "relative_attention_num_buckets", 32, "HF's MPNetEncoder always computes 32 buckets")
    c = _bert_like_config(cfg)
    c.update({"type_vocab_size": 0, "absolute_positions": "from_ids", "position_padding_idx": 1,
              "relative_attention_buckets": 32, "relative_attention_max_distance": 128})
    m = [("embeddings.word", ["embeddings.word_embeddings.weight"]),
         ("embeddings.position", ["embeddings.position_embeddings.weight"]),
         ("embeddings.norm.weight", ["embeddings.LayerNorm.weight"]),
         ("embeddings.norm.bias", ["embeddings.LayerNorm.bias"]),
         ("positions.relative_bias", ["encoder.relative_attention_bias.weight"])]
    m += _bert_layers(c["num_layers"], "encoder.layer.%d.",
                      ("attention.attn.q", "attention.attn.k", "attention.attn.v", "attention.attn.o",
                       "attention.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"))
    return Family(c, m)


def family_nomic_bert(cfg, weights):
    """NomicBERT (nomic-embed-text v1/v1.5, remote code): rotary positions, post-LN, a gated MLP
    y = fc2(fc11(x) · act(fc12(x))), biases as configured."""
    _need(cfg, "prenorm", False, "pre-LN NomicBERT")
    _need(cfg, "parallel_block", False, "parallel attention/MLP blocks")
    _need(cfg, "causal", False, "causal NomicBERT")
    _need(cfg, "use_rms_norm", False, "RMSNorm NomicBERT")
    _need(cfg, "rotary_emb_scale_base", None, "xPos rotary scaling")
    _need(cfg, "rotary_scaling_factor", None, "dynamic NTK rotary scaling")
    _need(cfg, "scale_attn_by_inverse_layer_idx", False)
    _need(cfg, "rotary_head_dim", False)
    if cfg.get("num_heads_kv") not in (None, cfg["n_head"]):
        raise ConvertError("config.json num_heads_kv = %r is not supported (NomicBERT with grouped heads)" % cfg["num_heads_kv"])
    frac = cfg.get("rotary_emb_fraction", 0.0)
    if not frac or frac <= 0:
        raise ConvertError("config.json rotary_emb_fraction = %r is not supported (NomicBERT with learned positions)" % frac)
    H, nh = cfg["n_embd"], cfg["n_head"]
    d = H // nh
    rot = int(d * frac)
    if rot % 2 or rot <= 0 or rot > d:
        raise ConvertError("config.json rotary_emb_fraction %r gives %d rotary dims of %d (must be even and > 0)" % (frac, rot, d))
    act = cfg.get("activation_function", "gelu")
    gated = {"swiglu": "silu", "geglu": "gelu"}
    if act == "glu":
        raise ConvertError("config.json activation_function 'glu' (sigmoid gate) is not supported (swiglu, geglu, gelu)")
    L = cfg["n_layer"]
    T = cfg.get("type_vocab_size", 0) or 0
    qkv_bias, fc1_bias, fc2_bias = cfg.get("qkv_proj_bias", True), cfg.get("mlp_fc1_bias", True), cfg.get("mlp_fc2_bias", True)
    if fc1_bias != fc2_bias:
        raise ConvertError("config.json mlp_fc1_bias %r != mlp_fc2_bias %r is not supported" % (fc1_bias, fc2_bias))
    if act in gated:
        inter = weights["encoder.layers.0.mlp.fc11.weight"].shape[0] if "encoder.layers.0.mlp.fc11.weight" in weights else 0
    else:
        inter = weights["encoder.layers.0.mlp.fc1.weight"].shape[0] if "encoder.layers.0.mlp.fc1.weight" in weights else 0
    if not inter:  # the remote code rounds n_inner up to a multiple of 256 for the gated MLP: read it from the weights
        raise ConvertError("NomicBERT: cannot find the MLP weights of layer 0 to read the intermediate size")
    c = {"hidden_size": H, "num_layers": L, "num_heads": nh, "intermediate_size": inter,
         "max_position_embeddings": cfg.get("n_positions", cfg.get("max_position_embeddings", 2048)),
         "type_vocab_size": T, "vocab_size": weights["embeddings.word_embeddings.weight"].shape[0],
         "layer_norm_eps": cfg.get("layer_norm_epsilon", 1e-5), "pad_token_id": cfg.get("pad_token_id", 0) or 0,
         "hidden_act": gated.get(act) or _act(act, "activation_function"),
         "absolute_positions": "none", "rotary_theta": float(cfg.get("rotary_emb_base", 10000.0)), "rotary_dim": rot,
         "rotary_interleaved": bool(cfg.get("rotary_emb_interleaved", False)),
         "mlp": "gated" if act in gated else "plain", "attention_bias": bool(qkv_bias), "mlp_bias": bool(fc1_bias)}
    m = [("embeddings.word", ["embeddings.word_embeddings.weight"])]
    if T:
        m.append(("embeddings.token_type", ["embeddings.token_type_embeddings.weight"]))
    m += [("embeddings.norm.weight", ["emb_ln.weight"]), ("embeddings.norm.bias", ["emb_ln.bias"])]
    for i in range(L):
        s, d_ = "encoder.layers.%d." % i, "layers.%d." % i
        for p in ("weight", "bias") if qkv_bias else ("weight",):
            m += [(d_ + "attn.qkv." + p, [s + "attn.Wqkv." + p]), (d_ + "attn.out." + p, [s + "attn.out_proj." + p])]
        for p in ("weight", "bias") if fc1_bias else ("weight",):
            if act in gated:  # gate (activated) rows first, then the linear half
                m.append((d_ + "ffn.up." + p, [s + "mlp.fc12." + p, s + "mlp.fc11." + p]))
            else:
                m.append((d_ + "ffn.up." + p, [s + "mlp.fc1." + p]))
            m.append((d_ + "ffn.down." + p, [s + "mlp.fc2." + p]))
        for p in ("weight", "bias"):
            m += [(d_ + "attn.norm." + p, [s + "norm1." + p]), (d_ + "ffn.norm." + p, [s + "norm2." + p])]
    return Family(c, m)


def family_modernbert(cfg, weights):
    """ModernBERT: pre-LN (layer 0 has no attention norm), LayerNorms without bias (norm_bias), a GeGLU MLP
    Wi → (act(first half) · second half) → Wo, rotary positions with a global and a local theta, and
    sliding-window attention (|i − j| ≤ local_attention / 2) on every layer but each
    global_attn_every_n_layers-th."""
    H, nh, L = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"]
    every = cfg.get("global_attn_every_n_layers", 3)
    window = cfg.get("local_attention", 128)
    if not isinstance(window, int) or window < 2 or window % 2:
        raise ConvertError("config.json local_attention = %r is not supported (an even window >= 2)" % window)
    if not isinstance(every, int) or every < 1:
        raise ConvertError("config.json global_attn_every_n_layers = %r is not supported" % every)
    theta = float(cfg.get("global_rope_theta", 160000.0))
    local = cfg.get("local_rope_theta")
    norm_bias, attn_bias, mlp_bias = cfg.get("norm_bias", False), cfg.get("attention_bias", False), cfg.get("mlp_bias", False)
    if mlp_bias != attn_bias:
        raise ConvertError("config.json attention_bias %r != mlp_bias %r is not supported" % (attn_bias, mlp_bias))
    c = {"hidden_size": H, "num_layers": L, "num_heads": nh, "intermediate_size": cfg["intermediate_size"],
         "max_position_embeddings": cfg.get("max_position_embeddings", 8192), "type_vocab_size": 0,
         "vocab_size": cfg["vocab_size"], "layer_norm_eps": cfg.get("norm_eps", 1e-5),
         "pad_token_id": cfg.get("pad_token_id", 0) or 0,
         "hidden_act": _act(cfg.get("hidden_activation", "gelu"), "hidden_activation"),
         "absolute_positions": "none", "rotary_theta": theta, "rotary_dim": H // nh,
         "rotary_local_theta": float(local) if local is not None else theta,
         "local_attention_window": window // 2, "global_attention_every_n_layers": every,
         "norm_bias": bool(norm_bias), "norm_placement": "pre", "first_attention_norm": False, "final_norm": True,
         "mlp": "gated", "attention_bias": bool(attn_bias), "mlp_bias": bool(mlp_bias)}
    nb = ("weight", "bias") if norm_bias else ("weight",)
    lb = ("weight", "bias") if attn_bias else ("weight",)
    m = [("embeddings.word", ["embeddings.tok_embeddings.weight"])]
    m += [("embeddings.norm." + p, ["embeddings.norm." + p]) for p in nb]
    for i in range(L):
        s, d = "layers.%d." % i, "layers.%d." % i
        for p in lb:
            m += [(d + "attn.qkv." + p, [s + "attn.Wqkv." + p]), (d + "attn.out." + p, [s + "attn.Wo." + p]),
                  (d + "ffn.up." + p, [s + "mlp.Wi." + p]), (d + "ffn.down." + p, [s + "mlp.Wo." + p])]
        for p in nb:
            if i > 0:
                m.append((d + "attn.norm." + p, [s + "attn_norm." + p]))
            m.append((d + "ffn.norm." + p, [s + "mlp_norm." + p]))
    m += [("final_norm." + p, ["final_norm." + p]) for p in nb]
    return Family(c, m)


def family_qwen3(cfg, weights):
    """Qwen3 (Qwen3-Embedding): a causal decoder used as an embedder. Pre-RMSNorm, grouped-query attention
    with per-head q/k RMSNorm and rotary positions, SwiGLU down(silu(gate(x)) · up(x)), final RMSNorm."""
    _need(cfg, "use_sliding_window", False, "sliding-window Qwen3")
    rs = cfg.get("rope_scaling")
    if rs not in (None, {}) and not (isinstance(rs, dict) and rs.get("rope_type", rs.get("type")) == "default"):
        raise ConvertError("config.json rope_scaling = %r is not supported (no rope scaling)" % (rs,))
    H, nh, L = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"]
    nkv = cfg.get("num_key_value_heads") or nh
    d = cfg.get("head_dim") or H // nh
    bias = bool(cfg.get("attention_bias", False))
    c = {"hidden_size": H, "num_layers": L, "num_heads": nh, "num_kv_heads": nkv, "head_dim": d,
         "intermediate_size": cfg["intermediate_size"], "max_position_embeddings": cfg.get("max_position_embeddings", 32768),
         "type_vocab_size": 0, "vocab_size": cfg["vocab_size"], "layer_norm_eps": cfg.get("rms_norm_eps", 1e-6),
         "pad_token_id": cfg.get("pad_token_id", cfg.get("eos_token_id", 0)) or 0,
         "hidden_act": _act(cfg.get("hidden_act", "silu")), "absolute_positions": "none",
         "rotary_theta": float(cfg.get("rope_theta", 10000.0)), "rotary_dim": d, "attention": "causal",
         "qk_norm": "rms_norm", "norm": "rms_norm", "norm_bias": False, "norm_placement": "pre", "embedding_norm": False,
         "final_norm": True, "mlp": "gated", "attention_bias": bias, "mlp_bias": False}
    m = [("embeddings.word", ["embed_tokens.weight"])]
    for i in range(L):
        s, dd = "layers.%d." % i, "layers.%d." % i
        for p in ("weight", "bias") if bias else ("weight",):
            m.append((dd + "attn.qkv." + p, [s + "self_attn.%s_proj.%s" % (x, p) for x in ("q", "k", "v")]))
        m.append((dd + "attn.out.weight", [s + "self_attn.o_proj.weight"]))
        if bias and s + "self_attn.o_proj.bias" in weights:
            m.append((dd + "attn.out.bias", [s + "self_attn.o_proj.bias"]))
        m += [(dd + "attn.q_norm.weight", [s + "self_attn.q_norm.weight"]),
              (dd + "attn.k_norm.weight", [s + "self_attn.k_norm.weight"]),
              (dd + "attn.norm.weight", [s + "input_layernorm.weight"]),
              (dd + "ffn.up.weight", [s + "mlp.gate_proj.weight", s + "mlp.up_proj.weight"]),
              (dd + "ffn.down.weight", [s + "mlp.down_proj.weight"]),
              (dd + "ffn.norm.weight", [s + "post_attention_layernorm.weight"])]
    m.append(("final_norm.weight", ["norm.weight"]))
    return Family(c, m)


FAMILIES = {"bert": family_bert, "distilbert": family_distilbert, "roberta": family_roberta,
            "xlm-roberta": family_roberta, "mpnet": family_mpnet, "nomic_bert": family_nomic_bert,
            "modernbert": family_modernbert, "qwen3": family_qwen3}


def _with_pooler(family, weights, arch):
    """BERT, RoBERTa and MPNet checkpoints may carry BERT's pooler (dense + tanh on the first token)."""
    if arch in ("bert", "roberta", "mpnet", "nomic_bert") and "pooler.dense.weight" in weights:
        family.mapping += [("pooler.weight", ["pooler.dense.weight"]), ("pooler.bias", ["pooler.dense.bias"])]
        family.conf["has_pooler"] = True
    else:
        family.conf["has_pooler"] = False


def _kind(name):
    """'matrix' (layer projections, pooler, dense heads: quantized in int8 files), 'embedding' (tables: f16
    in int8 files) or 'vector' (norms, biases, the relative-position table: always f32)."""
    if name in ("embeddings.word", "embeddings.position", "embeddings.token_type"):
        return "embedding"
    if name.endswith(_MATRIX_SUFFIXES) or name == "pooler.weight" or (name.startswith("dense.") and name.endswith(".weight")):
        return "matrix"
    return "vector"


def quantize_int8(w):
    """Symmetric per-output-channel int8 (docs/model-format.md): for each row (output unit) scale =
    max|w| / 127 and q = round-half-to-even(w / scale), clipped to [-127, 127], so w ~ q * scale with an error of
    at most scale / 2. An all-zero row gets scale 0 and q 0."""
    w = np.asarray(w, dtype=np.float32)
    scale = (np.max(np.abs(w), axis=1) / np.float32(127.0)).astype(np.float32)
    safe = np.where(scale > 0, scale, np.float32(1.0)).astype(np.float32)
    q = np.clip(np.rint(w / safe[:, None]), -127, 127).astype(np.int8)
    return q, scale


_POOLING_MODES = {"cls_token": "cls", "mean_tokens": "mean", "max_tokens": "max", "lasttoken": "last"}


def _read_dense(folder, path, index):
    """A sentence-transformers Dense module: (config entry, [(name, array)])."""
    cfg = _load_json(os.path.join(folder, path, "config.json"))
    act = cfg.get("activation_function", "torch.nn.modules.activation.Tanh")
    acts = {"torch.nn.modules.linear.Identity": "identity", "torch.nn.modules.activation.Tanh": "tanh"}
    if act not in acts:
        raise ConvertError("%s: Dense activation %s is not supported (Identity, Tanh)" % (os.path.join(folder, path), act))
    w, _ = load_weights(os.path.join(folder, path), [])
    if "linear.weight" not in w:
        raise ConvertError("%s: Dense weights have no linear.weight" % os.path.join(folder, path))
    weight = np.asarray(w["linear.weight"], np.float32)
    if weight.shape != (cfg["out_features"], cfg["in_features"]):
        raise ConvertError("%s: linear.weight has shape %s, config says [%d, %d]"
                           % (os.path.join(folder, path), weight.shape, cfg["out_features"], cfg["in_features"]))
    tensors = [("dense.%d.weight" % index, weight)]
    bias = cfg.get("bias", True)
    if bias:
        tensors.append(("dense.%d.bias" % index, np.asarray(w["linear.bias"], np.float32)))
    return {"in": cfg["in_features"], "out": cfg["out_features"], "bias": bool(bias), "activation": acts[act]}, tensors


def read_pooling(folder, notes, arch):
    """(pooling dict, extra tensors) from sentence-transformers' modules.json, or the documented default."""
    mpath = os.path.join(folder, "modules.json")
    if os.path.exists(mpath):
        modules = _load_json(mpath)
        pool, normalize, dense, tensors = None, False, [], []
        for mod in modules:
            t = mod.get("type", "")
            if t.endswith("models.Pooling"):
                pc = _load_json(os.path.join(folder, mod.get("path", "1_Pooling"), "config.json"))
                modes = [k for k in ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens",
                                     "weightedmean_tokens", "lasttoken") if pc.get("pooling_mode_" + k)]
                if "pooling_mode" in pc and not modes:
                    modes = [{"cls": "cls_token", "mean": "mean_tokens", "max": "max_tokens",
                              "lasttoken": "lasttoken"}.get(pc["pooling_mode"], pc["pooling_mode"])]
                if len(modes) != 1 or modes[0] not in _POOLING_MODES:
                    raise ConvertError("%s: pooling %s is not supported (exactly one of cls, mean, max, lasttoken)" % (mpath, modes))
                if pc.get("include_prompt", True) is not True:
                    raise ConvertError("%s: include_prompt false (prompt tokens left out of the pooling) is not supported"
                                       % os.path.join(folder, mod.get("path", "1_Pooling"), "config.json"))
                pool = _POOLING_MODES[modes[0]]
            elif t.endswith("models.Normalize"):
                normalize = True
            elif t.endswith("models.Dense"):
                if pool is None or normalize:
                    raise ConvertError("%s: a Dense module before Pooling or after Normalize is not supported" % mpath)
                d, ts = _read_dense(folder, mod.get("path", ""), len(dense))
                dense.append(d)
                tensors += ts
            elif t.endswith("models.Transformer"):
                pass
            else:
                raise ConvertError("%s: module %s is not supported (semvec runs Transformer, Pooling, Dense, Normalize)" % (mpath, t))
        if pool is None:
            raise ConvertError("%s: no Pooling module" % mpath)
        notes.append("pooling from sentence-transformers: %s, normalize=%s%s" % (
            pool, normalize, ", %d Dense module(s)" % len(dense) if dense else ""))
        out = {"mode": pool, "normalize": normalize, "source": "sentence-transformers"}
        if dense:
            out["dense"] = dense
        return out, tensors
    default = "last" if arch == "qwen3" else "mean"
    notes.append("pooling: no sentence-transformers modules.json; DEFAULT %s pooling, normalize=false "
                 "(override with --pooling/--normalize)" % default)
    return {"mode": default, "normalize": False, "source": "default"}, []


def read_prompts(folder, notes):
    """sentence-transformers' named prompts (config_sentence_transformers.json), or None."""
    p = os.path.join(folder, "config_sentence_transformers.json")
    if not os.path.exists(p):
        return None
    c = _load_json(p)
    prompts = c.get("prompts") or {}
    if not isinstance(prompts, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in prompts.items()):
        raise ConvertError("%s: prompts must map names to strings" % p)
    default = c.get("default_prompt_name")
    if default is not None and default not in prompts:
        raise ConvertError("%s: default_prompt_name %r is not one of the prompts" % (p, default))
    if not prompts:
        return None
    notes.append("prompts from config_sentence_transformers.json: %s%s" % (
        ", ".join(sorted(prompts)), " (default %s)" % default if default else ""))
    return {"prompts": prompts, "default": default}


def read_family(folder, prefer_bin=False):
    """(architecture, Family, source weights without the task prefix): what convert_hf writes, for checks."""
    cfg = _load_json(os.path.join(folder, "config.json"))
    model_type = cfg.get("model_type")
    if model_type not in SUPPORTED:
        raise ConvertError("%s: model_type %r is not supported" % (folder, model_type))
    weights, _ = load_weights(folder, [], prefer_bin)
    weights, _ = _strip_prefix(weights, model_type)
    family = FAMILIES[model_type](cfg, weights)
    _with_pooler(family, weights, SUPPORTED[model_type])
    return SUPPORTED[model_type], family, weights


def convert_hf(folder, out, dtype="f32", pooling=None, normalize=None, prefer_bin=False, log=print,
               matryoshka_dims=None):
    """Converts a Hugging Face folder; returns the list of (canonical name, stored dtype, array) written."""
    if dtype not in ("f32", "f16", "bf16", "int8"):
        raise ConvertError("unknown --dtype %r (f32, f16, bf16, int8)" % dtype)
    notes = []
    cfg = _load_json(os.path.join(folder, "config.json"))
    model_type = cfg.get("model_type")
    archs = cfg.get("architectures") or []
    if model_type not in SUPPORTED:
        what = KNOWN_UNSUPPORTED.get(model_type, "model_type %r" % model_type)
        raise ConvertError("%s: %s%s is not supported: semvec converts %s checkpoints (and their task models)"
                           % (folder, what, " (%s)" % ", ".join(archs) if archs else "",
                              ", ".join(sorted(set(SUPPORTED)))))
    arch = SUPPORTED[model_type]
    weights, wsource = load_weights(folder, notes, prefer_bin)
    weights, prefix = _strip_prefix(weights, model_type)
    if prefix:
        notes.append("task checkpoint: encoder tensors taken from under '%s'" % prefix)
    family = FAMILIES[model_type](cfg, weights)
    _with_pooler(family, weights, arch)
    conf = family.conf
    if conf["hidden_size"] % conf["num_heads"] and "head_dim" not in conf:
        raise ConvertError("hidden size %d is not divisible by %d heads" % (conf["hidden_size"], conf["num_heads"]))
    pool, extra = read_pooling(folder, notes, arch)
    used = set()
    tensors = []

    def store(name, arr):
        kind = _kind(name)
        if dtype == "int8" and kind == "matrix":
            q, scale = quantize_int8(arr)
            tensors.append((name, "I8", q))
            tensors.append((name + "_scale", "F32", scale))
            return
        if kind in ("matrix", "embedding"):
            sd, stored = st.encode_float(arr, "f16" if dtype == "int8" else dtype)
            if sd == "F16" and np.isinf(stored).any() and np.isfinite(arr).all():
                raise ConvertError("tensor %s overflows f16 (|x| > 65504): use --dtype bf16 or f32" % name)
        else:
            sd, stored = "F32", np.asarray(arr, np.float32)
        tensors.append((name, sd, stored))

    for name, srcs in family.mapping:
        missing = [s for s in srcs if s not in weights]
        if missing:
            raise ConvertError("%s: tensor %s%s is missing from %s" % (folder, prefix, missing[0], wsource))
        store(name, np.concatenate([np.asarray(weights[s], dtype=np.float32) for s in srcs], axis=0))
        used.update(srcs)
    for name, arr in extra:
        store(name, arr)
    leftover = sorted(k for k in weights if k not in used and not k.endswith(IGNORED_SUFFIXES)
                      and not k.startswith(IGNORED_PREFIXES))
    if leftover:
        raise ConvertError("%s: %d tensors of %s are not understood (first: %s); is this really a %s checkpoint?"
                           % (folder, len(leftover), wsource, leftover[0], archs[0] if archs else model_type))
    V = conf["vocab_size"]
    wrows = tensors[0][2].shape[0]
    if wrows != V:
        raise ConvertError("config.json vocab_size %d but the word embeddings have %d rows" % (V, wrows))
    tok, vocab = read_tokenizer(folder, conf["max_position_embeddings"], notes)
    if len(vocab) > V:
        raise ConvertError("the tokenizer has %d tokens but the model only %d embeddings" % (len(vocab), V))
    if len(vocab) < V:
        notes.append("vocab has %d tokens, embeddings %d rows: padded with <semvec:unused:N>" % (len(vocab), V))
        vocab = vocab + ["<semvec:unused:%d>" % i for i in range(len(vocab), V)]
    st_cfg = os.path.join(folder, "sentence_bert_config.json")
    if os.path.exists(st_cfg):
        sbc = _load_json(st_cfg)
        if isinstance(sbc.get("max_seq_length"), int):
            tok["max_length"] = min(sbc["max_seq_length"], conf["max_position_embeddings"])
            notes.append("max_length %d from sentence_bert_config.json" % tok["max_length"])
        if isinstance(sbc.get("do_lower_case"), bool) and sbc["do_lower_case"]:
            tok["do_lower_case"] = True
    if pooling:
        pool = dict(pool, mode=pooling, source="user")
    if normalize is not None:
        pool = dict(pool, normalize=normalize, source="user")
    mdims = matryoshka_dims
    if mdims is None and isinstance(cfg.get("matryoshka_dimensions"), list):
        mdims = cfg["matryoshka_dimensions"]
        notes.append("Matryoshka dimensions from config.json: %s" % mdims)
    if mdims is None and cfg.get("is_matryoshka") is True:
        mdims = "any"
        notes.append("config.json is_matryoshka: any --dimensions is allowed")
    out_dim = pool["dense"][-1]["out"] if pool.get("dense") else conf["hidden_size"]
    if mdims == "any":
        pool["matryoshka_dims"] = "any"
    elif mdims:
        dims = sorted({int(x) for x in mdims}, reverse=True)
        if dims[-1] < 1 or dims[0] > out_dim:
            raise ConvertError("Matryoshka dimensions %s must lie in [1, %d]" % (dims, out_dim))
        pool["matryoshka_dims"] = dims
    meta = {
        "semvec.format": "1",
        "semvec.architecture": arch,
        "semvec.dtype": dtype,
        "semvec.config": json.dumps(conf),
        "semvec.tokenizer": json.dumps(tok, ensure_ascii=False),
        "semvec.vocab": json.dumps(vocab, ensure_ascii=False),
        "semvec.pooling": json.dumps(pool),
        "semvec.source": "%s (%s, %s) by semvec_convert %s" % (os.path.basename(os.path.normpath(folder)),
                                                          archs[0] if archs else model_type, wsource, VERSION),
    }
    prompts = read_prompts(folder, notes)
    if prompts:
        meta["semvec.prompts"] = json.dumps(prompts, ensure_ascii=False)
    if dtype == "int8":
        notes.append("int8: matrices per-output-channel symmetric int8 with F32 '_scale' rows, embeddings f16")
    st.write(out, tensors, meta)
    for n in notes:
        log("  " + n)
    log("wrote %s: %s, %d layers, hidden %d, %s, %d tensors" % (out, arch, conf["num_layers"], conf["hidden_size"],
                                                                dtype, len(tensors)))
    return tensors
