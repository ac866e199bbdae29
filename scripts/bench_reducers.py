#!/usr/bin/python3
"""Reducers side by side: semvec (SNE, t-SNE, UMAP via `semvec reduce`) against the peers, same data, same
thread count, same run.

    cmake --build build --target semvec_cli
    /usr/bin/python3 scripts/bench_reducers.py --build build [--threads 2] [--data digits,minilm778,...]
        [--methods semvec-tsne,rtsne,sklearn-tsne,semvec-sne,semvec-umap,uwot,umap-learn] [--scaling]

    # issue 19: semvec's FFT-interpolated t-SNE gradient against its own Barnes-Hut, in the same run
    /usr/bin/python3 scripts/bench_reducers.py --data fashion70k --methods semvec-tsne-fft,semvec-tsne-bh

Peers (Debian packages, skipped when missing): r-cran-rtsne (Rtsne, Barnes-Hut bhtsne), python3-sklearn
(TSNE, Barnes-Hut), r-cran-uwot, umap-learn. Data: ../shared/data/reducers/ (digits, mnist10k_pca50,
fashion70k_pca50), the 778 MiniLM sentence embeddings (../shared/data/datasets/sap-fiori-docs-minilm-
embeddings, cosine metric for every method), and seeded blobs/Swiss rolls from scripts/make_synthetic.py.

Methods: semvec-tsne runs `semvec reduce --method tsne` with its automatic gradient; semvec-tsne-bh and
semvec-tsne-fft force `--tsne-gradient bh` / `fft` (Barnes-Hut, FFT-interpolated), and when both ran on a data
set a summary row gives FFT's speed-up over Barnes-Hut and the difference in T@10.

Columns:
- time: seconds of the embedding call. semvec: the whole `semvec reduce` process (reading the .npy, kNN,
  optimisation, writing). Rtsne/uwot: R's system.time() around the call (R start-up and data loading
  excluded). sklearn/umap-learn: the fit_transform call; umap-learn first fits a 300-point warm-up in the
  same process so numba compilation is excluded.
- CPU s: user + system CPU seconds of the whole child process (GNU time; for the R and Python peers this
  includes interpreter start-up and data loading). On a loaded machine wall time mostly measures waiting;
  CPU time is the steadier measure of the work done, so the FFT-vs-Barnes-Hut row gives both ratios.
- RSS: peak resident memory of the child process (os.wait4), MB. Includes the R/Python interpreter.
- T@10: trustworthiness at 10 (sklearn.manifold.trustworthiness); P@10: mean fraction of the 10 input
  neighbours kept in the layout; acc@10: 10-NN majority-label accuracy in the layout. Above 10 000 points,
  T@10 and P@10 are computed on a fixed random subset of 10 000 points (seed 0): both are O(N²).
Children run with OMP_WAIT_POLICY=PASSIVE (fairer to the OpenMP peers on a loaded machine).
Settings: t-SNE perplexity 30, 1000 iterations, theta 0.5, PCA init where the tool has it (Rtsne: pca=FALSE so
every tool sees the same input; its own random init); UMAP 15 neighbours, min_dist 0.1, default epochs.
SNE runs only up to --sne-max-n points (O(N²)). Peers run only up to --peer-max-n points unless listed in
--peers-large.
"""
import argparse, gzip, json, os, subprocess, sys, tempfile, time
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.join(ROOT, "..", "shared", "data")
ALL_METHODS = ["semvec-tsne", "rtsne", "sklearn-tsne", "semvec-sne", "semvec-umap", "uwot", "umap-learn"]
FAMILY = {"semvec-tsne": "t-SNE", "semvec-tsne-bh": "t-SNE", "semvec-tsne-fft": "t-SNE", "rtsne": "t-SNE",
          "sklearn-tsne": "t-SNE", "semvec-sne": "SNE", "semvec-umap": "UMAP", "uwot": "UMAP", "umap-learn": "UMAP"}
