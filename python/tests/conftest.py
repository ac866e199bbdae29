"""Shared fixtures of the Python tests: paths of the source tree, the CLI and the bundled model."""
import os
import sys

import pytest

SOURCE_DIR = os.environ.get("SEMVEC_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests"))  # semvec_testenv


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE_DIR


@pytest.fixture(scope="session")
def glove_path():
    return os.path.join(SOURCE_DIR, "models", "glove-6B-100d-top20k-f16.safetensors")


@pytest.fixture(scope="session")
def topics(source_dir):
    with open(os.path.join(source_dir, "examples", "data", "topics.txt"), encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


@pytest.fixture(scope="session")
def cli():
    """The semvec program (SEMVEC_CLI), or a failure under CI / a skip elsewhere when it is not given."""
    path = os.environ.get("SEMVEC_CLI", "")
    if not path or not os.path.exists(path):
        from semvec_testenv import unavailable
        unavailable("python CLI parity: SEMVEC_CLI not set to the semvec program")
        pytest.skip("SEMVEC_CLI not set")
    return path
