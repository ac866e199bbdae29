#!/usr/bin/python3
"""Clustering side by side: semvec vs scikit-learn KMeans and vs R dbscan::hdbscan, same input, same run.

  /usr/bin/python3 scripts/bench_cluster.py [--build build] [--threads 1,2] [--repeat 3] [--parts kmeans,hdbscan]
      [--kmeans-data digits,mnist10k,fashion70k,minilm] [--hdbscan-data digits,mnist10k,agnews]

k-means (bar: inertia within 0.5 % of sklearn's KMeans(n_init=10), at >= 3x its speed): both run 10 restarts of
k-means++ + Lloyd on the same float32 matrix with k = the number of classes; time is the fit alone (sklearn:
in-process, after a warm-up fit; semvec: the library call timed inside `semvec cluster`), best of --repeat.
sklearn's threads are set with OMP_NUM_THREADS, semvec's with --threads. The CPU-time columns (all threads,
best of --repeat) are for busy machines, where wall times of runs this short mostly measure the scheduler.

HDBSCAN (bar: labels with ARI >= 0.99 against R's dbscan::hdbscan, at >= 2x its speed): ONE UMAP layout per
dataset (semvec umap, 2-D, seed 42; cached in --cache) is given to both clusterers, so the ARI compares
clusterers, not UMAP runs. R's hdbscan(x, minPts = m) uses m for both min_cluster_size and min_samples, so
semvec runs with --min-cluster-size m --min-samples m --stability r (R's stability: a point of a small fragment
stays in its cluster until it is alone; the default, the Python hdbscan library's, drops the whole fragment at
once; the table also shows the ARI of the default). R's time is the hdbscan() call alone (system.time).

Data: ../shared/data/reducers/ (digits, mnist10k PCA-50, fashion70k PCA-50), the 778 MiniLM embeddings of
../shared/data/datasets/sap-fiori-docs-minilm-embeddings, and AG News (../shared/data/datasets/ag_news, 7600
texts, embedded with the bundled GloVe model; never copied into the repository).
Peers: Debian python3-sklearn, r-cran-dbscan.
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, ".."))
SHARED = os.path.join(ROOT, "..", "shared", "data")
MODEL = os.path.join(ROOT, "models", "glove-6B-100d-top20k-f16.safetensors")


def header(exe, threads):
    cpu = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    simd = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"# CPU: {cpu}\n# {simd}\n# load: {load}\n# threads: {threads}\n")


def ag_news_texts():
    import csv
    path = os.path.join(SHARED, "datasets", "ag_news", "test.csv")
    texts, labels = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            texts.append((row["title"] + " " + row["description"]).replace("\\", " ").replace("\n", " "))
            labels.append(int(row["label"]) - 1)
    return texts, np.array(labels, dtype=np.int32)


def ag_news_vectors(exe, cache):
    """AG News embedded with the bundled GloVe model (cached)."""
    path = os.path.join(cache, "agnews_glove_X.npy")
    texts, labels = ag_news_texts()
    if not os.path.exists(path):
        corpus = os.path.join(cache, "agnews.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(texts) + "\n")
        with open(corpus, "rb") as f:
            subprocess.run([exe, "embed", "--model", MODEL, "--out", path], stdin=f, check=True,
                           capture_output=True)
    return np.load(path), labels


def dataset(name, exe, cache):
    red = os.path.join(SHARED, "reducers")
    if name == "digits":
        return np.load(os.path.join(red, "digits_X.npy")), np.load(os.path.join(red, "digits_y.npy"))
    if name == "mnist10k":
        return np.load(os.path.join(red, "mnist10k_pca50_X.npy")), np.load(os.path.join(red, "mnist10k_y.npy"))
    if name == "fashion70k":
        return np.load(os.path.join(red, "fashion70k_pca50_X.npy")), np.load(os.path.join(red, "fashion70k_y.npy"))
    if name == "minilm":
        d = os.path.join(SHARED, "datasets", "sap-fiori-docs-minilm-embeddings")
        X = np.fromfile(os.path.join(d, "embeddings.bin"), dtype="<f4").reshape(-1, 384)
        cats = [json.loads(l).get("category", "") for l in gzip.open(os.path.join(d, "records.jsonl.gz"), "rt")]
        ids = {c: i for i, c in enumerate(sorted(set(cats)))}
        return X, np.array([ids[c] for c in cats], dtype=np.int32)
    if name == "agnews":
        return ag_news_vectors(exe, cache)
    raise SystemExit(f"unknown dataset {name}")


def run_semvec_cluster(exe, args, repeat, cpu=None):
    """Best wall time of `repeat` runs (and the stdout of that run); the best CPU time goes to cpu[0]."""
    best, out = None, None
    for _ in range(repeat):
        r = subprocess.run([exe, "cluster"] + args, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        t = float(re.search(r"in ([0-9.]+) s", r.stderr).group(1))
        c = re.search(r"CPU ([0-9.]+) s", r.stderr)
        if cpu is not None and c:
            cpu[0] = min(cpu[0], float(c.group(1)))
        if best is None or t < best:
            best, out = t, r.stdout
    return best, out


SKLEARN_KMEANS = r"""
import sys, time, numpy as np
from sklearn.cluster import KMeans
X = np.load(sys.argv[1]); k = int(sys.argv[2]); repeat = int(sys.argv[3])
KMeans(k, n_init=10, random_state=0).fit(X[: min(len(X), 500)])  # warm-up (imports, thread pool)
best, cpu = None, None
for r in range(repeat):
    t, c = time.perf_counter(), time.process_time()
    km = KMeans(k, n_init=10, random_state=r).fit(X)
    t, c = time.perf_counter() - t, time.process_time() - c
    if best is None or t < best[0]: best = (t, float(km.inertia_))
    cpu = c if cpu is None else min(cpu, c)
