"""Which of a question's words the material uses, and how much more than everyday Chinese does.

Why: an everyday question ("今天吃什么好？", "最近房价怎么样？") can share a common word or two with
the material (今天, 最近, 好), and e5 then finds a passage close enough to answer it. What it
lacks is a word that is *typical of the material*. For each word of the question its keyness

    log(share of the material's passages holding it) + jieba's general IDF

compares the two frequencies (jieba's IDF is about −log of the word's share of general
documents): above 0 the material uses the word more often than general Chinese does. A question
about the material has at least one such word (示范县, 中心组, 信访, even 创建 or 工作); on the dev
questions 15 of 22 everyday questions have none, against 2 of 56 Chinese ones about the material.
The passage counts come from the BM25 word index already loaded, so nothing new is stored.
"""

from __future__ import annotations

import math
import re

from index.hybrid import HybridIndex
from index.tokens import content_terms

# A question with no word of the material at all: below every keyness the dev questions reach
# (−1.9), so "no material word" reads as less specific than "only common ones".
NO_MATERIAL_WORD = -3.0
_CHINESE = re.compile(r"[\u3400-\u9fff]")
_CACHE_LIMIT = 65536  # distinct words kept; user questions bring new ones without end


class MaterialWords:
    """The index's vocabulary as the scope model reads it: which words occur, and how typical they are."""

    def __init__(self, index: HybridIndex) -> None:
        self.index = index
        self._keyness: dict[str, float | None] = {}

    def knows(self, term: str) -> bool:
        """Does the material use this word anywhere (its word, or all its character pairs)."""
        return self.index.knows(term)

    def keyness(self, term: str, idf: float) -> float | None:
        """log(passage share) + general IDF; None for a word the material does not hold.

        Words without a Chinese character (3, gdp) are left out: jieba's IDF table does not know
        them, so their general frequency is a guess.
        """
        if term not in self._keyness:
            if len(self._keyness) >= _CACHE_LIMIT:
                self._keyness.clear()
            df = self.index.words.document_frequency(term) if _CHINESE.search(term) else 0
            self._keyness[term] = math.log(df / self.index.size) + idf if df else None
        return self._keyness[term]

    def specificity(self, question: str) -> float:
        """The keyness of the question's most material-typical word (NO_MATERIAL_WORD without one)."""
        found = [self.keyness(term, idf) for term, idf in content_terms(question).items()]
        return max((k for k in found if k is not None), default=NO_MATERIAL_WORD)
