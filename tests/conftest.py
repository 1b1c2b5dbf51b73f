"""Shared fixtures: the real model and a real index of the bundled corpus, built once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes import HashEncoder


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """POLICYBOT_DATA_DIR for the whole session; the prepared model stays in the user cache."""
    folder = tmp_path_factory.mktemp("policybot-data")
    old = os.environ.get("POLICYBOT_DATA_DIR")
    os.environ["POLICYBOT_DATA_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("POLICYBOT_DATA_DIR", None)
    else:
        os.environ["POLICYBOT_DATA_DIR"] = old


@pytest.fixture(scope="session")
def real_encoder():
    """The encoder production uses: ONNX Runtime when exported, else sentence-transformers."""
    from index.encoder import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def reference_encoder():
    """The sentence-transformers model the ONNX export is checked against."""
    from index.encoder import load_encoder

    return load_encoder(backend="torch")


@pytest.fixture(scope="session")
def assistant(session_data_dir: Path, real_encoder):
    """The real core over the bundled corpus (the index is built on first use, as in production)."""
    from bot.core.answering import Assistant
    from bot.core.documents import DocumentManager
    from bot.core.scope import load_scope_judge
    from index.store import load_index

    folder = DocumentManager(real_encoder).ensure_index()
    index, _ = load_index(folder, real_encoder.name)
    return Assistant(index=index, encoder=real_encoder, scope=load_scope_judge(real_encoder))


@pytest.fixture
def hash_encoder() -> HashEncoder:
    return HashEncoder()


@pytest.fixture(scope="session")
def passages():
    """The bundled corpus's passages, straight from the files (no model, no index)."""
    from corpus.bundled import BUNDLED_DIR
    from index.builder import collect_passages

    return collect_passages([BUNDLED_DIR], []).passages
