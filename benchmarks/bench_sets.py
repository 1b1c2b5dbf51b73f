"""The CMRC 2018 trial and DRCD dev sets, each cut into two fixed halves.

Half A is for tuning (fusion weights, the learned ranker), half B only for reporting. A query's
half is decided by its passage's *article* (the id before "#"): the first byte of
sha256(article id) even → A, odd → B. Questions about the same article stay together, so no
article tuned on is reported on; the cut does not depend on file order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from corpus.model import Passage
from corpus.passage_file import load_passages_jsonl
from index.evaluation import LabelledQuery, load_queries


def _digest(passage_id: str) -> bytes:
    return hashlib.sha256(passage_id.split("#", 1)[0].encode("utf-8")).digest()


def half_of(passage_id: str) -> str:
    return "A" if _digest(passage_id)[0] % 2 == 0 else "B"


@dataclass(frozen=True)
class BenchSet:
    name: str
    passages: list[Passage]
    queries: list[LabelledQuery]

    def half(self, which: str) -> list[LabelledQuery]:
        return [q for q in self.queries if half_of(q.passage_id) == which]

    def sample(self, max_passages: int) -> BenchSet:
        """A fixed subset of whole articles, about `max_passages` passages, with their queries.

        Why: embedding a whole set (≈20k passages and sentences) takes an hour on a busy 2-core
        machine; a smaller collection makes retrieval easier, so compare rankings only within
        one subset. Articles are kept by the second byte of the same hash, so halves stay mixed.
        """
        if max_passages <= 0 or max_passages >= len(self.passages):
            return self
        cut = 256 * max_passages / len(self.passages)
        passages = [p for p in self.passages if _digest(p.passage_id)[1] < cut]
        kept = {p.passage_id for p in passages}
        queries = [q for q in self.queries if q.passage_id in kept]
        return BenchSet(f"{self.name} (sample)", passages, queries)


def load_bench_sets(bench: Path, max_passages: int = 0) -> list[BenchSet]:
    """Every `*_passages.jsonl` / `*_queries.jsonl` pair in the folder, by name (0: whole sets)."""
    out = []
    for passages_file in sorted(bench.glob("*_passages.jsonl")):
        queries_file = passages_file.with_name(passages_file.name.replace("_passages", "_queries"))
        bench_set = BenchSet(
            passages_file.stem.replace("_passages", ""),
            load_passages_jsonl(passages_file),
            load_queries(queries_file),
        )
        out.append(bench_set.sample(max_passages))
    return out
