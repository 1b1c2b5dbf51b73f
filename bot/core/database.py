"""The bot's state in one SQLite file (WAL mode): answers, feedback, quiz attempts and schedules.

Why SQLite: restarts must keep everything confirmed to users, writes must be atomic, and several
threads (the event loop's workers) read and write at once. Each table is owned by one module;
this one only opens the connection and creates the schema.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    answer_id TEXT PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    payload TEXT NOT NULL,          -- the Answer as JSON (citations included)
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    value INTEGER NOT NULL,         -- +1 helpful, -1 not helpful
    created_at REAL NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
"""


class Database:
    """A thread-safe SQLite connection; `None` path keeps everything in memory (tests)."""

    def __init__(self, path: Path | None = None) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(":memory:" if path is None else str(path), check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self.executescript(SCHEMA)

    def executescript(self, script: str) -> None:
        with self._lock:
            self._db.executescript(script)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: committed on success, rolled back on any error."""
        with self._lock:
            try:
                yield self._db
                self._db.commit()
            except BaseException:
                self._db.rollback()
                raise

    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()
