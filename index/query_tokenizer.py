"""XLM-R tokenisation of a few questions without loading all 250,002 pieces into `tokenizers`.

Why: `Tokenizer.from_file` on the model's 17 MB `tokenizer.json` took 0.9 s of CPU at every
start — the largest single cost of a cold `policybot ask`. A unigram tokeniser's Viterbi search
can only use pieces that occur in the text, so a question is tokenised by a unigram model built
from just those pieces (looked up in a plain piece list that loads in a tenth of the time),
with the same scores, the same normaliser and pre-tokeniser (a "shell" of the original
`tokenizer.json` with its vocabulary cut to the special pieces), and the lowest-scoring piece
always present (the score of an unknown character is derived from the vocabulary's minimum).
The ids are mapped back to the full vocabulary; equality with the full tokenizer is tested on
the whole corpus and on awkward inputs. Builds, which tokenise thousands of passages, keep
the full tokenizer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.atomic import write_array_atomic, write_text_atomic

PIECES_FILE = "vocab-pieces.txt"  # one piece per line, in id order
SCORES_FILE = "vocab-scores.npy"  # float64 log-probabilities, in id order
SHELL_FILE = "tokenizer-shell.json"  # tokenizer.json with only the special pieces
SPLIT_RECORD = "vocab-split.json"  # which tokenizer.json the three files were cut from
SPECIAL_PIECES = 4  # <s> <pad> </s> <unk>: kept at their ids so the post-processor's ids hold
SPACE = "▁"  # the metaspace pre-tokeniser's replacement for spaces (and word starts)


def _source_stamp(tokenizer_file: Path) -> dict[str, int]:
    stat = tokenizer_file.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def split_vocabulary(folder: Path) -> None:
    """Cut `folder/tokenizer.json` into the piece list, the scores and the shell (atomically)."""
    source = folder / "tokenizer.json"
    config = json.loads(source.read_text(encoding="utf-8"))
    model = config["model"]
    if model.get("type") != "Unigram" or model.get("unk_id") != SPECIAL_PIECES - 1:
        raise ValueError(f"{source}: not the XLM-R unigram tokenizer this module was written for")
    vocab = model["vocab"]
    pieces = [piece for piece, _ in vocab]
    if any("\n" in piece for piece in pieces):
        raise ValueError(f"{source}: a piece holds a line break")
    scores = np.asarray([score for _, score in vocab], dtype=np.float64)
    model["vocab"] = vocab[:SPECIAL_PIECES]
    write_text_atomic(folder / PIECES_FILE, "\n".join(pieces))
    write_array_atomic(folder / SCORES_FILE, scores)
    write_text_atomic(folder / SHELL_FILE, json.dumps(config, ensure_ascii=False))
    longest = max(len(piece) for piece in pieces)
    record = {"source": _source_stamp(source), "pieces": len(pieces), "longest": longest}
    write_text_atomic(folder / SPLIT_RECORD, json.dumps(record))


def _split_is_current(folder: Path) -> bool:
    try:
        record = json.loads((folder / SPLIT_RECORD).read_text(encoding="utf-8"))
        return bool(record["source"] == _source_stamp(folder / "tokenizer.json"))
    except (OSError, ValueError, KeyError):
        return False


@dataclass(frozen=True)
class QueryTokenizer:
    """Token ids of short texts, equal to the full tokenizer's (`<s> … </s>`, truncated)."""

    pieces: list[str]
    scores: np.ndarray
    piece_ids: dict[str, int]
    shell: str
    longest: int
    lowest: int  # the lowest-scoring piece: the unknown-character score is derived from it
    max_tokens: int

    @classmethod
    def open(cls, folder: Path, max_tokens: int) -> QueryTokenizer:
        """Read the split vocabulary, cutting it from tokenizer.json first if it is missing or stale."""
        if not _split_is_current(folder):
            split_vocabulary(folder)
        pieces = (folder / PIECES_FILE).read_text(encoding="utf-8").split("\n")
        scores = np.load(folder / SCORES_FILE, allow_pickle=False)
        record = json.loads((folder / SPLIT_RECORD).read_text(encoding="utf-8"))
        if len(pieces) != len(scores) or len(pieces) != record["pieces"]:
            raise ValueError(f"{folder}: the split vocabulary is inconsistent; delete {SPLIT_RECORD} to redo it")
        return cls(
            pieces=pieces,
            scores=scores,
            piece_ids=dict(zip(pieces, range(len(pieces)))),
            shell=(folder / SHELL_FILE).read_text(encoding="utf-8"),
            longest=int(record["longest"]),
            lowest=int(np.argmin(scores)),
            max_tokens=max_tokens,
        )

    def encode(self, texts: list[str]) -> list[list[int]]:
        """Ids of each text in the full vocabulary. A fresh shell per call: safe across threads."""
        from tokenizers import Tokenizer, models

        tokenizer = Tokenizer.from_str(self.shell)
        tokenizer.enable_truncation(self.max_tokens)
        tokenizer.no_padding()
        normalizer: Any = tokenizer.normalizer
        used = self._pieces_in([normalizer.normalize_str(text) for text in texts])
        vocab = [(self.pieces[i], float(self.scores[i])) for i in used]
        tokenizer.model = models.Unigram(vocab, unk_id=SPECIAL_PIECES - 1, byte_fallback=False)
        full_ids = np.asarray(used, dtype=np.int64)
        return [full_ids[encoding.ids].tolist() for encoding in tokenizer.encode_batch(texts)]

    def _pieces_in(self, normalized: list[str]) -> list[int]:
        """The special pieces, the lowest-scoring piece, then every piece occurring in the texts."""
        fixed = [*range(SPECIAL_PIECES), self.lowest]
        found: set[int] = set()
        lookup, longest = self.piece_ids.get, self.longest
        for text in normalized:
            # A superset of what the pre-tokeniser hands the model: every word starts with ▁.
            spaced = SPACE + text.replace(" ", SPACE)
            size = len(spaced)
            for start in range(size):
                for end in range(start + 1, min(start + longest, size) + 1):
                    piece_id = lookup(spaced[start:end])
                    if piece_id is not None:
                        found.add(piece_id)
        return fixed + sorted(found.difference(fixed))