TSNE_GRADIENT = {"semvec-tsne-bh": "bh", "semvec-tsne-fft": "fft"}


# ----------------------------------------------------------------------------------------------- data
def load_dataset(name, synth_dir):
    """Returns (X float32, y int, metric)."""
    red = os.path.join(SHARED, "reducers")
    if name == "digits":
        return np.load(os.path.join(red, "digits_X.npy")), np.load(os.path.join(red, "digits_y.npy")), "euclidean"
    if name == "mnist10k":
        return np.load(os.path.join(red, "mnist10k_pca50_X.npy")), np.load(os.path.join(red, "mnist10k_y.npy")), "euclidean"
    if name == "fashion70k":
        return np.load(os.path.join(red, "fashion70k_pca50_X.npy")), np.load(os.path.join(red, "fashion70k_y.npy")), "euclidean"
    if name == "minilm778":
        d = os.path.join(SHARED, "datasets", "sap-fiori-docs-minilm-embeddings")
        X = np.fromfile(os.path.join(d, "embeddings.bin"), dtype="<f4").reshape(-1, 384)
        with gzip.open(os.path.join(d, "records.jsonl.gz"), "rt") as f:
            cats = [json.loads(line)["category"] for line in f]
        names = sorted(set(cats))
        return X, np.array([names.index(c) for c in cats]), "cosine"
    for prefix in ("blobs", "swiss"):
        if name.startswith(prefix):
            n = int(name[len(prefix):].replace("k", "000"))
            xp = os.path.join(synth_dir, f"{prefix}{n}_X.npy")
            if not os.path.exists(xp):
                subprocess.run([sys.executable, os.path.join(HERE, "make_synthetic.py"), synth_dir, "--sizes", str(n)],
                               check=True, capture_output=True)
            return np.load(xp), np.load(os.path.join(synth_dir, f"{prefix}{n}_y.npy")), "euclidean"
    raise SystemExit(f"unknown data set {name}")


# ------------------------------------------------------------------------------------------- metrics
def metrics(X, Y, y, metric, k=10, sample=10000):
    from sklearn.manifold import trustworthiness
    from sklearn.neighbors import NearestNeighbors
    idx = np.arange(len(X))
    if len(X) > sample:
        idx = np.sort(np.random.RandomState(0).choice(len(X), sample, replace=False))
    Xs, Ys = X[idx].astype(np.float64), Y[idx].astype(np.float64)
    t = trustworthiness(Xs, Ys, n_neighbors=k, metric=metric)
    nx = NearestNeighbors(n_neighbors=k + 1, metric=metric, algorithm="brute").fit(Xs).kneighbors(Xs, return_distance=False)[:, 1:]
    ny = NearestNeighbors(n_neighbors=k + 1).fit(Ys).kneighbors(Ys, return_distance=False)[:, 1:]
    pres = np.mean([len(set(a) & set(b)) / k for a, b in zip(nx, ny)])
    ind = NearestNeighbors(n_neighbors=k + 1).fit(Y).kneighbors(Y, return_distance=False)[:, 1:]
    votes = y[ind]
    pred = np.array([np.bincount(v, minlength=y.max() + 1).argmax() for v in votes])
    return t, pres, float((pred == y).mean())


# ------------------------------------------------------------------------------------------- runners
def run_child(cmd, timeout):
    """Runs cmd; returns (stdout, stderr, wall seconds). Raises on failure."""
    t0 = time.perf_counter()
    # Passive OpenMP waiting: on a shared machine, spinning OpenMP workers (Rtsne, sklearn) slow themselves
    # down 3× (digits, Rtsne 2 threads: 16 s spinning vs 5 s passive). semvec does not use OpenMP.
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise RuntimeError(f"timeout after {timeout} s")
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError((err or out)[-600:])
    return out, err, wall


TIME_WRAP = "/usr/bin/time"


LAST_CPU = [float("nan")]  # user + system seconds of the last timed() child


