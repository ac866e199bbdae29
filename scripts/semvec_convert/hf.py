"""Hugging Face BertModel / DistilBertModel folders → semvec model files (docs/model-format.md)."""
import json
import os

import numpy as np

from . import VERSION, ConvertError
from . import safetensors_io as st
from .tokenizer import read_tokenizer

SUPPORTED = {"bert": "bert", "distilbert": "distilbert"}
# Architectures people try that semvec cannot run (yet): refused by name, never half-converted.
KNOWN_UNSUPPORTED = {
    "mpnet": "MPNet (relative position buckets in attention)",
    "roberta": "RoBERTa (byte-level BPE tokenizer and offset positions)",
    "xlm-roberta": "XLM-RoBERTa (SentencePiece tokenizer and offset positions)",
    "camembert": "CamemBERT (SentencePiece tokenizer)",
    "albert": "ALBERT (shared layers, SentencePiece)",
    "electra": "ELECTRA",
    "deberta": "DeBERTa", "deberta-v2": "DeBERTa-v2",
    "nomic_bert": "NomicBERT (rotary positions)",
    "new": "GTE-new (rotary positions)",
    "t5": "T5", "gpt2": "GPT-2", "llama": "Llama", "qwen2": "Qwen2", "modernbert": "ModernBERT",
}
ACTIVATIONS = {"gelu": "gelu", "gelu_new": "gelu_new", "gelu_pytorch_tanh": "gelu_new", "relu": "relu",
               "silu": "silu", "swish": "silu"}
# Source tensors that are dropped on purpose (task heads, buffers).
IGNORED_PREFIXES = ("cls.", "classifier.", "pre_classifier.", "qa_outputs.", "vocab_transform.", "vocab_layer_norm.",
                    "vocab_projector.", "lm_head.", "dropout.")
IGNORED_SUFFIXES = ("position_ids",)


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
    """Task checkpoints (BertForSequenceClassification, ...) hold the encoder under `bert.` / `distilbert.`."""
    prefix = model_type + "."
    if any(k.startswith(prefix) for k in weights):
        return {k[len(prefix):]: v for k, v in weights.items() if k.startswith(prefix)}, prefix
    return weights, ""


def _config(cfg, arch):
    if arch == "bert":
        pet = cfg.get("position_embedding_type", "absolute")
        if pet != "absolute":
            raise ConvertError("position_embedding_type %r is not supported (absolute only)" % pet)
        act = cfg.get("hidden_act", "gelu")
        c = {"hidden_size": cfg["hidden_size"], "num_layers": cfg["num_hidden_layers"],
             "num_heads": cfg["num_attention_heads"], "intermediate_size": cfg["intermediate_size"],
             "max_position_embeddings": cfg["max_position_embeddings"], "type_vocab_size": cfg.get("type_vocab_size", 2),
             "vocab_size": cfg["vocab_size"], "layer_norm_eps": cfg.get("layer_norm_eps", 1e-12),
             "pad_token_id": cfg.get("pad_token_id", 0) or 0}
    else:
        act = cfg.get("activation", "gelu")
        c = {"hidden_size": cfg["dim"], "num_layers": cfg["n_layers"], "num_heads": cfg["n_heads"],
             "intermediate_size": cfg["hidden_dim"], "max_position_embeddings": cfg["max_position_embeddings"],
             "type_vocab_size": 0, "vocab_size": cfg["vocab_size"], "layer_norm_eps": 1e-12,
             "pad_token_id": cfg.get("pad_token_id", 0) or 0}
    if not isinstance(act, str) or act not in ACTIVATIONS:
        raise ConvertError("activation %r is not supported (gelu, gelu_new, relu, silu)" % (act,))
    c["hidden_act"] = ACTIVATIONS[act]
    if c["hidden_size"] % c["num_heads"]:
        raise ConvertError("hidden size %d is not divisible by %d heads" % (c["hidden_size"], c["num_heads"]))
    return c


