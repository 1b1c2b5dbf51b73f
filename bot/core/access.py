"""The members' group access code and the web page's signing secret.

The code comes from POLICYBOT_WEB_ACCESS_CODE unless an organiser changed it on the page (then
the stored one wins, so a leaked code can be replaced without a restart). The secret is generated
once into the data dir when POLICYBOT_WEB_SECRET is unset, so sessions survive restarts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from pathlib import Path

from bot.core.database import Database
from index.atomic import write_text_atomic

SCHEMA = """
CREATE TABLE IF NOT EXISTS web_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at REAL NOT NULL
);
"""
MIN_CODE_CHARS = 4
MAX_CODE_CHARS = 64
SECRET_FILE = "web_secret"


class AccessCodeError(ValueError):
    """A new access code is unusable; the message says why, in Chinese."""


class AccessCode:
    def __init__(self, db: Database, configured: str | None = None) -> None:
        self._db = db
        self._configured = (configured or "").strip() or None
        db.executescript(SCHEMA)

    def current(self) -> str | None:
        rows = self._db.query("SELECT value FROM web_settings WHERE key = 'access_code'")
        return rows[0]["value"] if rows else self._configured

    @property
    def required(self) -> bool:
        return self.current() is not None

    def matches(self, candidate: str) -> bool:
        code = self.current()
        return code is not None and hmac.compare_digest(candidate.strip().encode(), code.encode())

    def generation(self) -> str:
        """Changes when the code changes: sessions admitted with an old code must enter again."""
        return hashlib.sha256((self.current() or "").encode()).hexdigest()[:12]

    def change(self, code: str) -> None:
        code = code.strip()
        if not MIN_CODE_CHARS <= len(code) <= MAX_CODE_CHARS or not code.isprintable():
            raise AccessCodeError(f"访问码需要 {MIN_CODE_CHARS}–{MAX_CODE_CHARS} 个可见字符。")
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO web_settings VALUES ('access_code', ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (code, time.time()),
            )


def signing_secret(configured: str | None, folder: Path) -> str:
    """The configured secret, or the one generated into `folder` on first use (mode 0600)."""
    if configured:
        return configured
    path = folder / SECRET_FILE
    if path.is_file():
        stored = path.read_text(encoding="utf-8").strip()
        if stored:
            return stored
    secret = secrets.token_urlsafe(48)
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, secret + "\n")
    path.chmod(0o600)
    return secret