def timed(cmd, timeout):
    """Like run_child, with peak RSS (KB) and user + system CPU seconds from GNU time written to a temp file."""
    with tempfile.NamedTemporaryFile(suffix=".rss", delete=False) as f:
        rss_path = f.name
    full = [TIME_WRAP, "-f", "%M %U %S", "-o", rss_path] + cmd if os.path.exists(TIME_WRAP) else cmd
    out, err, wall = run_child(full, timeout)
    rss = LAST_CPU[0] = float("nan")
    try:
        fields = open(rss_path).read().split()[-3:]
        rss = float(fields[0]) / 1024.0
        LAST_CPU[0] = float(fields[1]) + float(fields[2])
    except (OSError, ValueError, IndexError):
        pass
    os.unlink(rss_path)
    return out, wall, rss


R_TSNE = r"""
suppressMessages(library(Rtsne))
a <- commandArgs(TRUE); n <- as.integer(a[2]); d <- as.integer(a[3])
X <- matrix(readBin(a[1], "numeric", n * d, size = 4), nrow = n, byrow = TRUE)
set.seed(42)
t <- system.time(r <- Rtsne(X, dims = 2, perplexity = 30, theta = 0.5, max_iter = 1000, pca = FALSE,
                            check_duplicates = FALSE, num_threads = as.integer(a[5])))[["elapsed"]]
writeBin(as.vector(t(r$Y)), a[4], size = 4)
cat("TIME", t, "\n")
"""

R_UWOT = r"""
suppressMessages(library(uwot))
a <- commandArgs(TRUE); n <- as.integer(a[2]); d <- as.integer(a[3])
X <- matrix(readBin(a[1], "numeric", n * d, size = 4), nrow = n, byrow = TRUE)
set.seed(42)
t <- system.time(Y <- umap(X, n_neighbors = 15, min_dist = 0.1, metric = a[6], n_threads = as.integer(a[5])))[["elapsed"]]
writeBin(as.vector(t(Y)), a[4], size = 4)
cat("TIME", t, "\n")
"""

PY_SKLEARN = r"""
import sys, time, numpy as np
from sklearn.manifold import TSNE
X = np.load(sys.argv[1]); threads = int(sys.argv[3]); metric = sys.argv[4]
t0 = time.perf_counter()
Y = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto", method="barnes_hut", angle=0.5,
         n_jobs=threads, random_state=42, metric=metric).fit_transform(X)
t = time.perf_counter() - t0
np.save(sys.argv[2], Y.astype(np.float32)); print("TIME", t)
"""

PY_UMAP = r"""
import os, sys, time, numpy as np
threads = int(sys.argv[3]); metric = sys.argv[4]
os.environ["NUMBA_NUM_THREADS"] = str(threads)
import umap
X = np.load(sys.argv[1])
umap.UMAP(n_neighbors=15, min_dist=0.1, metric=metric, n_jobs=threads).fit_transform(X[:300])  # JIT warm-up
t0 = time.perf_counter()
Y = umap.UMAP(n_neighbors=15, min_dist=0.1, metric=metric, n_jobs=threads).fit_transform(X)
t = time.perf_counter() - t0
np.save(sys.argv[2], Y.astype(np.float32)); print("TIME", t)
"""


def parse_time(out):
    for line in reversed(out.strip().splitlines()):
        if line.startswith("TIME"):
            return float(line.split()[1])
    raise RuntimeError("no TIME line in: " + out[-300:])


