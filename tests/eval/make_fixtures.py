#!/usr/bin/python3
"""Writes the small task files of tests/data/eval/ from the bundled corpus (examples/data/topics.txt, 320 texts
in 8 topics). Deterministic: rerun it and the files do not change. The gold scores are made up from the topic
labels (same topic: similar); they exist to check that `semvec eval` computes the scores as scipy and
scikit-learn do, not to rate a model."""
import json
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
texts = open(os.path.join(ROOT, "examples", "data", "topics.txt"), encoding="utf-8").read().splitlines()
labels = open(os.path.join(ROOT, "examples", "data", "topics.labels.txt"), encoding="utf-8").read().splitlines()
out = os.path.join(ROOT, "tests", "data", "eval")
os.makedirs(os.path.join(out, "beir", "qrels"), exist_ok=True)
n = len(texts)

with open(os.path.join(out, "sts.tsv"), "w") as sts, open(os.path.join(out, "pairs.tsv"), "w") as pairs:
    for i in range(80):
        a, b = (7 * i) % n, (7 * i + 1 + (i % 5) * 37) % n
        same = labels[a] == labels[b]
        score = (3.0 + (i % 4) * 0.5) if same else (0.2 * (i % 6))
        sts.write(f"{score:.1f}\t{texts[a]}\t{texts[b]}\n")
        pairs.write(f"{int(same)}\t{texts[a]}\t{texts[b]}\n")

with open(os.path.join(out, "labelled.tsv"), "w") as f:
    for t, l in zip(texts, labels):
        f.write(f"{l}\t{t}\n")

docs = list(range(0, 240))
queries = list(range(240, 320, 5))
with open(os.path.join(out, "beir", "corpus.jsonl"), "w") as f:
    for d in docs:
        f.write(json.dumps({"_id": f"d{d}", "title": "", "text": texts[d]}) + "\n")
with open(os.path.join(out, "beir", "queries.jsonl"), "w") as f:
    for q in queries:
        f.write(json.dumps({"_id": f"q{q}", "text": texts[q]}) + "\n")
with open(os.path.join(out, "beir", "qrels", "test.tsv"), "w") as f:
    f.write("query-id\tcorpus-id\tscore\n")
    for q in queries:
        rel = [d for d in docs if labels[d] == labels[q]]
        for j, d in enumerate(rel):
            f.write(f"q{q}\td{d}\t{2 if j % 3 == 0 else 1}\n")

with open(os.path.join(out, "reranking.jsonl"), "w") as f:
    for q in queries:
        pos = [texts[d] for d in docs if labels[d] == labels[q]][:5]
        neg = [texts[d] for d in docs if labels[d] != labels[q]][q % 7::17][:10]
        f.write(json.dumps({"query": texts[q], "positive": pos, "negative": neg}) + "\n")
print("wrote", out)
