#!/usr/bin/env python3
"""Prints the peer ratio table from JSON lines (one object per engine × case, as written by
torch_encoder.py, ort_bench.js and any semvec runner that prints the same keys).

  table.py results.jsonl [--base ENGINE]

Columns: each engine's figure (sent/s for batch-32 throughput, ms for batch-1 latency), then every
engine's speed relative to --base (default: the first engine seen; > 1 means faster than the base).
Figures use the fastest repetition (best_ms): on a shared 2-vCPU machine the minimum is the figure least
disturbed by other processes; the JSON lines keep the mean (ms) too.
"""
import json
import sys


def t(r):
    return r.get("best_ms", r["ms"])


def main():
    args = sys.argv[1:]
    base = None
    if "--base" in args:
        i = args.index("--base")
        base = args[i + 1]
        del args[i:i + 2]
    rows = [json.loads(l) for f in args for l in open(f) if l.strip().startswith("{")]
    engines, cases = [], []
    by = {}
    for r in rows:
        key = (r.get("shape", "minilm"), r.get("threads", 1), r["case"])
        if r["engine"] not in engines:
            engines.append(r["engine"])
        if key not in cases:
            cases.append(key)
        by[(r["engine"], key)] = r
    if not rows:
        sys.exit("no results")
    base = base or engines[0]
    head = ["shape", "thr", "case"] + engines + [f"{e}/{base}" for e in engines if e != base]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for key in cases:
        cells = [key[0], str(key[1]), key[2]]
        thr = key[2].startswith("b32")
        for e in engines:
            r = by.get((e, key))
            cells.append("—" if r is None else (f"{r['batch'] * 1e3 / t(r):.1f} sent/s" if thr else f"{t(r):.2f} ms"))
        b = by.get((base, key))
        for e in engines:
            if e == base:
                continue
            r = by.get((e, key))
            cells.append("—" if r is None or b is None else f"{t(b) / t(r):.2f}×")
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
