"""Answers given and the feedback on them, kept so buttons work after a restart."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict

from bot.core.answers import Answer, Citation
from bot.core.database import Database


class AnswerLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, answer: Answer, chat_id: int, user_id: int) -> str:
        """Store an answer; the short id goes into buttons (callback data ≤ 64 bytes)."""
        answer_id = secrets.token_urlsafe(6)
        payload = json.dumps(asdict(answer), ensure_ascii=False)
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                (answer_id, chat_id, user_id, answer.question, payload, time.time()),
            )
        return answer_id

    def get(self, answer_id: str) -> Answer | None:
        rows = self._db.query("SELECT payload FROM answers WHERE answer_id = ?", (answer_id,))
        if not rows:
            return None
        data = json.loads(rows[0]["payload"])
        data["citations"] = [Citation(**c) for c in data["citations"]]
        return Answer(**data)

    def record_feedback(self, answer_id: str, user_id: int, helpful: bool) -> bool:
        """Store (or change) a user's verdict on an answer; False if the answer is unknown."""
        if not self._db.query("SELECT 1 FROM answers WHERE answer_id = ?", (answer_id,)):
            return False
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?) "
                "ON CONFLICT(answer_id, user_id) DO UPDATE SET value = excluded.value, created_at = excluded.created_at",
                (answer_id, user_id, 1 if helpful else -1, time.time()),
            )
        return True