def _mapping(arch, num_layers, has_pooler):
    """[(canonical name, [source names concatenated along axis 0])]."""
    m = []
    if arch == "bert":
        m += [("embeddings.word", ["embeddings.word_embeddings.weight"]),
              ("embeddings.position", ["embeddings.position_embeddings.weight"]),
              ("embeddings.token_type", ["embeddings.token_type_embeddings.weight"]),
              ("embeddings.norm.weight", ["embeddings.LayerNorm.weight"]),
              ("embeddings.norm.bias", ["embeddings.LayerNorm.bias"])]
        for i in range(num_layers):
            s, d = "encoder.layer.%d." % i, "layers.%d." % i
            for p in ("weight", "bias"):
                m += [(d + "attn.qkv." + p, [s + "attention.self.%s.%s" % (x, p) for x in ("query", "key", "value")]),
                      (d + "attn.out." + p, [s + "attention.output.dense." + p]),
                      (d + "attn.norm." + p, [s + "attention.output.LayerNorm." + p]),
                      (d + "ffn.up." + p, [s + "intermediate.dense." + p]),
                      (d + "ffn.down." + p, [s + "output.dense." + p]),
                      (d + "ffn.norm." + p, [s + "output.LayerNorm." + p])]
        if has_pooler:
            m += [("pooler.weight", ["pooler.dense.weight"]), ("pooler.bias", ["pooler.dense.bias"])]
    else:
        m += [("embeddings.word", ["embeddings.word_embeddings.weight"]),
              ("embeddings.position", ["embeddings.position_embeddings.weight"]),
              ("embeddings.norm.weight", ["embeddings.LayerNorm.weight"]),
              ("embeddings.norm.bias", ["embeddings.LayerNorm.bias"])]
        for i in range(num_layers):
            s, d = "transformer.layer.%d." % i, "layers.%d." % i
            for p in ("weight", "bias"):
                m += [(d + "attn.qkv." + p, [s + "attention.%s.%s" % (x, p) for x in ("q_lin", "k_lin", "v_lin")]),
                      (d + "attn.out." + p, [s + "attention.out_lin." + p]),
                      (d + "attn.norm." + p, [s + "sa_layer_norm." + p]),
                      (d + "ffn.up." + p, [s + "ffn.lin1." + p]),
                      (d + "ffn.down." + p, [s + "ffn.lin2." + p]),
                      (d + "ffn.norm." + p, [s + "output_layer_norm." + p])]
    return m


def _is_matrix(name):
    """Weight matrices and embedding tables take the requested dtype; biases and LayerNorm stay f32."""
    return name.startswith("embeddings.") and not name.startswith("embeddings.norm") or \
        (name.endswith(".weight") and ".norm." not in name)


def quantize_int8(w):
    """Symmetric per-output-channel int8 (docs/model-format.md): for each row (output unit) scale =
    max|w| / 127 and q = round-half-to-even(w / scale), clipped to [-127, 127], so w ~ q * scale with an error of
    at most scale / 2. An all-zero row gets scale 0 and q 0."""
    w = np.asarray(w, dtype=np.float32)
    scale = (np.max(np.abs(w), axis=1) / np.float32(127.0)).astype(np.float32)
    safe = np.where(scale > 0, scale, np.float32(1.0)).astype(np.float32)
    q = np.clip(np.rint(w / safe[:, None]), -127, 127).astype(np.int8)
    return q, scale