def run_method(method, X, metric, threads, tmp, build, timeout):
    xnpy = os.path.join(tmp, "x.npy")
    np.save(xnpy, X.astype(np.float32))
    out = os.path.join(tmp, f"{method}.npy")
    if method.startswith("semvec-"):
        exe = os.path.join(build, "bin", "semvec")
        m = method.split("-")[1]
        extra = ["--tsne-gradient", TSNE_GRADIENT[method]] if method in TSNE_GRADIENT else []
        _, wall, rss = timed([exe, "reduce", "--method", m, "--threads", str(threads), "--metric", metric] + extra +
                             [xnpy, out], timeout)
        return wall, rss, np.load(out)
    if method in ("rtsne", "uwot"):
        xb = os.path.join(tmp, "x.bin"); yb = os.path.join(tmp, "y.bin"); rs = os.path.join(tmp, method + ".R")
        X.astype("<f4").tofile(xb)
        if method == "rtsne" and metric != "euclidean":
            Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-30)  # cosine ranks = L2 on unit rows
            Xn.astype("<f4").tofile(xb)
        open(rs, "w").write(R_TSNE if method == "rtsne" else R_UWOT)
        o, _, rss = timed(["Rscript", rs, xb, str(len(X)), str(X.shape[1]), yb, str(threads), metric], timeout)
        return parse_time(o), rss, np.fromfile(yb, dtype="<f4").reshape(len(X), 2)
    code = PY_SKLEARN if method == "sklearn-tsne" else PY_UMAP
    ps = os.path.join(tmp, method + ".py")
    open(ps, "w").write(code)
    o, _, rss = timed(["/usr/bin/python3", ps, xnpy, out, str(threads), metric], timeout)
    return parse_time(o), rss, np.load(out)


def available(method):
    def has_r(pkg):
        return subprocess.run(["Rscript", "-e", f"library({pkg})"], capture_output=True).returncode == 0
    try:
        if method == "rtsne":
            return has_r("Rtsne")
        if method == "uwot":
            return has_r("uwot")
        if method == "sklearn-tsne":
            import sklearn  # noqa: F401
        if method == "umap-learn":
            return subprocess.run(["/usr/bin/python3", "-c", "import umap"], capture_output=True).returncode == 0
    except (ImportError, FileNotFoundError):
        return False
    return True


