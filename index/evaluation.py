"""Retrieval quality and latency on a labelled query set (format of shared/bench)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.encoder import Encoder
from index.fusion import FusionWeights
from index.hybrid import HybridIndex

# Each retriever alone, for comparison with the fused ranking in the same run.
SINGLE_RETRIEVERS = {
    "dense": FusionWeights(dense=1.0, sentence=0.0, words=0.0, bigrams=0.0),
    "bm25": FusionWeights(dense=0.0, sentence=0.0, words=1.0, bigrams=0.0),
    "bm25_bigrams": FusionWeights(dense=0.0, sentence=0.0, words=0.0, bigrams=1.0),
    "dense_sentences": FusionWeights(dense=0.0, sentence=1.0, words=0.0, bigrams=0.0),
}


@dataclass(frozen=True)
class LabelledQuery:
    question: str
    passage_id: str


@dataclass(frozen=True)
class RetrievalScores:
    queries: int
    hit_at_1: float
    hit_at_5: float
    hit_at_10: float
    mrr_at_10: float
    latency_p50_ms: float
    latency_p95_ms: float

    def to_json(self) -> dict[str, float]:
        return asdict(self)


def load_queries(path: Path) -> list[LabelledQuery]:
    out = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                out.append(LabelledQuery(row["q"], str(row["passage_id"])))
    return out


def evaluate(
    index: HybridIndex,
    encoder: Encoder,
    queries: list[LabelledQuery],
    weights: FusionWeights | None = None,
) -> RetrievalScores:
    ranks: list[int | None] = []
    latencies: list[float] = []
    for query in queries:
        started = time.perf_counter()
        result = index.search(query.question, encoder, k=10, weights=weights)
        latencies.append((time.perf_counter() - started) * 1000)
        ids = [hit.passage.passage_id for hit in result.hits]
        ranks.append(ids.index(query.passage_id) if query.passage_id in ids else None)
    n = max(len(queries), 1)

    def hit(at: int) -> float:
        return sum(1 for r in ranks if r is not None and r < at) / n

    return RetrievalScores(
        queries=len(queries),
        hit_at_1=hit(1),
        hit_at_5=hit(5),
        hit_at_10=hit(10),
        mrr_at_10=sum(1 / (r + 1) for r in ranks if r is not None) / n,
        latency_p50_ms=float(np.percentile(latencies, 50)) if latencies else 0.0,
        latency_p95_ms=float(np.percentile(latencies, 95)) if latencies else 0.0,
    )