def read_pooling(folder, notes, arch):
    """(pooling dict) from sentence-transformers' modules.json, or the documented default."""
    mpath = os.path.join(folder, "modules.json")
    if os.path.exists(mpath):
        modules = _load_json(mpath)
        pool, normalize = None, False
        for mod in modules:
            t = mod.get("type", "")
            if t.endswith("models.Pooling"):
                pc = _load_json(os.path.join(folder, mod.get("path", "1_Pooling"), "config.json"))
                modes = [k for k in ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens",
                                     "weightedmean_tokens", "lasttoken") if pc.get("pooling_mode_" + k)]
                if "pooling_mode" in pc and not modes:
                    modes = [{"cls": "cls_token", "mean": "mean_tokens", "max": "max_tokens"}.get(pc["pooling_mode"], pc["pooling_mode"])]
                if len(modes) != 1 or modes[0] not in ("cls_token", "mean_tokens", "max_tokens"):
                    raise ConvertError("%s: pooling %s is not supported (exactly one of cls, mean, max)" % (mpath, modes))
                pool = {"cls_token": "cls", "mean_tokens": "mean", "max_tokens": "max"}[modes[0]]
            elif t.endswith("models.Normalize"):
                normalize = True
            elif t.endswith("models.Transformer"):
                pass
            else:
                raise ConvertError("%s: module %s is not supported (semvec runs Transformer, Pooling, Normalize)" % (mpath, t))
        if pool is None:
            raise ConvertError("%s: no Pooling module" % mpath)
        notes.append("pooling from sentence-transformers: %s, normalize=%s" % (pool, normalize))
        return {"mode": pool, "normalize": normalize, "source": "sentence-transformers"}
    notes.append("pooling: no sentence-transformers modules.json; DEFAULT mean pooling, normalize=false "
                 "(override with --pooling/--normalize)")
    return {"mode": "mean", "normalize": False, "source": "default"}


def convert_hf(folder, out, dtype="f32", pooling=None, normalize=None, prefer_bin=False, log=print):
    """Converts a Hugging Face folder; returns the list of (canonical name, stored dtype, array) written."""
    if dtype not in ("f32", "f16", "bf16", "int8"):
        raise ConvertError("unknown --dtype %r (f32, f16, bf16, int8)" % dtype)
    notes = []
    cfg = _load_json(os.path.join(folder, "config.json"))
    model_type = cfg.get("model_type")
    archs = cfg.get("architectures") or []
    if model_type not in SUPPORTED:
        what = KNOWN_UNSUPPORTED.get(model_type, "model_type %r" % model_type)
        raise ConvertError("%s: %s%s is not supported: semvec converts BertModel and DistilBertModel checkpoints "
                           "(and their bert./distilbert.-prefixed task models)"
                           % (folder, what, " (%s)" % ", ".join(archs) if archs else ""))
    arch = SUPPORTED[model_type]
    conf = _config(cfg, arch)
    weights, wsource = load_weights(folder, notes, prefer_bin)
    weights, prefix = _strip_prefix(weights, model_type)
    if prefix:
        notes.append("task checkpoint: encoder tensors taken from under '%s'" % prefix)
    has_pooler = arch == "bert" and "pooler.dense.weight" in weights
    conf["has_pooler"] = has_pooler
    used = set()
    tensors = []
    for name, srcs in _mapping(arch, conf["num_layers"], has_pooler):
        missing = [s for s in srcs if s not in weights]
        if missing:
            raise ConvertError("%s: tensor %s%s is missing from %s" % (folder, prefix, missing[0], wsource))
        arr = np.concatenate([np.asarray(weights[s], dtype=np.float32) for s in srcs], axis=0)
        used.update(srcs)
        if dtype == "int8" and _is_matrix(name) and not name.startswith("embeddings."):
            q, scale = quantize_int8(arr)
            tensors.append((name, "I8", q))
            tensors.append((name + "_scale", "F32", scale))
            continue
        if _is_matrix(name):
            sd, stored = st.encode_float(arr, "f16" if dtype == "int8" else dtype)
            if sd == "F16" and np.isinf(stored).any() and np.isfinite(arr).all():
                raise ConvertError("tensor %s overflows f16 (|x| > 65504): use --dtype bf16 or f32" % name)
        else:
            sd, stored = "F32", arr
        tensors.append((name, sd, stored))
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
    pool = read_pooling(folder, notes, arch)
    if pooling:
        pool = {"mode": pooling, "normalize": pool["normalize"], "source": "user"}
    if normalize is not None:
        pool = dict(pool, normalize=normalize, source="user")
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
    if dtype == "int8":
        notes.append("int8: matrices per-output-channel symmetric int8 with F32 '_scale' rows, embeddings f16; "
                     "running it needs an encoder with int8 support")
    st.write(out, tensors, meta)
    for n in notes:
        log("  " + n)
    log("wrote %s: %s, %d layers, hidden %d, %s, %d tensors" % (out, arch, conf["num_layers"], conf["hidden_size"],
                                                                dtype, len(tensors)))
    return tensors
