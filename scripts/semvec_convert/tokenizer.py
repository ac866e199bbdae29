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
    sub = read_subword_tokenizer(folder, max_positions, notes)
    if sub is not None:
        return sub
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


# ---------------------------------------------------------------------------------------------------------------
# Byte-level BPE and SentencePiece Unigram tokenizers (issue 13). The model file stores them in one format, the
# tokenizer.json layout (docs/model-format.md, `semvec.tokenizer` of type "bpe" / "unigram"), so the C++ side has
# one reader (include/semvec/text/tokenizer_json.hpp). What each source becomes:
#   tokenizer.json (BPE or Unigram model)  → stored as it is, reference "hf_tokenizers" (HF tokenizers' behaviour)
#   vocab.json + merges.txt                → the slow class's pipeline, reference "transformers_slow"
#   spiece.model / sentencepiece.bpe.model → the slow class's pipeline, reference "transformers_slow"
# The slow descriptions mirror semvec/text/bpe_files.hpp and semvec/text/sentencepiece_model.hpp exactly
# (tests/text/test_convert_tokenizer.py checks the result through `semvec tokenize --model`).

_BPE_CLASSES = {"RobertaTokenizer": "roberta", "RobertaTokenizerFast": "roberta", "GPT2Tokenizer": "gpt2",
                "GPT2TokenizerFast": "gpt2", "Qwen2Tokenizer": "qwen2", "Qwen2TokenizerFast": "qwen2"}
_SPM_CLASSES = {"XLMRobertaTokenizer": "xlm_roberta", "XLMRobertaTokenizerFast": "xlm_roberta",
                "AlbertTokenizer": "albert", "AlbertTokenizerFast": "albert"}
_SPM_TYPES = {1: "normal", 2: "unknown", 3: "control", 4: "user_defined", 5: "unused", 6: "byte"}


def _varint(b, i):
    v, shift = 0, 0
    while True:
        if i >= len(b) or shift > 63:
            raise ConvertError("truncated varint")
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        if not c & 0x80:
            return v, i
        shift += 7


def _fields(b):
    """Yields (field number, wire type, value) of a protobuf message; value is an int, bytes or a 4/8-byte blob."""
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            v, i = _varint(b, i)
        elif wire == 2:
            n, i = _varint(b, i)
            if n > len(b) - i:
                raise ConvertError("truncated length-delimited field %d" % field)
            v, i = b[i:i + n], i + n
        elif wire == 5:
            if len(b) - i < 4:
                raise ConvertError("truncated fixed32 field %d" % field)
            v, i = b[i:i + 4], i + 4
        elif wire == 1:
            if len(b) - i < 8:
                raise ConvertError("truncated fixed64 field %d" % field)
            v, i = b[i:i + 8], i + 8
        else:
            raise ConvertError("unsupported protobuf wire type %d" % wire)
        yield field, wire, v


def read_sentencepiece_model(path):
    """The ModelProto fields encoding needs, read with a minimal protobuf reader (no sentencepiece, no protobuf
    package needed): pieces [(piece, score, type)], model_type, unk_id, byte_fallback and the normalizer spec."""
    import struct
    with open(path, "rb") as f:
        data = f.read()
    m = {"pieces": [], "model_type": 1, "unk_id": 0, "byte_fallback": False, "precompiled_charsmap": b"",
         "add_dummy_prefix": True, "remove_extra_whitespaces": True, "escape_whitespaces": True,
         "treat_whitespace_as_suffix": False}
    try:
        for field, wire, v in _fields(data):
            if field == 1 and wire == 2:
                piece, score, ptype = "", 0.0, 1
                for f2, w2, v2 in _fields(v):
                    if f2 == 1 and w2 == 2:
                        piece = v2.decode("utf-8")
                    elif f2 == 2 and w2 == 5:
                        score = struct.unpack("<f", v2)[0]
                    elif f2 == 3 and w2 == 0:
                        ptype = v2
                if ptype not in _SPM_TYPES:
                    raise ConvertError("piece %d has unknown type %d" % (len(m["pieces"]), ptype))
                m["pieces"].append((piece, score, ptype))
            elif field == 2 and wire == 2:
                for f2, w2, v2 in _fields(v):
                    if w2 != 0:
                        continue
                    if f2 == 3:
                        m["model_type"] = v2
                    elif f2 == 40:
                        m["unk_id"] = v2 if v2 < 2 ** 63 else v2 - 2 ** 64
                    elif f2 == 35:
                        m["byte_fallback"] = bool(v2)
                    elif f2 == 24:
                        m["treat_whitespace_as_suffix"] = bool(v2)
            elif field == 3 and wire == 2:
                for f2, w2, v2 in _fields(v):
                    if f2 == 2 and w2 == 2:
                        m["precompiled_charsmap"] = bytes(v2)
                    elif w2 == 0 and f2 in (3, 4, 5):
                        m[{3: "add_dummy_prefix", 4: "remove_extra_whitespaces", 5: "escape_whitespaces"}[f2]] = bool(v2)
    except (ConvertError, UnicodeDecodeError) as e:
        raise ConvertError("%s: not a SentencePiece model (%s)" % (path, e))
    if not m["pieces"]:
        raise ConvertError("%s: the model has no pieces (not a SentencePiece model?)" % path)
    if m["model_type"] != 1:
        raise ConvertError("%s: SentencePiece model type %d is not supported (semvec reads unigram models)"
                           % (path, m["model_type"]))
    if not 0 <= m["unk_id"] < len(m["pieces"]):
        raise ConvertError("%s: unk_id is outside the pieces" % path)
    if m["treat_whitespace_as_suffix"]:
        raise ConvertError("%s: treat_whitespace_as_suffix is not supported" % path)
    return m


