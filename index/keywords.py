"""Keyword (BM25) index over Chinese tokens, stored with bm25s's own pickle-free files."""

from __future__ import annotations

import logging
from pathlib import Path

import bm25s
import numpy as np

from index.tokens import TOKENIZERS

# bm25s sets its logger to DEBUG on import, which prints build chatter into the console chat;
# let it follow the application's logging level instead.
logging.getLogger("bm25s").setLevel(logging.NOTSET)


class KeywordIndex:
    """BM25 scores for every passage; rows match the passage order of the index."""

    def __init__(self, model: bm25s.BM25, size: int, tokenizer: str) -> None:
        self._model = model
        self.size = size
        self.tokenizer = tokenizer
        self._tokenize = TOKENIZERS[tokenizer]

    @classmethod
    def build(cls, texts: list[str], tokenizer: str = "words") -> KeywordIndex:
        model = bm25s.BM25(k1=1.2, b=0.75)
        split = TOKENIZERS[tokenizer]
        # An empty token list would break bm25s; a placeholder token matches no query.
        corpus = [split(text) or ["\x00"] for text in texts]
        model.index(corpus, show_progress=False)
        return cls(model, len(texts), tokenizer)

    def query_tokens(self, text: str) -> list[str]:
        return self._tokenize(text)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of each passage; zeros when no token is known."""
        known = self._model.get_tokens_ids(query_tokens)
        if not known or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._model.get_scores_from_ids(known), dtype=np.float32)

    def vocabulary_has(self, token: str) -> bool:
        return token in self._model.vocab_dict

    def save(self, folder: Path) -> None:
        self._model.save(str(folder), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, size: int, tokenizer: str) -> KeywordIndex:
        return cls(bm25s.BM25.load(str(folder), allow_pickle=False), size, tokenizer)
