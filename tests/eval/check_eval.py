#!/usr/bin/python3
"""`semvec eval` computes every score as scipy / scikit-learn do, on the same vectors (to 1e-6).

  check_eval.py SEMVEC MODEL DATA_DIR OUT_DIR

Runs `semvec eval` on the tasks of tests/data/eval (made by make_fixtures.py) with --save-vectors, then
recomputes each score from the saved vectors and predictions with scipy.stats and sklearn.metrics. The
peers come from scripts/setup.sh; without them this test fails.
"""
import json
import os
import subprocess
import sys

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import accuracy_score, average_precision_score, f1_score, ndcg_score, v_measure_score


def cos_rows(a, b):
    a, b = a.astype(np.float64), b.astype(np.float64)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def main():
    exe, model, data, out = sys.argv[1:5]
    os.makedirs(out, exist_ok=True)
    report = os.path.join(out, "report.json")
    subprocess.run([exe, "eval", "--model", model, "--sts", f"{data}/eval/sts.tsv", "--pairs", f"{data}/eval/pairs.tsv",
                    "--classification", f"{data}/eval/labelled.tsv", "--clustering", f"{data}/eval/labelled.tsv",
                    "--retrieval", f"{data}/eval/beir", "--reranking", f"{data}/eval/reranking.jsonl", "--json", report,
                    "--save-vectors", out, "--threads", "2"], check=True)
    got = json.load(open(report))["tasks"]
    L = lambda name: np.load(os.path.join(out, name + ".npy"))
    ref = {}
    gold = [float(l.split("\t")[0]) for l in open(f"{data}/eval/sts.tsv", encoding="utf-8").read().splitlines()]
    ref[("sts", "cosine_spearman")] = spearmanr(cos_rows(L("sts_a"), L("sts_b")), gold).correlation
    lab = [int(l.split("\t")[0]) for l in open(f"{data}/eval/pairs.tsv", encoding="utf-8").read().splitlines()]
    ref[("pairs", "cosine_ap")] = average_precision_score(lab, cos_rows(L("pairs_a"), L("pairs_b")))
    y, folds, pred = L("classification_labels"), L("classification_folds"), L("classification_predictions")
    ref[("classification", "accuracy")] = np.mean([accuracy_score(y[folds == f], pred[folds == f]) for f in range(5)])
    ref[("classification", "f1_macro")] = np.mean([f1_score(y[folds == f], pred[folds == f], average="macro") for f in range(5)])
    ref[("clustering", "v_measure")] = v_measure_score(L("clustering_labels"), L("clustering_predictions"))
    # Retrieval: full score vectors to sklearn's nDCG (gains = grades, log2 discount), MRR and recall by hand.
    D, Q = L("retrieval_corpus").astype(np.float64), L("retrieval_queries").astype(np.float64)
    S = (Q / np.linalg.norm(Q, axis=1, keepdims=True)) @ (D / np.linalg.norm(D, axis=1, keepdims=True)).T
    qids = [json.loads(l)["_id"] for l in open(f"{data}/eval/beir/queries.jsonl")]
    dids = {json.loads(l)["_id"]: i for i, l in enumerate(open(f"{data}/eval/beir/corpus.jsonl"))}
    rel = np.zeros_like(S)
    for line in open(f"{data}/eval/beir/qrels/test.tsv").read().splitlines()[1:]:
        q, d, s = line.split("\t")
        rel[qids.index(q), dids[d]] = float(s)
    ref[("retrieval", "ndcg_at_10")] = ndcg_score(rel, S, k=10)
    order = np.argsort(-S, axis=1, kind="stable")
    mrr, recall = [], []
    for q in range(len(qids)):
        hits = rel[q, order[q]] > 0
        first = np.flatnonzero(hits[:10])
        mrr.append(1 / (first[0] + 1) if len(first) else 0)
        recall.append(hits[:100].sum() / (rel[q] > 0).sum())
    ref[("retrieval", "mrr_at_10")] = np.mean(mrr)
    ref[("retrieval", "recall_at_100")] = np.mean(recall)
    items = json.load(open(os.path.join(out, "reranking_scores.json")))
    ref[("reranking", "map")] = np.mean([average_precision_score(i["relevant"], i["cosine"]) for i in items])
    ok = True
    for (task, metric), want in ref.items():
        have = got[task][metric]
        good = abs(have - want) <= 1e-6
        ok &= good
        print(f"{task:15s} {metric:16s} semvec {have:.9f}  reference {want:.9f}  {'ok' if good else 'DIFFERS'}")
    print("passed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
