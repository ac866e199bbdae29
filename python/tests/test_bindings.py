"""The semvec Python module: encode and friends, bit-identical to the C++ CLI, shared by threads, clean errors."""
import os
import subprocess
import threading

import numpy as np
import pytest

import semvec


def test_encode_returns_float32_rows_like_sentence_transformers(glove_path):
    m = semvec.load_model(glove_path)
    v = m.encode(["The cat sleeps on the sofa", "Stock prices fell"])
    assert v.dtype == np.float32 and v.shape == (2, m.get_sentence_embedding_dimension()) == (2, 100)
    assert v.flags["C_CONTIGUOUS"]
    one = m.encode("The cat sleeps on the sofa")
    assert one.shape == (100,)
    assert np.array_equal(one, v[0])
    assert m.name == "glove-6B-100d-top20k-f16" or m.name.startswith("glove")
    assert m.encode([]).shape == (0, 100)


def test_encode_is_bit_identical_to_the_cli(glove_path, topics, cli, tmp_path):
    out = tmp_path / "cli.npy"
    with open(os.path.join(os.path.dirname(glove_path), "..", "examples", "data", "topics.txt"), "rb") as f:
        subprocess.run([cli, "embed", "--model", glove_path, "--out", str(out)], stdin=f, check=True)
    expected = np.load(out)
    got = semvec.load_model(glove_path).encode(topics, batch_size=7, threads=2)
    assert got.shape == expected.shape
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))


def test_encode_options_change_what_they_should(glove_path):
    m = semvec.load_model(glove_path)
    raw = m.encode(["a cat and a dog"], normalize_embeddings=False)
    unit = m.encode(["a cat and a dog"], normalize_embeddings=True)
    assert abs(np.linalg.norm(unit[0]) - 1.0) < 1e-5
    assert np.allclose(unit[0], raw[0] / np.linalg.norm(raw[0]), atol=1e-6)
    assert not np.array_equal(m.encode(["dog"], prompt="cat "), m.encode(["dog"]))
    with pytest.raises(NotImplementedError, match="prompt_name"):
        m.encode(["x"], prompt_name="query")


def test_four_python_threads_share_one_model_and_get_the_same_vectors(glove_path, topics):
    m = semvec.load_model(glove_path)
    texts = topics * 8
    expected = m.encode(texts, threads=1)
    results = [None] * 4
    errors = []

    def work(i):
        try:
            for _ in range(3):
                results[i] = m.encode(texts, batch_size=5 + i, threads=1)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for r in results:
        assert np.array_equal(r, expected)


def test_bad_texts_raise_clean_python_errors(glove_path):
    m = semvec.load_model(glove_path)
    with pytest.raises(TypeError, match="None"):
        m.encode(None)
    with pytest.raises(TypeError, match=r"texts\[1\] is NoneType"):
        m.encode(["ok", None])
    with pytest.raises(TypeError, match=r"texts\[0\] is int"):
        m.encode([3])
    with pytest.raises(UnicodeDecodeError):
        m.encode([b"valid", b"\xff\xfe not utf-8"])
    assert np.array_equal(m.encode([b"the cat"]), m.encode(["the cat"]))
    with pytest.raises(ValueError, match="batch_size"):
        m.encode(["x"], batch_size=0)


def test_load_errors_name_the_file_and_map_to_exception_classes(tmp_path, glove_path):
    with pytest.raises(semvec.Error) as e:
        semvec.load_model(tmp_path / "missing.safetensors")
    assert "missing.safetensors" in str(e.value)
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{not json")
    with pytest.raises(ValueError) as e:
        semvec.load_model(bad)
    assert "bad.safetensors" in str(e.value)
    assert isinstance(e.value, semvec.Error)


def test_arrays_of_the_wrong_dtype_or_shape_raise(glove_path):
    x = np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)
    with pytest.raises(TypeError, match="float array"):
        semvec.knn(x.astype(np.int32), k=3)
    with pytest.raises(TypeError, match="None"):
        semvec.knn(None)
    with pytest.raises(ValueError, match="2-D"):
        semvec.knn(x[0], k=3)
    with pytest.raises(ValueError, match="NaN"):
        y = x.copy()
        y[3, 2] = np.nan
        semvec.top_k(y, x)
    with pytest.raises(semvec.InvalidArgumentError):
        semvec.knn(x, k=100)
    # float64 and non-contiguous input are converted, with the same result as float32 C order.
    i32, d32 = semvec.knn(x, k=3)
    i64, d64 = semvec.knn(np.asfortranarray(x.astype(np.float64)), k=3)
    assert np.array_equal(i32, i64) and np.array_equal(d32, d64)


def test_tokenize_pads_ids_for_transformers_and_lists_words_for_static_models(glove_path):
    m = semvec.load_model(glove_path)
    t = m.tokenize(["The cat sat", "dogs"])
    assert t["tokens"][0] == ["the", "cat", "sat"]
    assert m.tokens("Dogs bark") == ["dogs", "bark"]


def test_reducers_and_search_match_the_library_contracts(glove_path, topics, tmp_path):
    m = semvec.load_model(glove_path)
    x = m.encode(topics)
    y = semvec.tsne(x, n_iter=300, threads=2)
    assert y.shape == (len(topics), 2) and y.dtype == np.float32
    assert np.array_equal(y, semvec.tsne(x, n_iter=300, threads=1))
    u = semvec.UMAP(n_neighbors=10, n_epochs=50, threads=2).fit(x)
    assert u.embedding_.shape == (len(topics), 2)
    placed = u.transform(x[:5])
    assert placed.shape == (5, 2)
    assert semvec.umap(x, n_epochs=30).shape == (len(topics), 2)
    ids, scores = semvec.top_k(x[:3], x, k=4)
    assert ids.dtype == np.int64 and ids.shape == (3, 4)
    assert list(ids[:, 0]) == [0, 1, 2]
    idx, dist = semvec.knn(x, k=5, metric="cosine")
    assert idx.shape == (len(topics), 5)
    page = tmp_path / "map.html"
    semvec.write_html(str(page), y, texts=topics, title="topics")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_output_arrays_own_their_memory_and_outlive_the_model(glove_path):
    m = semvec.load_model(glove_path)
    v = m.encode(["a", "b"])
    del m
    assert v.base is not None  # the capsule that owns the library's matrix
    assert np.isfinite(v).all()
