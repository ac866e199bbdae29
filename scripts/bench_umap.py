#!/usr/bin/python3
"""UMAP side by side: semvec vs R uwot vs umap-learn, same data, same thread count, same run.

Prints time (fit only, start-up and JIT warm-up excluded for the peers), trustworthiness@10 (sklearn) and
10-NN label accuracy in the map. Needs the `umap_bench` driver (tests/umap/umap_bench.cpp):
    cmake --build build --target umap_bench
    /usr/bin/python3 scripts/bench_umap.py --build build [--threads 2] [--data digits,mnist10k_pca50,fashion70k_pca50]
        [--peers uwot,umap-learn] [--parallel-sgd]
Peers: Debian `r-cran-uwot` and `umap-learn` (skipped if missing). Data: ../shared/data/reducers/.
"""
import argparse, json, os, subprocess, sys, tempfile, time
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared", "data", "reducers")


def trust_and_acc(X, Y, y, k=10, sample=None):
    from sklearn.manifold import trustworthiness
    from sklearn.neighbors import NearestNeighbors
    idx = np.arange(len(X))
    if sample and len(X) > sample:  # trustworthiness is O(N^2): score a fixed random subset at large N
        idx = np.random.RandomState(0).choice(len(X), sample, replace=False)
    t = trustworthiness(X[idx], Y[idx], n_neighbors=k)
    nn = NearestNeighbors(n_neighbors=k + 1).fit(Y)
    _, ind = nn.kneighbors(Y)
    votes = y[ind[:, 1:]]
    pred = np.array([np.bincount(v, minlength=y.max() + 1).argmax() for v in votes])
    return t, float((pred == y).mean())


def run_semvec(build, xpath, out, threads, epochs, parallel_sgd=False):
    exe = os.path.join(build, "tests", "umap", "umap_bench")
    env = dict(os.environ, UMAP_BENCH_PARALLEL_SGD="1" if parallel_sgd else "0")
    r = subprocess.run([exe, xpath, out, str(threads), str(epochs)], capture_output=True, text=True, check=True,
                       env=env)
    info = json.loads(r.stdout.strip().splitlines()[-1])
    return info["total"], np.load(out), info


R_SCRIPT = r"""
suppressMessages(library(uwot))
args <- commandArgs(TRUE)
n <- as.integer(args[2]); d <- as.integer(args[3]); threads <- as.integer(args[5])
X <- matrix(readBin(args[1], "numeric", n * d, size = 4), nrow = n, byrow = TRUE)
set.seed(42)
t <- system.time(Y <- umap(X, n_neighbors = 15, min_dist = 0.1, n_threads = threads))[["elapsed"]]
writeBin(as.vector(t(Y)), args[4], size = 4)
cat(t, "\n")
"""


def run_uwot(X, threads, tmp):
    src = os.path.join(tmp, "x.bin"); dst = os.path.join(tmp, "y.bin"); rs = os.path.join(tmp, "u.R")
    X.astype("<f4").tofile(src)
    open(rs, "w").write(R_SCRIPT)
    r = subprocess.run(["Rscript", rs, src, str(len(X)), str(X.shape[1]), dst, str(threads)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-500:])
    return float(r.stdout.split()[-1]), np.fromfile(dst, dtype="<f4").reshape(len(X), 2)


def run_umap_learn(X, threads):
    import umap, numba
    numba.set_num_threads(threads)
    umap.UMAP(n_neighbors=15, min_dist=0.1, n_jobs=threads).fit(X[:300])  # JIT warm-up, not timed
    t0 = time.perf_counter()
    Y = umap.UMAP(n_neighbors=15, min_dist=0.1, n_jobs=threads).fit_transform(X)
    return time.perf_counter() - t0, Y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=0)
    ap.add_argument("--data", default="digits,mnist10k_pca50")
    ap.add_argument("--peers", default="uwot,umap-learn")
    ap.add_argument("--trust-sample", type=int, default=10000)
    ap.add_argument("--parallel-sgd", action="store_true", help="also run semvec with UmapOptions::parallel_sgd")
    a = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))
    peers = [p for p in a.peers.split(",") if p]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in a.data.split(","):
            X = np.load(os.path.join(SHARED, name + "_X.npy")).astype(np.float32)
            y = np.load(os.path.join(SHARED, name.replace("_pca50", "") + "_y.npy")).astype(np.int64)
            results = {}
            t, Y, info = run_semvec(a.build, os.path.join(SHARED, name + "_X.npy"), os.path.join(tmp, "s.npy"),
                                    a.threads, a.epochs)
            results["semvec"] = (t, Y, "knn %.2f graph %.2f init %.2f sgd %.2f (%s)" %
                                 (info["knn"], info["graph"], info["init"], info["sgd"], info["init_used"]))
            if a.parallel_sgd:
                t, Y, info = run_semvec(a.build, os.path.join(SHARED, name + "_X.npy"), os.path.join(tmp, "p.npy"),
                                        a.threads, a.epochs, parallel_sgd=True)
                results["semvec-par"] = (t, Y, "parallel_sgd; knn %.2f graph %.2f init %.2f sgd %.2f" %
                                         (info["knn"], info["graph"], info["init"], info["sgd"]))
            if "uwot" in peers:
                try:
                    t, Y = run_uwot(X, a.threads, tmp); results["uwot"] = (t, Y, "")
                except Exception as e:  # noqa: BLE001
                    print("uwot failed:", e, file=sys.stderr)
            if "umap-learn" in peers:
                try:
                    t, Y = run_umap_learn(X, a.threads); results["umap-learn"] = (t, Y, "")
                except Exception as e:  # noqa: BLE001
                    print("umap-learn failed:", e, file=sys.stderr)
            for impl, (t, Y, note) in results.items():
                tr, acc = trust_and_acc(X, Y, y, sample=a.trust_sample)
                rows.append((name, len(X), impl, t, tr, acc, note))
                print("%-16s %6d %-11s %8.2f s  T@10 %.4f  10-NN acc %.4f  %s" % rows[-1], flush=True)
    print("\n| data | N | impl | time (s) | vs semvec | trustworthiness@10 | 10-NN label acc | notes |")
    print("|---|---|---|---|---|---|---|---|")
    base = {r[0]: r[3] for r in rows if r[2] == "semvec"}
    for r in rows:
        print("| %s | %d | %s | %.2f | %.2f× | %.4f | %.4f | %s |" % (r[0], r[1], r[2], r[3], r[3] / base[r[0]], r[4], r[5], r[6]))


if __name__ == "__main__":
    main()
