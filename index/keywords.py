"""Keyword (BM25) index over Chinese tokens, stored with bm25s's own pickle-free files.

bm25s builds and saves the index; a loaded index is scored here with numpy alone, because
importing bm25s pulls in scipy and costs a second of every cold `ask`. bm25s precomputes each
(token, passage) score into a CSC matrix, so a query's scores are the sum of its tokens' columns
(the `lucene` variant we build; tested to match bm25s's own scores).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.tokens import TOKENIZERS


@dataclass(frozen=True)
class _Scores:
    """bm25s's precomputed scores: token t's passages are indices[indptr[t]:indptr[t+1]]."""

    vocab: dict[str, int]
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray


class KeywordIndex:
    """BM25 scores for every passage; rows match the passage order of the index."""

    def __init__(self, scores: _Scores, size: int, tokenizer: str, model: object | None = None) -> None:
        self._scores = scores
        self._model = model  # the bm25s object of a fresh build, kept to save it in its format
        self.size = size
        self.tokenizer = tokenizer
        self._tokenize = TOKENIZERS[tokenizer]

    @classmethod
    def build(cls, texts: list[str], tokenizer: str = "words") -> KeywordIndex:
        import bm25s

        # bm25s sets its logger to DEBUG on import, which prints build chatter into the console
        # chat; let it follow the application's logging level instead.
        logging.getLogger("bm25s").setLevel(logging.NOTSET)
        model = bm25s.BM25(k1=1.2, b=0.75)
        split = TOKENIZERS[tokenizer]
        # An empty token list would break bm25s; a placeholder token matches no query.
        corpus = [split(text) or ["\x00"] for text in texts]
        model.index(corpus, show_progress=False)
        raw = model.scores
        scores = _Scores(dict(model.vocab_dict), raw["data"], raw["indices"], raw["indptr"])
        return cls(scores, len(texts), tokenizer, model)

    def query_tokens(self, text: str) -> list[str]:
        return self._tokenize(text)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of each passage (repeated query tokens count again); zeros when none is known."""
        s = self._scores
        columns = len(s.indptr) - 1  # bm25s's vocabulary also holds "", which has no column
        known = [s.vocab[token] for token in query_tokens if s.vocab.get(token, columns) < columns]
        out = np.zeros(self.size, dtype=np.float32)
        for token_id in known:
            start, end = s.indptr[token_id], s.indptr[token_id + 1]
            np.add.at(out, s.indices[start:end], s.data[start:end])
        return out

    def vocabulary_has(self, token: str) -> bool:
        return token in self._scores.vocab

    def save(self, folder: Path) -> None:
        if self._model is None:
            raise ValueError("only a freshly built keyword index can be saved")
        self._model.save(str(folder), allow_pickle=False)  # type: ignore[attr-defined]

    @classmethod
    def load(cls, folder: Path, size: int, tokenizer: str) -> KeywordIndex:
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if params.get("method", "lucene") not in ("lucene", "robertson", "atire"):
            raise ValueError(f"BM25 variant {params.get('method')} is not supported")
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        arrays = {
            name: np.load(folder / f"{name}.csc.index.npy", allow_pickle=False)
            for name in ("data", "indices", "indptr")
        }
        if int(params.get("num_docs", size)) != size or len(arrays["indptr"]) > len(vocab) + 1:
            raise ValueError("BM25 index does not match the passages")
        return cls(_Scores(vocab, arrays["data"], arrays["indices"], arrays["indptr"]), size, tokenizer)