print(best[0], best[1], cpu)
"""


def bench_kmeans(exe, names, threads_list, repeat, cache):
    print("## k-means: semvec kmeans vs sklearn KMeans(n_init=10), same float32 input, k = number of classes\n")
    print("| data | N x D | k | threads | semvec inertia | sklearn inertia | semvec / sklearn | semvec s | sklearn s | speed-up "
          "| semvec CPU s | sklearn CPU s | CPU-time ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    rows = []
    for name in names:
        X, y = dataset(name, exe, cache)
        X = np.ascontiguousarray(X, dtype=np.float32)
        k = len(np.unique(y))
        xpath = os.path.join(cache, f"{name}_X.npy")
        np.save(xpath, X)
        for th in threads_list:
            cpu_sv = [float("inf")]
            t_sv, out = run_semvec_cluster(exe, ["--method", "kmeans", "--k", str(k), "--threads", str(th), xpath,
                                                 os.path.join(cache, "labels.npy")], repeat, cpu_sv)
            inertia_sv = float(re.search(r"inertia ([0-9.e+]+)", out).group(1))
            env = dict(os.environ, OMP_NUM_THREADS=str(th), OPENBLAS_NUM_THREADS="1")
            r = subprocess.run([sys.executable, "-c", SKLEARN_KMEANS, xpath, str(k), str(repeat)], capture_output=True,
                               text=True, env=env, check=True)
            t_sk, inertia_sk, cpu_sk = map(float, r.stdout.split())
            ratio = inertia_sv / inertia_sk
            print(f"| {name} | {X.shape[0]}x{X.shape[1]} | {k} | {th} | {inertia_sv:.6g} | {inertia_sk:.6g} | "
                  f"{ratio:.4f} | {t_sv:.3f} | {t_sk:.3f} | {t_sk / t_sv:.1f}x | {cpu_sv[0]:.3f} | {cpu_sk:.3f} | "
                  f"{cpu_sk / cpu_sv[0]:.1f}x |", flush=True)
            rows.append((ratio, t_sk / t_sv))
    ok = all(r <= 1.005 for r, _ in rows) and all(s >= 3 for _, s in rows)
    print(f"\nbar (inertia <= 1.005 x sklearn, >= 3x faster): {'met' if ok else 'NOT met'}\n")
    return ok


R_HDBSCAN = r"""
suppressMessages(library(dbscan))
a <- commandArgs(TRUE)
n <- as.integer(a[2]); d <- as.integer(a[3]); m <- as.integer(a[5]); repeat_ <- as.integer(a[6])
X <- matrix(readBin(a[1], "numeric", n * d, size = 4), nrow = n, byrow = TRUE)
best <- Inf
for (r in seq_len(repeat_)) {
  t <- system.time(h <- hdbscan(X, minPts = m))[["elapsed"]]
  if (t < best) { best <- t; cl <- h$cluster }
}
writeBin(as.integer(cl), a[4], size = 4)
cat(best, "\n")
"""


def umap_layout(exe, name, X, cache, dims, metric):
    path = os.path.join(cache, f"{name}_umap{dims}d.npy")
    if not os.path.exists(path):
        src = os.path.join(cache, f"{name}_X.npy")
        np.save(src, np.ascontiguousarray(X, dtype=np.float32))
        subprocess.run([exe, "reduce", "--method", "umap", "--dims", str(dims), "--metric", metric, "--seed", "42",
                        src, path], check=True, capture_output=True)
    return np.load(path)


def bench_hdbscan(exe, names, threads_list, repeat, cache, min_pts, dims):
    from sklearn.metrics import adjusted_rand_score
    print(f"## HDBSCAN: semvec hdbscan vs R dbscan::hdbscan(minPts = {min_pts}) on the same {dims}-D UMAP layout\n")
    print("| data | N | threads | semvec clusters (noise) | R clusters (noise) | ARI | ARI, default stability | semvec s | "
          "R s | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    results = []
    for name in names:
        X, y = dataset(name, exe, cache)
        Y = umap_layout(exe, name, X, cache, dims, "cosine" if name in ("agnews", "minilm") else "euclidean")
        ypath = os.path.join(cache, f"{name}_layout.npy")
        np.save(ypath, np.ascontiguousarray(Y, dtype=np.float32))
        with tempfile.TemporaryDirectory() as tmp:
            src, dst, rs = (os.path.join(tmp, f) for f in ("x.bin", "cl.bin", "h.R"))
            Y.astype("<f4").tofile(src)
            open(rs, "w").write(R_HDBSCAN)
            r = subprocess.run(["Rscript", rs, src, str(len(Y)), str(Y.shape[1]), dst, str(min_pts), str(repeat)],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(r.stderr[-800:])
            t_r = float(r.stdout.split()[0])
            lab_r = np.fromfile(dst, dtype="<i4") - 1  # R: 0 = noise, clusters from 1
        for th in threads_list:
            out = os.path.join(cache, "hdb_labels.npy")
            base = ["--method", "hdbscan", "--min-cluster-size", str(min_pts), "--min-samples", str(min_pts),
                    "--threads", str(th), ypath, out]
            t_sv, _ = run_semvec_cluster(exe, base + ["--stability", "r"], repeat)
            lab_sv = np.load(out)
            ari = adjusted_rand_score(lab_r, lab_sv)
            run_semvec_cluster(exe, base, 1)  # default stability (the hdbscan library's), for information
            ari_default = adjusted_rand_score(lab_r, np.load(out))
            ncl = lambda l: f"{len(set(l.tolist()) - {-1})} ({int((l == -1).sum())})"
            print(f"| {name} | {len(Y)} | {th} | {ncl(lab_sv)} | {ncl(lab_r)} | {ari:.4f} | {ari_default:.4f} | "
                  f"{t_sv:.3f} | {t_r:.3f} | {t_r / t_sv:.1f}x |", flush=True)
            results.append((ari, t_r / t_sv))
    ok = all(a >= 0.99 for a, _ in results) and all(s >= 2 for _, s in results)
    print(f"\nbar (ARI >= 0.99 vs R, >= 2x faster): {'met' if ok else 'NOT met'}\n")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--parts", default="kmeans,hdbscan")
    ap.add_argument("--kmeans-data", default="digits,mnist10k,fashion70k,minilm")
    ap.add_argument("--hdbscan-data", default="digits,mnist10k,agnews")
    ap.add_argument("--min-pts", type=int, default=15)
    ap.add_argument("--dims", type=int, default=2)
    ap.add_argument("--cache", default=os.path.join(ROOT, "build", "bench_cluster_cache"))
    a = ap.parse_args()
    exe = os.path.join(a.build, "bin", "semvec")
    os.makedirs(a.cache, exist_ok=True)
    threads = [int(t) for t in a.threads.split(",")]
    header(exe, a.threads)
    ok = True
    if "kmeans" in a.parts:
        ok &= bench_kmeans(exe, a.kmeans_data.split(","), threads, a.repeat, a.cache)
    if "hdbscan" in a.parts:
        ok &= bench_hdbscan(exe, a.hdbscan_data.split(","), threads, a.repeat, a.cache, a.min_pts, a.dims)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
