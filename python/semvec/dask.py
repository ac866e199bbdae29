"""Embedding with Dask: `semvec.dask.embed(texts, model_path, out_dir=...)` on a distributed cluster.

`texts` is a dask.bag.Bag of str or a dask.dataframe Series (a text column). Each partition becomes one task;
each worker process loads the model once (memory-mapped, shared by its threads: the C++ encode releases the
GIL) and embeds its partitions. With `out_dir` every partition is written as one shard, out_dir/shard-NNNNN.npy
(written to a temporary name and renamed, so a retried task never leaves half a file), and
out_dir/manifest.json maps the shards to input rows; without it a dask array (N, D) float32 is returned.

A partition's vectors are the same bits on any worker, thread count or batch size, so the shards
concatenated equal one `Model.encode` call over all the texts. When a worker dies, the scheduler reruns its
tasks elsewhere and the result is unchanged. On several machines connect a Client to the scheduler's
address before calling embed and give an out_dir on a shared file system (docs/scale.md).
"""
import json
import os
import threading
import time

import numpy as np

from . import load_model

_MODELS = {}
_MODELS_LOCK = threading.Lock()


def _worker_model(path):
    """The model of `path`, loaded once per process (keyed by path and modification time)."""
    key = (os.path.abspath(path), os.stat(path).st_mtime_ns)
    with _MODELS_LOCK:
        m = _MODELS.get(key)
        if m is None:
            m = load_model(path)
            _MODELS[key] = m
        return m


def _default_threads():
    """Cores per task: the machine's cores divided among the worker's threads (at least 1)."""
    try:
        from distributed import get_worker
        worker = get_worker()
    except Exception:  # not on a distributed worker (local scheduler): let encode use every core
        return 0
    nthreads = getattr(worker, "nthreads", None) or getattr(getattr(worker, "state", None), "nthreads", 1)
    return max(1, (os.cpu_count() or 1) // max(1, nthreads))


def _as_list(part):
    if hasattr(part, "tolist"):  # a pandas Series
        part = part.tolist()
    return list(part)


def _embed_partition(part, index, model_path, out_dir, options, _task_delay):
    texts = _as_list(part)
    model = _worker_model(model_path)
    options = dict(options)  # a retried task gets the same dict: leave it as it was
    threads = options.pop("threads", None)
    vectors = model.encode(texts, threads=_default_threads() if threads is None else threads, **options)
    if _task_delay:
        time.sleep(_task_delay)  # tests: keeps the job running long enough to kill a worker
    if out_dir is None:
        return vectors
    name = "shard-%05d.npy" % index
    tmp = os.path.join(out_dir, name + ".tmp-%d" % os.getpid())
    with open(tmp, "wb") as f:
        np.save(f, vectors)
    os.replace(tmp, os.path.join(out_dir, name))
    return {"file": name, "rows": int(vectors.shape[0])}


def embed(texts, model_path, out_dir=None, batch_size=32, normalize_embeddings=None, prompt=None, threads=None,
          max_length=0, _task_delay=0.0):
    """Embeds a dask Bag of str or a dask Series of str with the semvec model at `model_path`.

    Returns the manifest (a dict, also written to out_dir/manifest.json) when out_dir is given, else a dask
    array of shape (N, D), float32, one chunk per partition. `threads`: encode threads per task (None: the
    machine's cores divided among the worker's threads). The model path must be readable by every worker.
    """
    import dask
    import dask.array as da

    model_path = os.path.abspath(str(model_path))
    local = load_model(model_path)  # checks the file here, and gives the dimension
    dim = local.get_sentence_embedding_dimension()
    options = {"batch_size": batch_size, "normalize_embeddings": normalize_embeddings, "prompt": prompt,
               "max_length": max_length, "threads": threads}
    if out_dir is not None:
        out_dir = os.path.abspath(str(out_dir))
        os.makedirs(out_dir, exist_ok=True)
    parts = texts.to_delayed()
    if hasattr(parts, "ravel"):
        parts = list(parts.ravel())
    tasks = [dask.delayed(_embed_partition, pure=True)(p, i, model_path, out_dir, dict(options), _task_delay)
             for i, p in enumerate(parts)]
    if out_dir is None:
        arrays = [da.from_delayed(t, shape=(np.nan, dim), dtype=np.float32) for t in tasks]
        return da.concatenate(arrays, axis=0) if arrays else da.zeros((0, dim), dtype=np.float32)
    shards = list(dask.compute(*tasks))
    first = 0
    for s in shards:
        s["first_row"] = first
        first += s["rows"]
    manifest = {"model": local.name, "model_path": model_path, "dim": dim, "dtype": "float32", "rows": first,
                "shards": shards}
    tmp = os.path.join(out_dir, "manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1)
    os.replace(tmp, os.path.join(out_dir, "manifest.json"))
    return manifest


def load_shards(out_dir, mmap_mode=None):
    """The vectors of an embed() output folder as one (N, D) array, in input order (checks the manifest)."""
    out_dir = str(out_dir)
    with open(os.path.join(out_dir, "manifest.json")) as f:
        manifest = json.load(f)
    parts = []
    expected = 0
    for s in manifest["shards"]:
        if s["first_row"] != expected:
            raise ValueError("%s: shard %s starts at row %d, expected %d" % (out_dir, s["file"], s["first_row"], expected))
        a = np.load(os.path.join(out_dir, s["file"]), mmap_mode=mmap_mode)
        if a.shape != (s["rows"], manifest["dim"]):
            raise ValueError("%s: shard %s has shape %s, the manifest says (%d, %d)" %
                             (out_dir, s["file"], a.shape, s["rows"], manifest["dim"]))
        parts.append(a)
        expected += s["rows"]
    if not parts:
        return np.zeros((0, manifest["dim"]), dtype=np.float32)
    return np.concatenate(parts, axis=0)
