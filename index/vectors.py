"""Dense vector search with FAISS: integer row ids in, inner-product scores out.

Exact `Flat` search up to EXACT_UP_TO vectors (a few thousand passages search in well under a
millisecond), HNSW beyond; any factory string (`HNSW32`, `IVF{n},Flat`…) can be asked for, and
the approximate ones' recall is tested against exact search.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

DEFAULT_FACTORY = "auto"
EXACT_UP_TO = 200_000  # vectors; measured: exact search over 375k sentence vectors costs ~30 ms
LARGE_FACTORY = "HNSW32"


def resolve_factory(requested: str, size: int) -> str:
    """Exact search while it is fast; HNSW past EXACT_UP_TO vectors when "auto"."""
    if requested != "auto":
        return requested
    return "Flat" if size <= EXACT_UP_TO else LARGE_FACTORY


class VectorIndex:
    """A FAISS index over normalised vectors; row i is passage i."""

    def __init__(self, index: faiss.Index, factory: str) -> None:
        self._index = index
        self.factory = factory
        # Search-time breadth of approximate indexes (not always kept by write_index).
        if factory.startswith("IVF"):
            faiss.extract_index_ivf(index).nprobe = 16
        elif factory.startswith("HNSW"):
            faiss.downcast_index(index).hnsw.efSearch = 128  # type: ignore[attr-defined]

    @classmethod
    def build(cls, vectors: np.ndarray, factory: str = DEFAULT_FACTORY) -> VectorIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        factory = resolve_factory(factory, len(vectors))
        index = faiss.index_factory(vectors.shape[1], factory, faiss.METRIC_INNER_PRODUCT)
        if not index.is_trained:
            index.train(vectors)
        index.add(vectors)
        return cls(index, factory)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, row ids) per query; ids of -1 mean fewer than k rows exist."""
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        k = max(1, min(k, self.size))
        return self._index.search(queries, k)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, factory: str) -> VectorIndex:
        return cls(faiss.read_index(str(path)), factory)
