#!/usr/bin/python3
"""Copies a Hugging Face fixture of ../shared/fixtures/models into tests/data/models, small enough for git:

  * model.safetensors: every word-embedding row whose id occurs in no golden case is set to zero. Outputs
    depend only on the rows of the ids they look up, so every golden stays exact; the zero rows compress to
    almost nothing in git (the real-vocabulary fixtures are mostly embedding table: qwen3-tiny's is 151669 x 32).
    All other tensors are copied bit for bit.
  * golden/NAME.json keeps the texts, tokens and ids; the float arrays it repeats are in golden/NAME/*.npy.
  * golden/NAME/hidden_states.npy (per-layer states) is left out.
Everything else is copied as is. PRUNED.md in the copy records what was changed and the source sha256.

  copy_fixture.py SRC_FIXTURE_DIR DST_DIR
"""
import hashlib
import json
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from semvec_convert import safetensors_io as st  # noqa: E402

WORD = ("embeddings.word_embeddings.weight", "embeddings.tok_embeddings.weight", "embed_tokens.weight")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def golden_ids(src):
    ids = set()
    gdir = os.path.join(src, "golden")
    for case in os.listdir(gdir):
        p = os.path.join(gdir, case, "input_ids.npy")
        if os.path.exists(p):
            ids.update(int(i) for i in np.load(p).ravel())
    return ids


def main():
    src, dst = sys.argv[1], sys.argv[2]
    if os.path.exists(dst):
        shutil.rmtree(dst)
    keep = golden_ids(src)
    notes = []
    for root, _, files in os.walk(src):
        rel = os.path.relpath(root, src)
        os.makedirs(os.path.join(dst, rel), exist_ok=True)
        for f in files:
            s, d = os.path.join(root, f), os.path.join(dst, rel, f)
            if f == "hidden_states.npy":
                continue
            if f == "model.safetensors" and rel == ".":
                tensors, meta = st.read(s)
                items = []
                for name, t in tensors.items():
                    arr = t.array
                    if name in WORD:
                        arr = np.zeros_like(arr)
                        rows = sorted(i for i in keep if 0 <= i < arr.shape[0])
                        arr[rows] = t.array[rows]
                        notes.append("`%s`: %d of %d rows kept (the ids of the golden cases), the others zero"
                                     % (name, len(rows), arr.shape[0]))
                    items.append((name, t.dtype, arr))
                st.write(d, items, meta)
                notes.append("`model.safetensors`: source sha256 %s" % sha256(s))
            elif rel.startswith("golden") and f.endswith(".json") and rel == "golden":
                with open(s, encoding="utf-8") as fh:
                    g = json.load(fh)
                arrays = [k for k, v in g.items() if isinstance(v, list) and k + "_shape" in g
                          and k not in ("input_ids", "attention_mask", "token_type_ids")]
                for k in arrays:
                    del g[k]
                    del g[k + "_shape"]
                with open(d, "w", encoding="utf-8") as fh:
                    json.dump(g, fh, ensure_ascii=False)
            else:
                shutil.copyfile(s, d)
    notes.append("`golden/*.json`: the float arrays removed (they are in `golden/*/*.npy`); "
                 "`golden/*/hidden_states.npy` left out")
    with open(os.path.join(dst, "PRUNED.md"), "w", encoding="utf-8") as fh:
        fh.write("# Pruned copy of ../shared/fixtures/models/%s (tests/parity/copy_fixture.py)\n\n" % os.path.basename(os.path.normpath(src)))
        fh.write("".join("- %s\n" % n for n in notes))
    print("\n".join(notes))


if __name__ == "__main__":
    main()
