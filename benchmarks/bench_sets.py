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

from corpus.loaders import load_passages_jsonl
from corpus.model import Passage
from index.evaluation import LabelledQuery, load_queries


def half_of(passage_id: str) -> str:
    article = passage_id.split("#", 1)[0]
    return "A" if hashlib.sha256(article.encode("utf-8")).digest()[0] % 2 == 0 else "B"


@dataclass(frozen=True)
class BenchSet:
    name: str
    passages: list[Passage]
    queries: list[LabelledQuery]

    def half(self, which: str) -> list[LabelledQuery]:
        return [q for q in self.queries if half_of(q.passage_id) == which]


def load_bench_sets(bench: Path) -> list[BenchSet]:
    """Every `*_passages.jsonl` / `*_queries.jsonl` pair in the folder, by name."""
    out = []
    for passages_file in sorted(bench.glob("*_passages.jsonl")):
        queries_file = passages_file.with_name(passages_file.name.replace("_passages", "_queries"))
        out.append(
            BenchSet(
                passages_file.stem.replace("_passages", ""),
                load_passages_jsonl(passages_file),
                load_queries(queries_file),
            )
        )
    return out
