"""Word vectors (GloVe text, word2vec text/binary, Model2Vec folders) → semvec `static` model files."""
import gzip
import json
import os

import numpy as np

from . import VERSION, ConvertError
from . import safetensors_io as st
from .tokenizer import vocab_from_tokenizer_json


def _open_text(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="strict")
    return open(path, "rt", encoding="utf-8", errors="strict")


def _open_bytes(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        return f.read()


def _is_w2v_header(line):
    parts = line.split()
    return len(parts) == 2 and all(p.isdigit() for p in parts)


def read_text_vectors(path, notes):
    """GloVe (`word v1 … vD`) or word2vec text (same, after a `V D` header line). Returns (format, words, matrix).
    Words may contain spaces (GloVe 840B): the last D fields are the vector."""
    words, rows, seen, dups = [], [], set(), 0
    fmt, dim = "glove", None
    try:
        with _open_text(path) as f:
            for lineno, line in enumerate(f, 1):
                line = line.rstrip("\n").rstrip("\r")
                if not line.strip():
                    continue
                if lineno == 1 and _is_w2v_header(line):
                    fmt, dim = "word2vec", int(line.split()[1])
                    continue
                parts = line.rstrip(" ").split(" ")
                if dim is None:
                    dim = len(parts) - 1
                    if dim < 1:
                        raise ConvertError("%s:%d: a word with no vector" % (path, lineno))
                if len(parts) < dim + 1:
                    raise ConvertError("%s:%d: %d values, expected %d" % (path, lineno, len(parts) - 1, dim))
                word = " ".join(parts[:len(parts) - dim])
                try:
                    vec = np.array(parts[len(parts) - dim:], dtype=np.float32)
                except ValueError:
                    raise ConvertError("%s:%d: not a number among the %d values" % (path, lineno, dim))
                if word in seen:
                    dups += 1
                    continue
                seen.add(word)
                words.append(word)
                rows.append(vec)
    except UnicodeDecodeError as e:
        raise ConvertError("%s: not UTF-8 text (%s); a binary word2vec file must end in .bin" % (path, e))
    if not words:
        raise ConvertError("%s: no vectors" % path)
    if dups:
        notes.append("%d duplicate words skipped (the first vector of each is kept)" % dups)
    return fmt, words, np.stack(rows)


def read_word2vec_binary(path, notes):
    data = _open_bytes(path)
    nl = data.find(b"\n")
    if nl < 0 or not _is_w2v_header(data[:nl].decode("ascii", "replace")):
        raise ConvertError("%s: not a word2vec binary file (first line must be 'V D')" % path)
    V, D = (int(x) for x in data[:nl].split())
    pos = nl + 1
    words, mat, seen, dups = [], np.empty((V, D), dtype=np.float32), set(), 0
    n = 0
    for i in range(V):
        while pos < len(data) and data[pos:pos + 1] in (b"\n", b" "):
            pos += 1
        sp = data.find(b" ", pos)
        if sp < 0 or sp + 1 + 4 * D > len(data):
            raise ConvertError("%s: truncated at entry %d of %d" % (path, i, V))
        word = data[pos:sp].decode("utf-8", errors="replace")
        vec = np.frombuffer(data, dtype="<f4", count=D, offset=sp + 1)
        pos = sp + 1 + 4 * D
        if word in seen:
            dups += 1
            continue
        seen.add(word)
        words.append(word)
        mat[n] = vec
        n += 1
    if dups:
        notes.append("%d duplicate words skipped" % dups)
    return "word2vec", words, mat[:n]


def read_model2vec(folder, notes):
    """Model2Vec: model.safetensors with `embeddings` [V, D] (+ optional per-token `weights`, `mapping`),
    tokenizer.json (WordPiece) and config.json (`normalize`)."""
    tensors, _ = st.read(os.path.join(folder, "model.safetensors"))
    if "embeddings" not in tensors:
        raise ConvertError("%s/model.safetensors: no 'embeddings' tensor (is this a Model2Vec folder?)" % folder)
    emb = tensors["embeddings"].to_f32()
    if "mapping" in tensors:  # vocabulary quantization: token i uses row mapping[i]
        emb = emb[np.asarray(tensors["mapping"].array, dtype=np.int64)]
        notes.append("applied the token → row 'mapping'")
    if "weights" in tensors:  # per-token weights multiply the vectors
        emb = emb * tensors["weights"].to_f32().reshape(-1, 1)
        notes.append("applied per-token 'weights'")
    tj_path = os.path.join(folder, "tokenizer.json")
    with open(tj_path, encoding="utf-8") as f:
        tj = json.load(f)
    vocab, model, norm = vocab_from_tokenizer_json(tj, tj_path)
    if len(vocab) != emb.shape[0]:
        raise ConvertError("%s: tokenizer has %d tokens but embeddings %d rows" % (folder, len(vocab), emb.shape[0]))
    cfg_path = os.path.join(folder, "config.json")
    cfg = {}
    if os.path.exists(cfg_path):
        with open(cfg_path, encoding="utf-8") as f:
            cfg = json.load(f)
    tok = {"type": "wordpiece", "do_lower_case": bool(norm.get("do_lower_case", True)),
           "strip_accents": norm.get("strip_accents"), "tokenize_chinese_chars": bool(norm.get("tokenize_chinese_chars", True)),
           "clean_text": bool(norm.get("clean_text", True)), "unk_token": model.get("unk_token", "[UNK]"),
           "added_tokens": [], "max_length": 0, "max_input_chars_per_word": int(model.get("max_input_chars_per_word", 100)),
           "continuing_subword_prefix": model.get("continuing_subword_prefix", "##"), "prefix": ""}
    for t in tj.get("added_tokens") or []:
        c = t.get("content")
        if c and c != tok["unk_token"]:
            tok["added_tokens"].append(c)
    normalize = bool(cfg.get("normalize", True))
    return vocab, emb, tok, {"mode": "mean", "normalize": normalize, "source": "model2vec"}


def zipf_sif_weights(n, a):
    """SIF weights a / (a + p(w)) (Arora, Liang and Ma, ICLR 2017) with p(w) estimated from the word's rank r
    by Zipf's law, p = (1/r) / H_n, as Model2Vec does: files sorted by frequency (GloVe, word2vec) need no
    counts. Frequent words ("the", ",") get small weights, rare content words weights near 1."""
    r = np.arange(1, n + 1, dtype=np.float64)
    p = (1.0 / r) / np.sum(1.0 / r)
    return (a / (a + p)).astype(np.float32)


def convert_word_vectors(path, out, dtype="f16", normalize=None, sif=None, max_words=None, log=print):
    if dtype not in ("f32", "f16", "bf16"):
        raise ConvertError("static vectors are stored as f32, f16 or bf16 (got %r)" % dtype)
    notes = []
    if os.path.isdir(path):
        words, mat, tok, pool = read_model2vec(path, notes)
        fmt = "model2vec"
    else:
        if path.endswith((".bin", ".bin.gz")):
            fmt, words, mat = read_word2vec_binary(path, notes)
        else:
            fmt, words, mat = read_text_vectors(path, notes)
        # Lower-case the input only when the vocab itself is lower-case (GloVe 6B is; GoogleNews word2vec is not).
        lower = all(w == w.lower() for w in words)
        tok = {"type": "words", "do_lower_case": lower, "strip_accents": False, "tokenize_chinese_chars": True,
               "clean_text": True, "added_tokens": [], "max_length": 0, "prefix": ""}
        notes.append("%s vocabulary is %s: do_lower_case=%s" % (fmt, "lower-case" if lower else "cased", lower))
        pool = {"mode": "mean", "normalize": False, "source": "default"}
    if normalize is not None:
        pool = dict(pool, normalize=normalize, source="user")
    if max_words is not None:
        if fmt == "model2vec":
            raise ConvertError("--max-words is for GloVe/word2vec files (Model2Vec rows are tokenizer ids)")
        if max_words < 1:
            raise ConvertError("--max-words needs N >= 1")
        if max_words < len(words):
            notes.append("kept the first %d of %d words (files are sorted by frequency)" % (max_words, len(words)))
            words, mat = words[:max_words], mat[:max_words]
    if not np.isfinite(mat).all():
        raise ConvertError("%s: vectors hold NaN or infinity" % path)
    config = {"dim": int(mat.shape[1]), "vocab_size": int(mat.shape[0]), "format": fmt}
    if sif is not None:
        if fmt == "model2vec":
            raise ConvertError("--sif is for frequency-ordered GloVe/word2vec files; Model2Vec vectors are already weighted")
        if not sif > 0:
            raise ConvertError("--sif A needs A > 0 (1e-4 is a good start)")
        mat = mat * zipf_sif_weights(mat.shape[0], sif)[:, None]
        config["sif"] = {"a": sif, "p": "zipf-rank"}
        notes.append("SIF weights a/(a+p) folded into the vectors, a=%g, p from Zipf's law on the file order" % sif)
    sd, stored = st.encode_float(mat, dtype)
    if sd == "F16" and np.isinf(stored).any():
        raise ConvertError("%s: values overflow f16 (|x| > 65504): use --dtype bf16 or f32" % path)
    V, D = mat.shape
    meta = {
        "semvec.format": "1",
        "semvec.architecture": "static",
        "semvec.dtype": dtype,
        "semvec.config": json.dumps(config),
        "semvec.tokenizer": json.dumps(tok, ensure_ascii=False),
        "semvec.vocab": json.dumps(words, ensure_ascii=False),
        "semvec.pooling": json.dumps(pool),
        "semvec.source": "%s (%s) by semvec_convert %s" % (os.path.basename(os.path.normpath(path)), fmt, VERSION),
    }
    st.write(out, [("embeddings.word", sd, stored)], meta)
    for n in notes:
        log("  " + n)
    log("wrote %s: static %s, %d words x %d, %s" % (out, fmt, V, D, dtype))
    return words, mat, sd, stored
