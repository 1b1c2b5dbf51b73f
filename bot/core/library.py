"""What the material contains: the document list and a passage in its surroundings."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from corpus.model import Passage

ARTICLE_LOCATION = re.compile(r"第.+条$")  # a law's passage: "第二章 第十五条"


@dataclass(frozen=True)
class DocumentSummary:
    doc_id: str
    title: str
    passages: int
    study_text: bool  # a speech or report, not a law or regulation organised in articles (第X条)


@dataclass(frozen=True)
class PassageContext:
    """A passage with the passages before and after it in the same document."""

    before: Passage | None
    passage: Passage
    after: Passage | None


class Library:
    def __init__(self, passages: list[Passage]) -> None:
        self._passages = passages
        self._by_id = {p.passage_id: i for i, p in enumerate(passages)}

    def documents(self) -> list[DocumentSummary]:
        """Study texts (the speech) first, then the laws and regulations, each in corpus order."""
        counts = Counter(p.doc_id for p in self._passages)
        titles = {p.doc_id: p.doc_title for p in self._passages}
        laws = {p.doc_id for p in self._passages if ARTICLE_LOCATION.search(p.location)}
        summaries = [DocumentSummary(d, titles[d], n, d not in laws) for d, n in counts.items()]
        return sorted(summaries, key=lambda s: not s.study_text)

    def context(self, passage_id: str) -> PassageContext | None:
        i = self._by_id.get(passage_id)
        if i is None:
            return None
        passage = self._passages[i]

        def same_doc(j: int) -> Passage | None:
            if 0 <= j < len(self._passages) and self._passages[j].doc_id == passage.doc_id:
                return self._passages[j]
            return None

        return PassageContext(same_doc(i - 1), passage, same_doc(i + 1))
