"""Embeddings cached by model and content hash, so unchanged text is never embedded twice.

SQLite in WAL mode: concurrent readers, crash-safe writes, vectors stored as raw float32 bytes.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, content_hash)
)
"""


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Look up vectors by (model, text hash); compute and store the missing ones."""

    def __init__(self, path: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = self._open()
        self.hits = 0
        self.misses = 0

    def _open(self) -> sqlite3.Connection:
        """Connect; a damaged cache file is set aside and started afresh (it only saves time)."""
        target = ":memory:" if self._path is None else str(self._path)
        for attempt in range(2):
            try:
                db = sqlite3.connect(target, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
                return db
            except sqlite3.DatabaseError:
                if self._path is None or attempt:
                    raise
                aside = self._path.with_name(f"{self._path.name}.damaged-{int(time.time())}")
                log.warning("event=embedding_cache_damaged path=%s moved_to=%s", self._path, aside)
                for suffix in ("", "-wal", "-shm"):
                    part = Path(f"{self._path}{suffix}")
                    if part.exists():
                        part.rename(Path(f"{aside}{suffix}"))
        raise AssertionError("unreachable")

    def embed(
        self, model: str, texts: list[str], compute: Callable[[list[str]], np.ndarray], dim: int
    ) -> np.ndarray:
        """Vectors for `texts` in order; only texts never seen with this model are computed."""
        hashes = [content_hash(t) for t in texts]
        found = self._lookup(model, set(hashes), dim)
        missing = sorted({h: t for h, t in zip(hashes, texts) if h not in found}.items())
        if missing:
            computed = compute([text for _, text in missing])
            fresh = {h: computed[i] for i, (h, _) in enumerate(missing)}
            self._store(model, fresh)
            found.update(fresh)
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        out = np.zeros((len(texts), dim), dtype=np.float32)
        for row, digest in enumerate(hashes):
            out[row] = found[digest]
        return out

    def _lookup(self, model: str, hashes: set[str], dim: int) -> dict[str, np.ndarray]:
        try:
            return self._lookup_rows(model, hashes, dim)
        except sqlite3.DatabaseError:
            log.warning("event=embedding_cache_unreadable path=%s", self._path)
            return {}  # recompute: slower, never wrong

    def _lookup_rows(self, model: str, hashes: set[str], dim: int) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        wanted = list(hashes)
        with self._lock:
            for i in range(0, len(wanted), 500):
                batch = wanted[i : i + 500]
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT content_hash, vector FROM vectors WHERE model = ? AND content_hash IN ({marks})",
                    [model, *batch],
                )
                for digest, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (dim,):
                        found[digest] = vector
        return found

    def _store(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        rows = [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in vectors.items()]
        try:
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        except sqlite3.DatabaseError:
            log.warning("event=embedding_cache_unwritable path=%s", self._path)

    def close(self) -> None:
        with self._lock:
            self._db.close()