def _special(tok, type_id):
    return {"SpecialToken": {"id": tok, "type_id": type_id}}


def _seq(s, type_id):
    return {"Sequence": {"id": s, "type_id": type_id}}


def _added(content, i, lstrip=False):
    return {"id": i, "content": content, "single_word": False, "lstrip": lstrip, "rstrip": False,
            "normalized": False, "special": True}


def sentencepiece_tokenizer_json(m, style, do_lower_case=True, keep_accents=False, remove_space=True):
    """The description C++ sentencepiece_tokenizer_json builds (same keys, same order of pieces)."""
    import base64
    vocab, types, added, specials = [], [], [], {}
    unk = m["unk_id"]
    if style == "xlm_roberta":
        for k, t in enumerate(["<s>", "<pad>", "</s>", "<unk>"]):
            vocab.append([t, 0.0])
            types.append(2 if k == 3 else 3)
        for piece, score, ptype in m["pieces"][3:]:
            vocab.append([piece, score])
            types.append(ptype)
        mask = len(vocab)
        vocab.append(["<mask>", 0.0])
        types.append(3)
        unk = 3
        added = [_added(t, k) for k, t in enumerate(["<s>", "<pad>", "</s>", "<unk>"])] + [_added("<mask>", mask, True)]
        specials = {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]}, "</s>": {"id": "</s>", "ids": [2], "tokens": ["</s>"]}}
        single = [_special("<s>", 0), _seq("A", 0), _special("</s>", 0)]
        pair = [_special("<s>", 0), _seq("A", 0), _special("</s>", 0), _special("</s>", 0), _seq("B", 0), _special("</s>", 0)]
    else:
        for piece, score, ptype in m["pieces"]:
            vocab.append([piece, score])
            types.append(ptype)
        single, pair = [_seq("A", 0)], [_seq("A", 0), _seq("B", 1)]
        if style == "albert":
            ids = {p[0]: i for i, p in reversed(list(enumerate(m["pieces"])))}
            for t in ("<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"):
                if t in ids:
                    added.append(_added(t, ids[t], t == "[MASK]"))
            if "[CLS]" in ids and "[SEP]" in ids:
                specials = {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")}
                single = [_special("[CLS]", 0), _seq("A", 0), _special("[SEP]", 0)]
                pair = [_special("[CLS]", 0), _seq("A", 0), _special("[SEP]", 0), _seq("B", 1), _special("[SEP]", 1)]
    norm = None
    if style == "albert":
        steps = [{"type": "semvec.CollapseWhitespace"}] if remove_space else []
        steps += [{"type": "Replace", "pattern": {"String": "``"}, "content": '"'},
                  {"type": "Replace", "pattern": {"String": "''"}, "content": '"'}]
        if not keep_accents:
            steps += [{"type": "NFKD"}, {"type": "semvec.DropCombiningClass"}]
        if do_lower_case:
            steps.append({"type": "semvec.PythonLowercase"})
        norm = {"type": "Sequence", "normalizers": steps}
    return {
        "version": "1.0",
        "added_tokens": added,
        "normalizer": norm,
        "semvec.sentencepiece_normalizer": {
            "precompiled_charsmap": base64.b64encode(m["precompiled_charsmap"]).decode("ascii"),
            "add_dummy_prefix": m["add_dummy_prefix"], "remove_extra_whitespaces": m["remove_extra_whitespaces"],
            "escape_whitespaces": m["escape_whitespaces"],
            "user_defined": [p[0] for p in m["pieces"] if p[2] == 4]},
        "semvec.albert_digit_comma": style == "albert",
        "pre_tokenizer": None,
        "model": {"type": "Unigram", "unk_id": unk, "byte_fallback": m["byte_fallback"], "vocab": vocab,
                  "semvec.sentencepiece_mode": True, "semvec.piece_types": types},
        "post_processor": {"type": "TemplateProcessing", "single": single, "pair": pair, "special_tokens": specials},
    }


def _merges_lines(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            line = line.rstrip("\n").rstrip("\r")
            if (i == 0 and line.startswith("#version")) or not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2:
                raise ConvertError("%s: line %d: expected two tokens separated by a space" % (path, i + 1))
            out.append(" ".join(parts))
    return out


def bpe_files_tokenizer_json(vocab, merges, style, added_tokens):
    """The description C++ parse_bpe_tokenizer builds for vocab.json + merges.txt (vocab: token list by id)."""
    added = [dict(_added(t["content"], t["id"]), lstrip=bool(t.get("lstrip", False)),
                  rstrip=bool(t.get("rstrip", False)), single_word=bool(t.get("single_word", False)))
             for t in added_tokens]
    have = {t["content"] for t in added}
    index = {}
    for i, t in enumerate(vocab):
        index.setdefault(t, i)

    def add(content, lstrip=False):
        if content in have:
            return
        if content not in index:
            index[content] = len(vocab)
            vocab.append(content)
        added.append(_added(content, index[content], lstrip))
        have.add(content)

    pre = [{"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True}]
    norm = None
    before = False
    if style == "roberta":
        for t in ("<s>", "<pad>", "</s>", "<unk>"):
            add(t)
        add("<mask>", True)
        single = [_special("<s>", 0), _seq("A", 0), _special("</s>", 0)]
        pair = [_special("<s>", 0), _seq("A", 0), _special("</s>", 0), _special("</s>", 0), _seq("B", 0), _special("</s>", 0)]
        specials = {t: {"id": t, "ids": [index[t]], "tokens": [t]} for t in ("<s>", "</s>")}
    else:
        add("<|endoftext|>")
        single, pair, specials = [_seq("A", 0)], [_seq("A", 0), _seq("B", 1)], {}
        if style == "qwen2":
            from_pattern = ("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
                            "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")
            pre = [{"type": "Split", "pattern": {"Regex": from_pattern}, "behavior": "Isolated", "invert": False},
                   {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]
            norm = {"type": "NFC"}
            before = True
    return {
        "version": "1.0",
        "added_tokens": added,
        "normalizer": norm,
        "semvec.normalize_before_added": before,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": pre},
        "model": {"type": "BPE", "merges": merges},
        "post_processor": {"type": "TemplateProcessing", "single": single, "pair": pair, "special_tokens": specials},
    }


def _added_from_config(cfg):
    out = []
    for k, t in sorted((cfg.get("added_tokens_decoder") or {}).items(), key=lambda kv: int(kv[0])):
        c = _token_text(t)
        if c:
            out.append({"content": c, "id": int(k), "lstrip": isinstance(t, dict) and bool(t.get("lstrip")),
                        "rstrip": isinstance(t, dict) and bool(t.get("rstrip")),
                        "single_word": isinstance(t, dict) and bool(t.get("single_word"))})
    return out


def read_subword_tokenizer(folder, max_positions, notes):
    """(tokenizer dict, vocab list) for a BPE or Unigram tokenizer in an HF folder, or None when the folder has a
    WordPiece tokenizer (read_tokenizer handles those). Preference: tokenizer.json (HF's fast tokenizer, what
    AutoTokenizer loads by default), then the slow class's files."""
    cfg_path = os.path.join(folder, "tokenizer_config.json")
    cfg = _load_json(cfg_path) if os.path.exists(cfg_path) else {}
    cls = cfg.get("tokenizer_class") or ""
    tok = {"max_length": int(max_positions), "prefix": "",
           "padding_side": cfg.get("padding_side", "right") if cfg.get("padding_side") in ("left", "right") else "right"}
    mml = cfg.get("model_max_length")
    if isinstance(mml, (int, float)) and 0 < mml < max_positions:
        tok["max_length"] = int(mml)
    pad = _token_text(cfg.get("pad_token"))
    if pad:
        tok["pad_token"] = pad
    tj_path = os.path.join(folder, "tokenizer.json")
    if os.path.exists(tj_path):
        tj = _load_json(tj_path)
        model = tj.get("model") or {}
        mtype = model.get("type") or ("BPE" if "merges" in model else None)
        if mtype == "BPE":
            vmap = model.get("vocab") or {}
            vocab = [None] * (max(vmap.values()) + 1 if vmap else 0)
            for t, i in vmap.items():
                vocab[i] = t
            for t in tj.get("added_tokens") or []:
                if t["id"] >= len(vocab):
                    vocab.extend([None] * (t["id"] + 1 - len(vocab)))
                vocab[t["id"]] = t["content"]
            if any(v is None for v in vocab):
                raise ConvertError("%s: vocab ids are not contiguous" % tj_path)
            tj = dict(tj, model=dict(model))
            del tj["model"]["vocab"]
            tok.update(type="bpe", reference="hf_tokenizers", tokenizer_json=tj)
            notes.append("tokenizer from tokenizer.json (BPE, %d tokens; HF tokenizers' behaviour)" % len(vocab))
            return tok, vocab
        if mtype == "Unigram":
            pieces = model.get("vocab") or []
            vocab = [p[0] for p in pieces]
            for t in tj.get("added_tokens") or []:
                if t["id"] >= len(vocab):
                    vocab.extend([None] * (t["id"] + 1 - len(vocab)))
                    vocab[t["id"]] = t["content"]
            if any(v is None for v in vocab):
                raise ConvertError("%s: vocab ids are not contiguous" % tj_path)
            tj = dict(tj, model=dict(model, vocab=[p[1] for p in pieces]))
            tok.update(type="unigram", reference="hf_tokenizers", tokenizer_json=tj)
            notes.append("tokenizer from tokenizer.json (Unigram, %d pieces; HF tokenizers' behaviour)" % len(vocab))
            return tok, vocab
        if mtype != "WordPiece":
            raise ConvertError("%s: tokenizer model %r is not supported (WordPiece, BPE, Unigram)" % (tj_path, mtype))
    vj, mg = os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt")
    if os.path.exists(vj) and os.path.exists(mg):
        style = _BPE_CLASSES.get(cls)
        if style is None:
            raise ConvertError("%s: tokenizer_class %r with vocab.json + merges.txt is not supported (%s)"
                               % (cfg_path, cls, ", ".join(sorted(_BPE_CLASSES))))
        vmap = _load_json(vj)
        vocab = [None] * len(vmap)
        for t, i in vmap.items():
            if not isinstance(i, int) or not 0 <= i < len(vocab) or vocab[i] is not None:
                raise ConvertError("%s: bad or duplicate id %r for %r" % (vj, i, t))
            vocab[i] = t
        tj = bpe_files_tokenizer_json(vocab, _merges_lines(mg), style, _added_from_config(cfg))
        for t in tj["added_tokens"]:  # added tokens get their place in the id → token list
            if t["id"] >= len(vocab):
                vocab.extend([None] * (t["id"] + 1 - len(vocab)))
            vocab[t["id"]] = t["content"]
        if any(v is None for v in vocab):
            raise ConvertError("%s: added token ids leave holes after vocab.json" % cfg_path)
        tok.update(type="bpe", reference="transformers_slow", tokenizer_json=tj)
        notes.append("tokenizer from vocab.json + merges.txt as %s (%d tokens)" % (cls, len(vocab)))
        return tok, vocab
    for name in ("spiece.model", "sentencepiece.bpe.model"):
        sp = os.path.join(folder, name)
        if os.path.exists(sp):
            style = _SPM_CLASSES.get(cls)
            if style is None:
                raise ConvertError("%s: tokenizer_class %r with %s is not supported (%s)"
                                   % (cfg_path, cls, name, ", ".join(sorted(_SPM_CLASSES))))
            m = read_sentencepiece_model(sp)
            tj = sentencepiece_tokenizer_json(m, style, bool(cfg.get("do_lower_case", True)),
                                              bool(cfg.get("keep_accents", False)), bool(cfg.get("remove_space", True)))
            vocab = [p[0] for p in tj["model"]["vocab"]]
            tj["model"]["vocab"] = [p[1] for p in tj["model"]["vocab"]]
            tok.update(type="unigram", reference="transformers_slow", tokenizer_json=tj)
            notes.append("tokenizer from %s as %s (%d pieces)" % (name, cls, len(vocab)))
            return tok, vocab
    return None
