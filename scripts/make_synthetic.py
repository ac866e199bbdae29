#!/usr/bin/python3
"""Seeded synthetic inputs for the reducer benchmarks: Gaussian blobs (50-D) and a Swiss roll (3-D).

    /usr/bin/python3 scripts/make_synthetic.py OUT_DIR [--sizes 1000,5000,20000,70000] [--seed 0]

writes OUT_DIR/blobs{N}_X.npy (float32 N×50) + blobs{N}_y.npy (int32 cluster ids) and swiss{N}_X.npy
(float32 N×3) + swiss{N}_y.npy (int32: the roll parameter t cut into 10 equal bins, for label accuracy).
Same seed and N give the same bytes (numpy's PCG64 generator).
Blobs: 10 centres drawn from N(0, 10²) per coordinate, unit-variance isotropic clusters of equal expected size.
Swiss roll: t ~ U(1.5π, 4.5π), height ~ U(0, 21), points (t cos t, height, t sin t) + N(0, 0.05²) noise
(the scikit-learn make_swiss_roll construction).
"""
import argparse, os
import numpy as np


def blobs(n, seed, dims=50, centers=10):
    rng = np.random.default_rng([seed, 1, n])
    c = rng.normal(0.0, 10.0, size=(centers, dims))
    y = rng.integers(0, centers, size=n)
    X = c[y] + rng.normal(size=(n, dims))
    return X.astype(np.float32), y.astype(np.int32)


def swiss_roll(n, seed, noise=0.05):
    rng = np.random.default_rng([seed, 2, n])
    t = 1.5 * np.pi * (1 + 2 * rng.random(n))
    h = 21 * rng.random(n)
    X = np.stack([t * np.cos(t), h, t * np.sin(t)], axis=1) + noise * rng.normal(size=(n, 3))
    y = np.minimum(((t - 1.5 * np.pi) / (3 * np.pi) * 10).astype(np.int32), 9)
    return X.astype(np.float32), y


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--sizes", default="1000,5000,20000,70000")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for n in [int(s) for s in a.sizes.split(",")]:
        for name, fn in (("blobs", blobs), ("swiss", swiss_roll)):
            X, y = fn(n, a.seed)
            np.save(os.path.join(a.out, f"{name}{n}_X.npy"), X)
            np.save(os.path.join(a.out, f"{name}{n}_y.npy"), y)
            print(f"{name}{n}: {X.shape}")


if __name__ == "__main__":
    main()
