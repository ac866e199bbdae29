#!/usr/bin/python3
"""Classification side by side: semvec classify vs scikit-learn on the same vectors and the same folds.

  /usr/bin/python3 scripts/bench_classify.py [--build build] [--folds 5] [--threads 2] [--data agnews,digits]

AG News (../shared/data/datasets/ag_news/test.csv, 7600 texts, 4 classes; title + description) is embedded
with the bundled GloVe model by `semvec embed`; the vectors are cached in --cache and never committed.
semvec writes its stratified folds (--save-folds); scikit-learn's StratifiedKFold(n_splits) gives the same
folds (checked below) and the peers run on exactly those:
  - LogisticRegression(C=1, max_iter=1000) (multinomial, L2, lbfgs) vs `semvec classify --method logreg --C 1`
  - KNeighborsClassifier(n_neighbors=5, weights="distance", metric="cosine", algorithm="brute") vs
    `semvec classify --method knn --neighbors 5 --metric cosine`
Bar: mean accuracy within 0.5 points of scikit-learn's for both. Times are whole cross-validation runs
(semvec: the library calls, timed inside the CLI; sklearn: in-process, threads via OMP_NUM_THREADS).
"""
import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench_cluster import ROOT, dataset, header  # noqa: E402


def semvec_cv(exe, X_path, y_path, folds, method_args, threads, folds_out):
    r = subprocess.run([exe, "classify", "--train", X_path, "--labels", y_path, "--cv", str(folds), "--threads",
                        str(threads), "--save-folds", folds_out] + method_args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    m = re.search(r"^mean +([0-9.]+) +([0-9.]+)", r.stdout, re.M)
    t = float(re.search(r"in ([0-9.]+) s", r.stderr).group(1))
    return float(m.group(1)), float(m.group(2)), t


def sklearn_cv(make, X, y, folds):
    from sklearn.metrics import accuracy_score, f1_score
    accs, f1s = [], []
    t0 = time.perf_counter()
    for f in range(folds.max() + 1):
        tr, te = folds != f, folds == f
        clf = make().fit(X[tr], y[tr])
        p = clf.predict(X[te])
        accs.append(accuracy_score(y[te], p))
        f1s.append(f1_score(y[te], p, average="macro"))
    return float(np.mean(accs)), float(np.mean(f1s)), time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default="agnews,digits")
    ap.add_argument("--cache", default=os.path.join(ROOT, "build", "bench_cluster_cache"))
    a = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(a.threads)
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.neighbors import KNeighborsClassifier
    exe = os.path.join(a.build, "bin", "semvec")
    os.makedirs(a.cache, exist_ok=True)
    header(exe, str(a.threads))
    print(f"## Classification: {a.folds}-fold stratified cross-validation, same vectors and folds\n")
    print("| data | N x D | classifier | semvec accuracy | sklearn accuracy | difference (points) | semvec macro-F1 | "
          "sklearn macro-F1 | semvec s | sklearn s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    ok = True
    for name in a.data.split(","):
        X, y = dataset(name, exe, a.cache)
        X = np.ascontiguousarray(X, dtype=np.float32)
        y = np.asarray(y, dtype=np.int32)
        xp, yp, fp = (os.path.join(a.cache, f"{name}_{s}.npy") for s in ("X", "y", "folds"))
        np.save(xp, X)
        np.save(yp, y)
        sk_folds = np.empty(len(y), dtype=np.int32)
        for i, (_, te) in enumerate(StratifiedKFold(a.folds).split(X, y)):
            sk_folds[te] = i
        cases = [
            ("logistic regression (C=1)", ["--method", "logreg", "--C", "1"],
             lambda: LogisticRegression(C=1.0, max_iter=1000)),
            ("kNN (k=5, cosine, 1/d)", ["--method", "knn", "--neighbors", "5", "--metric", "cosine"],
             lambda: KNeighborsClassifier(n_neighbors=5, weights="distance", metric="cosine", algorithm="brute")),
        ]
        for label, args, make in cases:
            acc, f1, t = semvec_cv(exe, xp, yp, a.folds, args, a.threads, fp)
            folds = np.load(fp)
            if not np.array_equal(folds, sk_folds):
                print(f"WARNING: semvec's folds differ from StratifiedKFold's on {name}")
                ok = False
            sacc, sf1, st = sklearn_cv(make, X, y, folds)
            diff = 100 * (acc - sacc)
            ok &= abs(diff) <= 0.5
            print(f"| {name} | {X.shape[0]}x{X.shape[1]} | {label} | {acc:.4f} | {sacc:.4f} | {diff:+.2f} | {f1:.4f} | "
                  f"{sf1:.4f} | {t:.2f} | {st:.2f} |", flush=True)
    print(f"\nbar (accuracy within 0.5 points of sklearn, same folds): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