def machine_line(build):
    """CPU model, the SIMD level semvec was built for, and the load average: the context of every timing."""
    cpu = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except FileNotFoundError:
        pass
    simd = "?"
    try:
        info = subprocess.run([os.path.join(build, "bin", "semvec"), "info"], capture_output=True, text=True).stdout
        for line in info.splitlines():
            if "SIMD level" in line:
                simd = line.split("SIMD level", 1)[1].split(",")[0].strip()
                break
    except OSError:
        pass
    return f"CPU {cpu} ({os.cpu_count()} logical), semvec SIMD level {simd}, load average {os.getloadavg()[0]:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default="digits,minilm778,mnist10k,blobs5k,swiss5k,fashion70k")
    ap.add_argument("--methods", default=",".join(ALL_METHODS))
    ap.add_argument("--peer-max-n", type=int, default=20000, help="peers run only up to this N ...")
    ap.add_argument("--peers-large", default="rtsne,uwot", help="... except these")
    ap.add_argument("--sne-max-n", type=int, default=5000)
    ap.add_argument("--scaling", action="store_true", help="also print the scaling table (blobs/swiss at --sizes)")
    ap.add_argument("--sizes", default="1000,5000,20000,70000")
    ap.add_argument("--scaling-methods", default="semvec-tsne,semvec-umap,rtsne,uwot")
    ap.add_argument("--scaling-peer-max-n", type=int, default=20000)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--synth-dir", default=os.path.join(tempfile.gettempdir(), "semvec_synth"))
    a = ap.parse_args()

    methods = [m for m in a.methods.split(",") if m]
    avail = {m: available(m) for m in set(methods) | set(a.scaling_methods.split(","))}
    for m, ok in sorted(avail.items()):
        if not ok:
            print(f"# {m}: not installed, skipped", file=sys.stderr)
    print(f"# semvec reducers vs peers, {a.threads} threads, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"command: {' '.join(sys.argv)}")
    print(f"# {machine_line(a.build)}")
    print()
    print("| data | N×D | method | time s | CPU s | peak RSS MB | T@10 | P@10 | acc@10 |")
    print("|---|---|---|---|---|---|---|---|---|")
    sys.stdout.flush()
    with tempfile.TemporaryDirectory() as tmp:
        for name in [d for d in a.data.split(",") if d]:
            X, y, metric = load_dataset(name, a.synth_dir)
            rows = {}
            for m in methods:
                if not avail.get(m):
                    continue
                if m == "semvec-sne" and len(X) > a.sne_max_n:
                    continue
                if not m.startswith("semvec") and len(X) > a.peer_max_n and m not in a.peers_large.split(","):
                    continue
                try:
                    t, rss, Y = run_method(m, X, metric, a.threads, tmp, a.build, a.timeout)
                    cpu = LAST_CPU[0]
                    T, P, acc = metrics(X, Y, y, metric)
                    rows[m] = (t, rss, T, P, acc, cpu)
                except Exception as e:  # a failing peer must not stop the table
                    print(f"# {name} {m}: failed: {e}", file=sys.stderr)
                    continue
                t, rss, T, P, acc, cpu = rows[m]
                print(f"| {name} | {X.shape[0]}×{X.shape[1]} | {m} | {t:.2f} | {cpu:.2f} | {rss:.0f} | {T:.4f} | {P:.3f} | {acc:.3f} |")
                sys.stdout.flush()
            # Summary per family: semvec time and trustworthiness against the best peer of the same family.
            for fam in ("t-SNE", "UMAP"):
                peers = [m for m in rows if not m.startswith("semvec") and FAMILY[m] == fam]
                for sv in [m for m in rows if m.startswith("semvec") and FAMILY[m] == fam]:
                    if not peers:
                        break
                    s = rows[sv]
                    fastest = min(peers, key=lambda p: rows[p][0])
                    best_t = max(peers, key=lambda p: rows[p][2])
                    print(f"| {name} | | **{sv} vs peers** | {rows[fastest][0] / s[0]:.2f}× faster than {fastest} "
                          f"| | | ΔT {s[2] - rows[best_t][2]:+.4f} vs {best_t} | | |")
            if "semvec-tsne-fft" in rows and "semvec-tsne-bh" in rows:
                f, b = rows["semvec-tsne-fft"], rows["semvec-tsne-bh"]
                print(f"| {name} | | **t-SNE: FFT vs Barnes-Hut (semvec)** | {b[0] / f[0]:.2f}× faster "
                      f"| {b[5] / f[5]:.2f}× less CPU | | ΔT {f[2] - b[2]:+.4f} | | |")
            sys.stdout.flush()

        if a.scaling:
            print()
            print("Scaling (seconds; blobs 50-D and Swiss roll 3-D; T@10 on ≤10k-point subsets):")
            print()
            sm = [m for m in a.scaling_methods.split(",") if avail.get(m)]
            sizes = [int(s) for s in a.sizes.split(",")]
            print("| data, method | " + " | ".join(f"N={n}" for n in sizes) + " |")
            print("|---|" + "---|" * len(sizes))
            for prefix in ("blobs", "swiss"):
                for m in sm:
                    cells = []
                    for n in sizes:
                        if not m.startswith("semvec") and n > a.scaling_peer_max_n:
                            cells.append("–")
                            continue
                        X, y, metric = load_dataset(f"{prefix}{n}", a.synth_dir)
                        try:
                            t, rss, Y = run_method(m, X, metric, a.threads, tmp, a.build, a.timeout)
                            T, _, acc = metrics(X, Y, y, metric)
                            cells.append(f"{t:.1f} s (T {T:.3f}, {rss:.0f} MB)")
                        except Exception as e:
                            print(f"# {prefix}{n} {m}: failed: {e}", file=sys.stderr)
                            cells.append("failed")
                        print(f"#   {prefix} {m} N={n}: {cells[-1]}", file=sys.stderr)
                    print(f"| {prefix} {m} | " + " | ".join(cells) + " |")
                    sys.stdout.flush()
    print()
    print(f"# at the end: load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
