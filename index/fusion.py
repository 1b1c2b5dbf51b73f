"""Fusing dense and keyword evidence into one ranking.

Each retriever's scores are standardised against the whole collection for this query (a z-score:
how far a passage stands above the typical passage), then mixed with weights tuned on the
Chinese retrieval benchmarks (benchmarks/tune_fusion.py). Standardising per query, rather than
by rank as reciprocal-rank fusion does, keeps the margin information: a passage far ahead in
one retriever is not dragged level with a near tie in the other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class FusionWeights:
    """How much each standardised retriever counts; tuned by benchmarks/tune_fusion.py."""

    dense: float = 0.3  # passage vector
    sentence: float = 0.5  # best sentence vector of the passage
    words: float = 0.1  # BM25 over jieba words
    bigrams: float = 0.1  # BM25 over character pairs

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, float]) -> FusionWeights:
        return cls(**{k: float(v) for k, v in data.items() if k in cls.__dataclass_fields__})


def standardise(scores: np.ndarray, mean: float, std: float) -> np.ndarray:
    return (scores - mean) / max(std, 1e-6)


def column_stats(scores: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of one retriever's scores over the whole collection."""
    if scores.size == 0:
        return 0.0, 1.0
    return float(scores.mean()), float(scores.std())
