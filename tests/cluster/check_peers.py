#!/usr/bin/python3
"""Live peer checks of `semvec cluster` (run by ctest; the peers come from scripts/setup.sh).

  check_peers.py SEMVEC DATA_DIR OUT_DIR

1. k-means: semvec's inertia on digits (k = 10) is within 0.5 % of scikit-learn's KMeans(n_init=10).
2. HDBSCAN: on a 2-D UMAP layout of digits, `--stability r` gives R dbscan::hdbscan's labels (ARI >= 0.99, run
   live), and they equal the committed reference labels.
A missing peer is a failure, not a skip: CI installs them.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np


def main():
    exe, data, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    X = np.load(os.path.join(data, "reduce", "digits_X.npy"))
    labels = os.path.join(out, "km.npy")
    r = subprocess.run([exe, "cluster", "--k", "10", "--threads", "2", os.path.join(data, "reduce", "digits_X.npy"), labels],
                       capture_output=True, text=True, check=True)
    lab = np.load(labels)
    inertia = sum(((X[lab == c] - X[lab == c].mean(0)) ** 2).sum() for c in range(10))
    sk = KMeans(10, n_init=10, random_state=0).fit(X).inertia_
    print(f"k-means inertia: semvec {inertia:.1f}, sklearn {sk:.1f}, ratio {inertia / sk:.5f}")
    ok = inertia <= 1.005 * sk

    layout = os.path.join(data, "cluster", "digits_umap2d.npy")
    ref = np.load(os.path.join(data, "cluster", "digits_umap2d_r15.npy"))
    hl = os.path.join(out, "hdb.npy")
    subprocess.run([exe, "cluster", "--method", "hdbscan", "--min-cluster-size", "15", "--min-samples", "15",
                    "--stability", "r", layout, hl], capture_output=True, text=True, check=True)
    mine = np.load(hl)
    Y = np.load(layout)
    script = r"""
suppressMessages(library(dbscan))
a <- commandArgs(TRUE)
X <- matrix(readBin(a[1], "numeric", as.integer(a[2]) * 2, size = 4), ncol = 2, byrow = TRUE)
writeBin(as.integer(hdbscan(X, minPts = 15)$cluster), a[3], size = 4)
"""
    with tempfile.TemporaryDirectory() as tmp:
        src, dst, rs = (os.path.join(tmp, f) for f in ("x.bin", "cl.bin", "h.R"))
        Y.astype("<f4").tofile(src)
        open(rs, "w").write(script)
        subprocess.run(["Rscript", rs, src, str(len(Y)), dst], check=True)
        live = np.fromfile(dst, dtype="<i4") - 1
    ari_live, ari_ref = adjusted_rand_score(live, mine), adjusted_rand_score(ref, mine)
    print(f"HDBSCAN vs R dbscan: ARI {ari_live:.4f} (live), {ari_ref:.4f} (committed reference)")
    ok = ok and ari_live >= 0.99 and ari_ref >= 0.99
    print("passed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
