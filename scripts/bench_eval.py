#!/usr/bin/python3
"""`semvec eval` of the bundled GloVe model (or --model) on real data: STS-B test (STS, Spearman of cosine)
and AG News (classification by 5-fold logistic regression, clustering V-measure with k = 4), and the same
scores recomputed by scipy / scikit-learn from the saved vectors in the same run.

  /usr/bin/python3 scripts/bench_eval.py [--build build] [--model FILE]

Reads ../shared/data/datasets/stsbenchmark/sts-test.csv and ag_news/test.csv (never copied into the repository).
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_cluster import MODEL, ROOT, SHARED, ag_news_texts, header  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--model", default=MODEL)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench_eval"))
    a = ap.parse_args()
    from scipy.stats import spearmanr
    from sklearn.metrics import accuracy_score, v_measure_score
    exe = os.path.join(a.build, "bin", "semvec")
    os.makedirs(a.out, exist_ok=True)
    header(exe, str(a.threads))
    texts, labels = ag_news_texts()
    ag = os.path.join(a.out, "agnews.tsv")
    with open(ag, "w", encoding="utf-8") as f:
        for t, l in zip(texts, labels):
            f.write(f"{l}\t{t}\n")
    sts = os.path.join(SHARED, "datasets", "stsbenchmark", "sts-test.csv")
    report = os.path.join(a.out, "report.json")
    subprocess.run([exe, "eval", "--model", a.model, "--sts", sts, "--classification", ag, "--clustering", ag,
                    "--json", report, "--save-vectors", a.out, "--threads", str(a.threads)], check=True)
    got = json.load(open(report))["tasks"]
    L = lambda n: np.load(os.path.join(a.out, n + ".npy"))
    gold = [float(l.split("\t")[4]) for l in open(sts, encoding="utf-8").read().splitlines()]
    A, B = L("sts_a").astype(np.float64), L("sts_b").astype(np.float64)
    cos = (A * B).sum(1) / (np.linalg.norm(A, axis=1) * np.linalg.norm(B, axis=1))
    y, f, p = L("classification_labels"), L("classification_folds"), L("classification_predictions")
    ref = {("sts", "cosine_spearman"): spearmanr(cos, gold).correlation,
           ("classification", "accuracy"): np.mean([accuracy_score(y[f == i], p[f == i]) for i in range(5)]),
           ("clustering", "v_measure"): v_measure_score(L("clustering_labels"), L("clustering_predictions"))}
    print(f"## semvec eval: {os.path.basename(a.model)}\n")
    print("| task | data | metric | semvec | scipy / sklearn on the same vectors | difference |")
    print("|---|---|---|---|---|---|")
    data = {"sts": "STS-B test (1379 pairs)", "classification": "AG News (7600, 5-fold)", "clustering": "AG News (7600, k = 4)"}
    for (task, metric), want in ref.items():
        have = got[task][metric]
        print(f"| {task} | {data[task]} | {metric} | {have:.6f} | {want:.6f} | {abs(have - want):.1e} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
