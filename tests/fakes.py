"""A fast deterministic encoder for unit tests of storage and fusion (the real model is tested too)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from index.encoder import normalize_rows


class HashEncoder:
    """Character-bigram hashing into a small space: similar wording, similar vector."""

    def __init__(self, name: str = "hash-test-encoder", dim: int = 64) -> None:
        self.name = name
        self.dim = dim
        self.calls: list[int] = []  # how many texts each encode call received

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        for a, b in zip(chars, chars[1:] + [""]):
            digest = hashlib.md5(f"{a}{b}".encode()).digest()
            vector[digest[0] % self.dim] += 1.0 if digest[1] % 2 else -1.0
        if not vector.any():
            vector[0] = 1.0
        return vector

    def _encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize_rows(np.stack([self._vector(t) for t in texts]))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database through SQLite itself.

    Reading the file with plain open()/close() in a process that has it open would drop that
    process's POSIX locks on it, and concurrent writers could then corrupt it.
    """
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
