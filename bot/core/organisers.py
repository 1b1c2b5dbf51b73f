"""Organiser accounts for the web page: argon2 password hashes in SQLite, and login throttling.

Why here and not in the web package: the CLI creates accounts (`policybot web add-organiser`)
and the page checks them; neither should own the storage. Passwords are never stored or logged.
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.core.database import Database

SCHEMA = """
CREATE TABLE IF NOT EXISTS organisers (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,   -- argon2id; the password itself is never stored
    created_at REAL NOT NULL
);
"""
MIN_PASSWORD_CHARS = 8
_USERNAME = re.compile(r"^[\w\u3400-\u9fff.\-]{1,32}$")


class AccountError(ValueError):
    """An account cannot be created; the message says why, in Chinese."""


class OrganiserAccounts:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._hasher = PasswordHasher()
        # Checking an unknown name costs as much as a known one, so timing does not reveal names.
        self._dummy_hash = self._hasher.hash("policybot-no-such-organiser")
        db.executescript(SCHEMA)

    def add(self, username: str, password: str) -> bool:
        """Create or reset an account; True when it is new."""
        username = username.strip()
        if not _USERNAME.match(username):
            raise AccountError("用户名只能包含汉字、字母、数字、点、横线或下划线，最长 32 个字符。")
        if len(password) < MIN_PASSWORD_CHARS:
            raise AccountError(f"密码至少需要 {MIN_PASSWORD_CHARS} 个字符。")
        new = not self.exists(username)
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO organisers VALUES (?, ?, ?) "
                "ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash",
                (username, self._hasher.hash(password), time.time()),
            )
        return new

    def exists(self, username: str) -> bool:
        return bool(self._db.query("SELECT 1 FROM organisers WHERE username = ?", (username,)))

    def count(self) -> int:
        return int(self._db.query("SELECT COUNT(*) AS n FROM organisers")[0]["n"])

    def verify(self, username: str, password: str) -> bool:
        rows = self._db.query("SELECT password_hash FROM organisers WHERE username = ?", (username,))
        stored = rows[0]["password_hash"] if rows else self._dummy_hash
        try:
            ok = self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
        return bool(rows) and ok


class LoginThrottle:
    """At most `limit` failed logins per key (user name, client address) per `window` seconds."""

    def __init__(
        self, limit: int = 5, window: float = 600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] >= self.window:
            failures.popleft()
        return failures

    def blocked_for(self, *keys: str) -> float:
        """Seconds until any of `keys` may try again (0 when allowed)."""
        now = self._clock()
        with self._lock:
            waits = [
                self.window - (now - failures[0])
                for failures in (self._recent(k, now) for k in keys)
                if len(failures) >= self.limit
            ]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
