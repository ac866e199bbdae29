"""Reads a Hugging Face WordPiece tokenizer (vocab.txt or tokenizer.json, with tokenizer_config.json) into
the `semvec.tokenizer` object and the `semvec.vocab` list of docs/model-format.md."""
import json
import os

from . import ConvertError

SPECIALS = ("unk_token", "cls_token", "sep_token", "pad_token", "mask_token")
_DEFAULT_SPECIALS = {"unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
                     "mask_token": "[MASK]"}


def _load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ConvertError("%s: not valid JSON: %s" % (path, e))


def _token_text(v):
    """tokenizer_config values are strings or AddedToken dicts {"content": ...}."""
    if isinstance(v, dict):
        return v.get("content")
    return v


def read_vocab_txt(path):
    """One token per line, id = line number (HF's load_vocab: only the trailing newline is removed)."""
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def vocab_from_tokenizer_json(tj, path):
    """(vocab list, model dict, normalizer flags) from a tokenizer.json whose model is WordPiece."""
    model = tj.get("model") or {}
    mtype = model.get("type")
    if mtype != "WordPiece":
        raise ConvertError("%s: tokenizer model is %r; semvec reads WordPiece tokenizers only" % (path, mtype))
    vocab_map = model.get("vocab")
    if not isinstance(vocab_map, dict) or not vocab_map:
        raise ConvertError("%s: model.vocab is missing or empty" % path)
    n = max(vocab_map.values()) + 1
    vocab = [None] * n
    for tok, i in vocab_map.items():
        if not isinstance(i, int) or i < 0 or vocab[i] is not None:
            raise ConvertError("%s: bad or duplicate id %r for token %r" % (path, i, tok))
        vocab[i] = tok
    for t in tj.get("added_tokens") or []:
        i, c = t.get("id"), t.get("content")
        if isinstance(i, int) and 0 <= i < n and vocab[i] is None:
            vocab[i] = c
        elif isinstance(i, int) and i >= n:
            vocab.extend([None] * (i + 1 - len(vocab)))
            vocab[i] = c
    holes = [i for i, v in enumerate(vocab) if v is None]
    if holes:
        raise ConvertError("%s: vocab ids are not contiguous (first missing id %d)" % (path, holes[0]))
    norm = {}
    nz = tj.get("normalizer")
    cands = nz.get("normalizers", []) if isinstance(nz, dict) and nz.get("type") == "Sequence" else [nz]
    for c in cands:
        if isinstance(c, dict) and c.get("type") == "BertNormalizer":
            norm = {"do_lower_case": c.get("lowercase", True), "strip_accents": c.get("strip_accents"),
                    "tokenize_chinese_chars": c.get("handle_chinese_chars", True),
                    "clean_text": c.get("clean_text", True)}
    return vocab, model, norm


def read_tokenizer(folder, max_positions, notes):
    """Returns (tokenizer dict, vocab list) for the HF folder. `notes` collects human-readable remarks."""
    cfg_path = os.path.join(folder, "tokenizer_config.json")
    cfg = _load_json(cfg_path) if os.path.exists(cfg_path) else {}
    stm_path = os.path.join(folder, "special_tokens_map.json")
    stm = _load_json(stm_path) if os.path.exists(stm_path) else {}
    tj_path = os.path.join(folder, "tokenizer.json")
    vt_path = os.path.join(folder, "vocab.txt")
    model, norm = {}, {}
    if os.path.exists(vt_path):
        vocab = read_vocab_txt(vt_path)
        notes.append("vocab from vocab.txt (%d tokens)" % len(vocab))
    elif os.path.exists(tj_path):
        vocab, model, norm = vocab_from_tokenizer_json(_load_json(tj_path), tj_path)
        notes.append("vocab from tokenizer.json (%d tokens)" % len(vocab))
    else:
        raise ConvertError("%s: no vocab.txt or tokenizer.json" % folder)
    cls = cfg.get("tokenizer_class")
    if cls and cls not in ("BertTokenizer", "BertTokenizerFast", "DistilBertTokenizer", "DistilBertTokenizerFast"):
        raise ConvertError("%s: tokenizer_class %s is not a BERT WordPiece tokenizer" % (cfg_path, cls))

    def flag(name, default):
        if name in cfg:
            return cfg[name]
        if name in norm:
            return norm[name]
        return default

    tok = {
        "type": "wordpiece",
        "do_lower_case": bool(flag("do_lower_case", True)),
        "strip_accents": flag("strip_accents", None),
        "tokenize_chinese_chars": bool(flag("tokenize_chinese_chars", True)),
        "clean_text": bool(flag("clean_text", True)),
    }
    for s in SPECIALS:
        v = _token_text(cfg.get(s)) or _token_text(stm.get(s)) or (model.get("unk_token") if s == "unk_token" else None)
        if v is None:
            v = _DEFAULT_SPECIALS[s]
            notes.append("%s not given; using %s" % (s, v))
        tok[s] = v
    specials = {tok[s] for s in SPECIALS}
    added = []
    for _, t in sorted((cfg.get("added_tokens_decoder") or {}).items(), key=lambda kv: int(kv[0])):
        c = _token_text(t)
        if c and c not in specials and c not in added:
            added.append(c)
    for c in cfg.get("additional_special_tokens") or []:
        c = _token_text(c)
        if c and c not in specials and c not in added:
            added.append(c)
    tok["added_tokens"] = added
    mml = cfg.get("model_max_length")
    max_len = max_positions
    if isinstance(mml, (int, float)) and 0 < mml < max_positions:
        max_len = int(mml)
    tok["max_length"] = int(max_len)
    tok["max_input_chars_per_word"] = int(model.get("max_input_chars_per_word", 100))
    tok["continuing_subword_prefix"] = model.get("continuing_subword_prefix", "##")
    tok["prefix"] = ""
    for s in SPECIALS:
        if tok[s] not in set(vocab):
            if s == "mask_token":
                del tok[s]
                continue
            raise ConvertError("%s: %s %r is not in the vocab" % (folder, s, tok[s]))
    return tok, vocab
