"""semvec.Index from Python: build / search / save / load, the same ids as `semvec index query`, and
compressed embeddings like sentence-transformers' quantize_embeddings."""
import subprocess

import numpy as np
import pytest

import semvec


def clustered(n, d, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(20, d))
    return (centers[np.arange(n) % 20] + 0.6 * rng.normal(size=(n, d))).astype(np.float32)


def test_index_search_save_load_and_filters(tmp_path):
    x = clustered(2000, 32)
    ix = semvec.Index.build(x, model="tiny", threads=2)
    assert len(ix) == 2000 and ix.dim == 32 and ix.precision == "float32"
    ids, scores = ix.search(x[:10], k=5)
    assert ids.dtype == np.int64 and ids.shape == (10, 5)
    assert list(ids[:, 0]) == list(range(10))
    assert np.all(np.diff(scores, axis=1) <= 0)
    path = tmp_path / "x.svx"
    ix.save(str(path))
    back = semvec.Index.load(str(path), model="tiny", dim=32)
    ids2, scores2 = back.search(x[:10], k=5)
    assert np.array_equal(ids, ids2) and np.array_equal(scores, scores2)
    ex, _ = back.search(x[:1], k=5, exclude=[0, int(ids[0, 1])])
    assert 0 not in ex[0] and ids[0, 1] not in ex[0]
    with pytest.raises(ValueError, match="'tiny'.*'other'"):
        semvec.Index.load(str(path), model="other")
    with pytest.raises(ValueError, match="32-dimensional"):
        semvec.Index.load(str(path), dim=384)
    (tmp_path / "junk.svx").write_bytes(b"SEMVECIX" + b"\x01" + b"\x00" * 29)  # version 1, header length 0
    with pytest.raises(semvec.InvalidDataError):
        semvec.Index.load(str(tmp_path / "junk.svx"))
    back.add(x[:3] * 2)
    assert len(back) == 2003


def test_index_query_matches_the_cli(tmp_path, cli):
    x = clustered(1500, 16, seed=1)
    q = clustered(40, 16, seed=2)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "q.npy", q)
    for precision in ("float32", "int8", "binary"):
        path = tmp_path / ("%s.svx" % precision)
        subprocess.run([cli, "index", "build", str(tmp_path / "x.npy"), str(path), "--precision", precision], check=True,
                       capture_output=True)
        subprocess.run([cli, "index", "query", str(path), str(tmp_path / "q.npy"), "-k", "10", "--out",
                        str(tmp_path / "ids.npy")], check=True)
        cli_ids = np.load(tmp_path / "ids.npy")
        py_ids, _ = semvec.Index.build(x, precision=precision).search(q, k=10)
        assert cli_ids.dtype == np.int64
        assert np.array_equal(cli_ids, py_ids), precision


def test_quantize_embeddings_follows_sentence_transformers():
    x = np.random.default_rng(3).normal(size=(100, 24)).astype(np.float32)
    q = semvec.quantize_embeddings(x, "int8")
    starts = x.min(axis=0)
    steps = (x.max(axis=0) - starts) / 255
    expected = ((x - starts) / steps - 128).astype(np.int8)  # sentence-transformers' formula
    assert q.dtype == np.int8 and np.array_equal(q, expected)
    ub = semvec.quantize_embeddings(x, "ubinary")
    assert np.array_equal(ub, np.packbits(x > 0).reshape(100, -1))
    b = semvec.quantize_embeddings(x, "binary")
    assert np.array_equal(b, (np.packbits(x > 0).reshape(100, -1).astype(np.int16) - 128).astype(np.int8))
    cal = semvec.quantize_embeddings(x[:10], "int8", calibration_embeddings=x)
    assert np.array_equal(cal, expected[:10])
    t = semvec.truncate_embeddings(x, 8)
    assert t.shape == (100, 8) and np.allclose(np.linalg.norm(t, axis=1), 1, atol=1e-6)
    assert semvec.quantize_embeddings(t, "ubinary").shape == (100, 1)  # Matryoshka, then binary
    with pytest.raises(ValueError):
        semvec.quantize_embeddings(x, "fp4")


def test_binary_index_with_rescoring_finds_the_exact_neighbours():
    x = clustered(3000, 256, seed=4)
    q = x[:50] + 0.05 * np.random.default_rng(5).normal(size=(50, 256)).astype(np.float32)
    exact, _ = semvec.top_k(q, x, k=10)
    ix = semvec.Index.build(x, precision="binary")
    ids, _ = ix.search(q, k=10, rescore=20)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, exact)])
    assert recall >= 0.9
    f = semvec.Index.build(x)
    assert ix.memory_bytes * 4 < f.memory_bytes
