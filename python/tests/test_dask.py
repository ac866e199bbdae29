"""semvec.dask.embed on a distributed.LocalCluster with 2 worker processes: 20 000 texts (the bundled topics
corpus repeated) embedded into shards bit-identical to one encode call; a worker killed mid-run changes
nothing. Uses the bundled GloVe model, so the whole file runs in seconds."""
import os
import signal
import time

import numpy as np
import pytest

import semvec
import semvec.dask

try:
    import dask.bag as db
    from distributed import Client, LocalCluster
except ImportError as e:  # a failure under CI (semvec_testenv), a listed skip elsewhere
    from semvec_testenv import unavailable
    unavailable("python dask tests: %s (Debian: python3-dask python3-distributed)" % e)
    pytest.skip("dask or distributed missing", allow_module_level=True)

N = 20000


@pytest.fixture(scope="module")
def texts(topics):
    return [topics[i % len(topics)] + " #%d" % (i // len(topics)) for i in range(N)]


@pytest.fixture(scope="module")
def expected(glove_path, texts):
    return semvec.load_model(glove_path).encode(texts)


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=40)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_two_workers_embed_20000_texts_bit_identical_to_one_encode_call(client, glove_path, texts, expected, tmp_path):
    bag = db.from_sequence(texts, npartitions=16)
    manifest = semvec.dask.embed(bag, glove_path, out_dir=tmp_path)
    assert manifest["rows"] == N and manifest["dim"] == 100 and len(manifest["shards"]) == 16
    assert os.path.exists(tmp_path / "manifest.json")
    got = semvec.dask.load_shards(tmp_path)
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))
    # Both workers took part.
    assert len(client.scheduler_info()["workers"]) == 2
    # Without out_dir: a dask array, the same bits.
    arr = semvec.dask.embed(db.from_sequence(texts[:3000], npartitions=4), glove_path).compute()
    assert np.array_equal(arr, expected[:3000])


def test_a_dataframe_column_embeds_in_row_order(client, glove_path, texts, expected):
    try:
        import pandas as pd
        import dask.dataframe as dd
    except ImportError as e:
        from semvec_testenv import unavailable
        unavailable("python dask dataframe test: %s (Debian: python3-pandas)" % e)
        pytest.skip("pandas missing")
    df = dd.from_pandas(pd.DataFrame({"text": texts[:5000], "n": np.arange(5000)}), npartitions=5)
    arr = semvec.dask.embed(df["text"], glove_path).compute()
    assert np.array_equal(arr, expected[:5000])


def test_a_worker_killed_mid_run_does_not_change_the_result(glove_path, texts, expected, tmp_path):
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=50)
    with Client(cluster) as c:
        pids = list(c.run(os.getpid).values())
        bag = db.from_sequence(texts, npartitions=20)
        import threading
        result = {}

        def run():
            result["manifest"] = semvec.dask.embed(bag, glove_path, out_dir=tmp_path, _task_delay=0.4)

        t = threading.Thread(target=run)
        t.start()
        deadline = time.time() + 60
        while not any(f.startswith("shard-") and f.endswith(".npy") for f in os.listdir(tmp_path)):
            assert time.time() < deadline, "no shard written within 60 s"
            time.sleep(0.05)
        os.kill(pids[0], signal.SIGKILL)  # mid-run: the first shard is written, most are not
        t.join(timeout=300)
        assert not t.is_alive()
    cluster.close()
    assert result["manifest"]["rows"] == N
    got = semvec.dask.load_shards(tmp_path)
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))
