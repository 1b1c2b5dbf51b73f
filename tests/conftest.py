"""Shared fixtures: the real model and a real index of the bundled corpus, built once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.paths import embeddings_file
from tests.fakes import HashEncoder, copy_sqlite


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Path]:
    """The data folder of the whole session; the prepared model stays in the user cache.

    Its embedding cache is kept between runs in pytest's cache folder: vectors are keyed by model
    and text hash, so a kept vector is exactly what the model computes, and a run embeds only
    text it has not seen (the bundled corpus takes minutes on a busy two-core machine).
    """
    folder = tmp_path_factory.mktemp("policybot-data")
    cache = getattr(pytestconfig, "cache", None)  # None under `-p no:cacheprovider`
    kept = cache.mkdir("policybot") / "embeddings.sqlite" if cache is not None else None
    if kept is not None and kept.is_file():
        copy_sqlite(kept, embeddings_file(folder))
    yield folder
    if kept is not None and embeddings_file(folder).is_file():
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.partial")
        copy_sqlite(embeddings_file(folder), partial)
        partial.replace(kept)


@pytest.fixture(scope="session")
def session_settings(session_data_dir: Path):
    """The settings as the CLI would resolve them, with the session's data folder as argument."""
    from bot.core.settings import resolve_settings

    return resolve_settings({"data_dir": session_data_dir})


@pytest.fixture(scope="session")
def session_services(session_settings):
    """One model, index and scope model for the whole session, built as every front end builds them."""
    from bot.core.services import build_services

    return build_services(session_settings)


@pytest.fixture(scope="session")
def real_encoder(session_services):
    """The encoder production uses: ONNX Runtime when exported, else sentence-transformers."""
    return session_services.encoder


@pytest.fixture(scope="session")
def reference_encoder(session_settings):
    """The sentence-transformers model the ONNX export is checked against."""
    from index.encoder import load_encoder

    s = session_settings
    return load_encoder(s.model, s.cache_dir, s.bf16, backend="torch")


@pytest.fixture(scope="session")
def assistant(session_services):
    """The real core over the bundled corpus (the index is built on first use, as in production)."""
    return session_services.assistant


@pytest.fixture
def hash_encoder() -> HashEncoder:
    return HashEncoder()


@pytest.fixture(scope="session")
def passages():
    """The bundled corpus's passages, straight from the files (no model, no index)."""
    from corpus.bundled import BUNDLED_DIR
    from index.builder import collect_passages

    return collect_passages([BUNDLED_DIR], []).passages


@pytest.fixture(scope="session")
def items(passages):
    """The quiz bank generated from the bundled corpus, once per run (QuizItem is frozen)."""
    from bot.core.quiz.generate import generate_items

    return generate_items(passages)
