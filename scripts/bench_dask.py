#!/usr/bin/env python3
"""Throughput of semvec.dask.embed on a distributed.LocalCluster with 1 and 2 worker processes, beside one
Model.encode call in this process, on the same texts (the bundled topics corpus repeated). Prints one markdown
table with the CPU, the SIMD level and the load.

  PYTHONPATH=build/python nice -n 10 /usr/bin/python3 scripts/bench_dask.py [--model FILE] [--n 200000]

With the bundled GloVe model (default) the work per text is tiny, so the table mostly measures Dask's
overhead per partition; a transformer model (--model, e.g. a converted all-MiniLM-L6-v2) measures encoding.
Every run's vectors are checked bit-identical to the single encode call.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import semvec
import semvec.dask

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def machine_header():
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    cpu = next((l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith("Model name")), "?")
    return "CPU: %s, %d cores; semvec SIMD: %s; load average: %s" % (
        cpu, os.cpu_count(), semvec._semvec.simd_level(), " ".join(open("/proc/loadavg").read().split()[:3]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(ROOT, "models", "glove-6B-100d-top20k-f16.safetensors"))
    ap.add_argument("--n", type=int, default=200000, help="texts (default 200 000)")
    ap.add_argument("--partitions", type=int, default=32)
    a = ap.parse_args()
    import dask.bag as db
    from distributed import Client, LocalCluster

    with open(os.path.join(ROOT, "examples", "data", "topics.txt"), encoding="utf-8") as f:
        base = [l.rstrip("\n") for l in f]
    texts = [base[i % len(base)] + " #%d" % (i // len(base)) for i in range(a.n)]
    print("# Dask embedding (scripts/bench_dask.py %s)\n" % " ".join(sys.argv[1:]))
    print(machine_header() + "\n")
    print("model: %s; %d texts in %d partitions\n" % (os.path.basename(a.model), a.n, a.partitions))
    print("| engine | workers × threads | seconds | texts/s | vs one encode | same bits |")
    print("|---|---|---|---|---|---|")
    model = semvec.load_model(a.model)
    t = time.perf_counter()
    expected = model.encode(texts)
    t_one = time.perf_counter() - t
    print("| Model.encode (this process) | 1 × all cores | %.2f | %.0f | 1.00× | - |" % (t_one, a.n / t_one))
    for workers in (1, 2):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=40)
        with Client(cluster), tempfile.TemporaryDirectory() as tmp:
            semvec.dask.embed(db.from_sequence(texts[:1000], npartitions=workers), a.model).compute()  # warm-up
            t = time.perf_counter()
            semvec.dask.embed(db.from_sequence(texts, npartitions=a.partitions), a.model, out_dir=tmp)
            dt = time.perf_counter() - t
            same = np.array_equal(semvec.dask.load_shards(tmp).view(np.uint32), expected.view(np.uint32))
        cluster.close()
        print("| semvec.dask.embed → .npy shards | %d × 1 | %.2f | %.0f | %.2f× | %s |" %
              (workers, dt, a.n / dt, t_one / dt, "yes" if same else "NO"))
    print("\nload average at the end: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))


if __name__ == "__main__":
    main()
