#!/usr/bin/python3
"""`semvec embed` against the Hugging Face goldens, for every family and precision.

For each fixture: the goldens' token ids (real tokens only; left padding removed) go through
`semvec embed --ids` in every pooling the goldens hold, with and without normalization (f32), and with the
model file's own pooling (f16, bf16, int8). Fixtures named in --texts also go through the text path in the
file's own pooling: the golden texts (with --prompt-name for the `prompted` case, the prompt taken off the
text, and --max-length for `truncated`). Bars: f32 max |d| <= 1e-4 and cosine >= 0.99999; f16/bf16 cosine >= 0.9995; int8 >= 0.995.
Prints one line per fixture and precision (max abs, cosine min / median); exit 1 on a miss.

  cli_parity.py SEMVEC CONVERTED_DIR MODELS_DIR --fixtures a,b,... [--texts a,b,...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

BARS = {"f32": (1e-4, 0.99999), "f16": (None, 0.9995), "bf16": (None, 0.9995), "int8": (None, 0.995)}


def cases(models, fx):
    g = os.path.join(models, fx, "golden")
    return sorted(c for c in os.listdir(g) if os.path.isdir(os.path.join(g, c)))


def load(models, fx, case):
    d = os.path.join(models, fx, "golden", case)
    arrays = {f[:-4]: np.load(os.path.join(d, f)) for f in os.listdir(d) if f.endswith(".npy")}
    with open(d + ".json", encoding="utf-8") as f:
        meta = json.load(f)
    return arrays, meta


def run(semvec, args, stdin):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "e.npy")
        p = subprocess.run([semvec, "embed"] + args + ["--out", out], input=stdin, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("semvec embed %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.strip()))
        return np.load(out)


def compare(got, want, stats):
    for g, w in zip(got, want):
        stats["abs"] = max(stats["abs"], float(np.max(np.abs(g.astype(np.float64) - w))))
        stats["cos"].append(float(np.dot(g, w) / (np.linalg.norm(g) * np.linalg.norm(w))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("semvec")
    ap.add_argument("converted")
    ap.add_argument("models")
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--texts", default="")
    a = ap.parse_args()
    texts_ok = set(filter(None, a.texts.split(",")))
    ok = True
    for fx in a.fixtures.split(","):
        # All the golden sequences of the fixture, as ids (one `semvec embed --ids` call per run) and as texts.
        id_lines, text_runs, golden = [], {}, {}
        for case in cases(a.models, fx):
            arrays, meta = load(a.models, fx, case)
            ids, mask, types = arrays["input_ids"], arrays["attention_mask"], arrays["token_type_ids"]
            for b in range(ids.shape[0]):
                keep = mask[b] != 0
                id_lines.append(json.dumps({"ids": ids[b][keep].tolist(), "type_ids": types[b][keep].tolist()}))
            for k, v in arrays.items():
                golden.setdefault(k, []).append(v)
            if fx in texts_ok and all(isinstance(t, str) for t in meta["texts"]):
                texts, extra = list(meta["texts"]), []
                if meta.get("prompt_name"):  # the prompt goes through --prompt-name, not the text
                    texts = [t[len(meta["prompt"]):] for t in texts]
                    extra += ["--prompt-name", meta["prompt_name"]]
                if isinstance(meta.get("max_length"), int):
                    extra += ["--max-length", str(meta["max_length"])]
                text_runs[case] = (texts, extra, arrays)
        modes = [m for m in ("cls", "mean", "max", "last") if m in golden]
        for dtype in ("f32", "f16", "bf16", "int8"):
            model = os.path.join(a.converted, "%s-%s.safetensors" % (fx, dtype))
            stats = {"abs": 0.0, "cos": []}
            text_stats = {"abs": 0.0, "cos": []}
            # f32: every pooling raw, and the file's own pooling normalized; other precisions: the latter.
            default = json.loads(_pooling_of(model))["mode"]
            runs = ([(m, False) for m in modes] if dtype == "f32" else []) + [(default, True)]
            for mode, norm in runs:
                flags = ["--model", model, "--threads", "2", "--batch-size", "3", "--pooling", mode,
                         "--normalize" if norm else "--no-normalize"]
                key = mode + ("_normalized" if norm else "")
                compare(run(a.semvec, flags + ["--ids"], "\n".join(id_lines) + "\n"), np.concatenate(golden[key]), stats)
                if not norm:
                    continue  # the text path once per precision (the file's pooling): poolings are the ids' job
                # One call per set of extra flags (not per case): each call loads the model again, and ~1,000
                # calls made this the slowest test of the suite.
                groups = {}
                for case, (texts, extra, arrays) in sorted(text_runs.items()):
                    g = groups.setdefault(tuple(extra), ([], []))
                    g[0].extend(texts)
                    g[1].append(arrays[key])
                for extra, (texts, wants) in groups.items():
                    body = "\n".join(json.dumps(t, ensure_ascii=False) for t in texts) + "\n"
                    compare(run(a.semvec, flags + ["--jsonl"] + list(extra), body), np.concatenate(wants), text_stats)
            max_abs, min_cos = BARS[dtype]
            for label, s in (("ids", stats), ("texts", text_stats)):
                if not s["cos"]:
                    continue
                cmin, cmed = min(s["cos"]), float(np.median(s["cos"]))
                good = cmin >= min_cos and (max_abs is None or s["abs"] <= max_abs)
                ok &= good
                print("semvec embed %-6s %-20s %-5s max|d| %.2e  cosine min %.7f median %.7f  (%d vectors)%s"
                      % (label, fx, dtype, s["abs"], cmin, cmed, len(s["cos"]), "" if good else "  MISS"))
    return 0 if ok else 1


_POOLING = {}


def _pooling_of(path):
    """The semvec.pooling metadata of a model file (read without the C++ side)."""
    if path in _POOLING:
        return _POOLING[path]
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
    from semvec_convert import safetensors_io as st
    _, meta = st.read(path)
    _POOLING[path] = meta["semvec.pooling"]
    return _POOLING[path]


if __name__ == "__main__":
    sys.exit(main())
