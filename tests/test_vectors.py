"""One contract for every FAISS factory: exact search is exact, approximate ones keep recall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.encoder import normalize_rows
from index.vectors import VectorIndex


def _random_unit(n: int, dim: int, seed: int) -> np.ndarray:
    return normalize_rows(np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32))


def test_flat_search_equals_brute_force() -> None:
    data, queries = _random_unit(500, 32, 1), _random_unit(20, 32, 2)
    index = VectorIndex.build(data, "Flat")
    scores, ids = index.search(queries, 10)
    expected = np.argsort(-(queries @ data.T), axis=1)[:, :10]
    assert np.array_equal(ids, expected)
    assert np.allclose(scores[:, 0], (queries @ data.T).max(axis=1), atol=1e-5)


@pytest.mark.parametrize("factory", ["HNSW32", "IVF16,Flat"])
def test_approximate_factories_keep_recall(factory: str) -> None:
    data, queries = _random_unit(4000, 32, 3), _random_unit(50, 32, 4)
    exact = np.argsort(-(queries @ data.T), axis=1)[:, :10]
    _, ids = VectorIndex.build(data, factory).search(queries, 10)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, exact)])
    assert recall >= 0.9, recall


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    data = _random_unit(100, 16, 5)
    index = VectorIndex.build(data, "HNSW32")
    index.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss", "HNSW32")
    assert loaded.size == 100 and loaded.dim == 16
    assert np.array_equal(loaded.search(data[:5], 3)[1], index.search(data[:5], 3)[1])


def test_k_larger_than_collection_is_clamped() -> None:
    index = VectorIndex.build(_random_unit(3, 8, 6), "Flat")
    _, ids = index.search(_random_unit(1, 8, 7), 10)
    assert sorted(ids[0].tolist()) == [0, 1, 2]


def test_auto_factory_is_exact_until_large() -> None:
    from index.vectors import EXACT_UP_TO, resolve_factory

    assert resolve_factory("auto", 1_000) == "Flat"
    assert resolve_factory("auto", EXACT_UP_TO + 1) == "HNSW32"
    assert resolve_factory("IVF16,Flat", 10) == "IVF16,Flat"
    assert VectorIndex.build(_random_unit(10, 8, 9)).factory == "Flat"
