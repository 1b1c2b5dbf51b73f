"""The quiz's SQLite tables: schema, migration from the first version, and every query.

Why here and not in the engine: the engine decides what happens, this module only records it.
State changes are compare-and-set updates (`... WHERE state = 'open'`), so a timer and the
last answer racing for one question cannot both close it. Constraint violations are raised as
`QuizStorageError` naming the constraint; only "this player already answered" is expected.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable

from bot.core.database import Database
from bot.core.quiz.migrations import SCHEMA_VERSION, migrate
from bot.core.quiz.model import (
    Advance,
    ItemStats,
    Player,
    QuestionState,
    Session,
    SessionMode,
    SessionStatus,
    Standing,
)

REVIEW_STEPS_DAYS = (0, 1, 3, 7, 14, 30)  # Leitner boxes: a wrong answer goes back to box 0
ALREADY_RUNNING = "本群已有一场答题正在进行，请先答完或发送 /stop 结束。"


class QuizError(Exception):
    """Something the user asked for cannot be done; the message says why, in Chinese."""


class QuizStorageError(RuntimeError):
    """A write broke a rule of the quiz tables (a bug, or a damaged file): never silently lost."""


class QuizStore:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock
        migrate(db)

    @property
    def version(self) -> int:
        return SCHEMA_VERSION

    # ------------------------------------------------------------- sessions
    def create_session(self, session: Session, item_ids: list[str]) -> None:
        """Insert a running session and its questions; ALREADY_RUNNING if the room is busy."""
        try:
            with self._db.transaction() as db:
                db.execute(
                    "INSERT INTO quiz_sessions (session_id, room, owner_id, mode, size, status, position, "
                    "advance, solo, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
                    (session.session_id, session.room, session.owner_id, session.mode, session.size,
                     session.status, session.advance, int(session.solo), self._clock()),
                )  # fmt: skip
                db.executemany(
                    "INSERT INTO quiz_questions (session_id, position, item_id) VALUES (?, ?, ?)",
                    [(session.session_id, i, item_id) for i, item_id in enumerate(item_ids)],
                )
        except sqlite3.IntegrityError as exc:
            if "quiz_sessions.room" in str(exc):  # the partial unique index: one running per room
                raise QuizError(ALREADY_RUNNING) from exc
            raise _storage_error("新答题", exc) from exc

    def session(self, session_id: str) -> Session | None:
        rows = self._db.query("SELECT * FROM quiz_sessions WHERE session_id = ?", (session_id,))
        return _session(rows[0]) if rows else None

    def running(self, room: str) -> Session | None:
        rows = self._db.query("SELECT * FROM quiz_sessions WHERE room = ? AND status = 'running'", (room,))
        return _session(rows[0]) if rows else None

    def all_running(self, room_prefix: str = "") -> list[Session]:
        rows = self._db.query(
            "SELECT * FROM quiz_sessions WHERE status = 'running' AND substr(room, 1, ?) = ?",
            (len(room_prefix), room_prefix),
        )
        return [_session(r) for r in rows]

    def end_session(self, session_id: str, status: SessionStatus) -> bool:
        """Running → status, closing any open question; False if it had already ended."""
        with self._db.transaction() as db:
            changed = db.execute(
                "UPDATE quiz_sessions SET status = ?, finished_at = ? WHERE session_id = ? AND status = 'running'",
                (status, self._clock(), session_id),
            ).rowcount
            db.execute(
                "UPDATE quiz_questions SET state = 'closed' WHERE session_id = ? AND state = 'open'",
                (session_id,),
            )
        return bool(changed)

    # ------------------------------------------------------------ questions
    def question(self, session_id: str, position: int) -> tuple[str, QuestionState] | None:
        rows = self._db.query(
            "SELECT item_id, state FROM quiz_questions WHERE session_id = ? AND position = ?",
            (session_id, position),
        )
        return (rows[0]["item_id"], QuestionState(rows[0]["state"])) if rows else None

    def open_question(self, session_id: str, position: int) -> bool:
        """Pending → open, and it becomes the session's current question."""
        with self._db.transaction() as db:
            changed = db.execute(
                "UPDATE quiz_questions SET state = 'open', opened_at = ? "
                "WHERE session_id = ? AND position = ? AND state = 'pending'",
                (self._clock(), session_id, position),
            ).rowcount
            if changed:
                db.execute(
                    "UPDATE quiz_sessions SET position = ? WHERE session_id = ?", (position, session_id)
                )
        return bool(changed)

    def close_question(self, session_id: str, position: int) -> bool:
        """Open → closed; False if it was not open (a timer and the last answer raced)."""
        with self._db.transaction() as db:
            changed = db.execute(
                "UPDATE quiz_questions SET state = 'closed' WHERE session_id = ? AND position = ? AND state = 'open'",
                (session_id, position),
            ).rowcount
        return bool(changed)

    def attach_message(self, session_id: str, position: int, message_id: int, poll_id: str | None) -> None:
        with self._db.transaction() as db:
            db.execute(
                "UPDATE quiz_questions SET message_id = ?, poll_id = ? WHERE session_id = ? AND position = ?",
                (message_id, poll_id, session_id, position),
            )

    def sent_as(self, session_id: str, position: int) -> tuple[int | None, str | None]:
        rows = self._db.query(
            "SELECT message_id, poll_id FROM quiz_questions WHERE session_id = ? AND position = ?",
            (session_id, position),
        )
        return (rows[0]["message_id"], rows[0]["poll_id"]) if rows else (None, None)

    def by_poll(self, poll_id: str) -> tuple[str, int] | None:
        rows = self._db.query("SELECT session_id, position FROM quiz_questions WHERE poll_id = ?", (poll_id,))
        return (rows[0]["session_id"], rows[0]["position"]) if rows else None

    def by_message(self, room: str, message_id: int) -> tuple[str, int] | None:
        rows = self._db.query(
            "SELECT q.session_id, q.position FROM quiz_questions q JOIN quiz_sessions s USING (session_id) "
            "WHERE s.room = ? AND q.message_id = ?",
            (room, message_id),
        )
        return (rows[0]["session_id"], rows[0]["position"]) if rows else None

    # -------------------------------------------------------------- players
    def join(self, session_id: str, player: Player) -> bool:
        with self._db.transaction() as db:
            added = db.execute(
                "INSERT INTO quiz_players VALUES (?, ?, ?, ?) ON CONFLICT(session_id, player_id) "
                "DO UPDATE SET name = excluded.name",
                (session_id, player.player_id, player.shown_name(), self._clock()),
            ).rowcount
        return bool(added)

    def record_attempt(
        self, session: Session, position: int, player: Player, item_id: str, reply: str, correct: bool
    ) -> bool:
        """Write an answer and the player's review box at once; False if the player had answered."""
        now = self._clock()
        try:
            with self._db.transaction() as db:
                inserted = db.execute(
                    "INSERT INTO quiz_attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(session_id, position, player_id) DO NOTHING",
                    (session.session_id, position, session.room, player.player_id, player.shown_name(),
                     item_id, reply[:200], int(correct), now),
                ).rowcount  # fmt: skip
                if inserted:
                    _update_review(db, player.player_id, item_id, correct, now)
        except sqlite3.IntegrityError as exc:
            raise _storage_error("答案", exc) from exc
        return bool(inserted)

    def participants(self, session_id: str) -> tuple[int, int]:
        """(joined, known): players who joined, and those together with everyone who answered."""
        rows = self._db.query(
            "SELECT (SELECT COUNT(*) FROM quiz_players WHERE session_id = ?) AS joined, "
            "(SELECT COUNT(*) FROM (SELECT player_id FROM quiz_players WHERE session_id = ? "
            "UNION SELECT player_id FROM quiz_attempts WHERE session_id = ?)) AS known",
            (session_id, session_id, session_id),
        )
        return int(rows[0]["joined"]), int(rows[0]["known"])

    def tally(self, session_id: str, position: int) -> tuple[int, int]:
        """(answered, correct) for one question."""
        rows = self._db.query(
            "SELECT COUNT(*) AS answered, COALESCE(SUM(correct), 0) AS correct FROM quiz_attempts "
            "WHERE session_id = ? AND position = ?",
            (session_id, position),
        )
        return int(rows[0]["answered"]), int(rows[0]["correct"])

    # --------------------------------------------------------------- scores
    def standings(self, where: str, params: tuple) -> list[Standing]:
        rows = self._db.query(
            f"SELECT player_id, MAX(name) AS name, SUM(correct) AS correct, COUNT(*) AS answered, "
            f"MAX(answered_at) AS last FROM quiz_attempts WHERE {where} GROUP BY player_id "
            "ORDER BY correct DESC, answered ASC, last ASC",
            params,
        )
        return [Standing(r["player_id"], r["name"], int(r["correct"]), int(r["answered"])) for r in rows]

    def due_items(self, player_id: str, limit: int) -> list[str]:
        rows = self._db.query(
            "SELECT item_id FROM quiz_review WHERE player_id = ? AND due_at <= ? ORDER BY due_at LIMIT ?",
            (player_id, self._clock(), limit),
        )
        return [r["item_id"] for r in rows]

    def item_stats(self, item_ids: Iterable[str] | None = None) -> list[ItemStats]:
        """Per item: times asked in a session, answers, right answers (from the recorded sessions)."""
        rows = self._db.query(
            "SELECT q.item_id, COUNT(DISTINCT q.session_id || ':' || q.position) AS shown, "
            "COUNT(a.player_id) AS answered, COALESCE(SUM(a.correct), 0) AS correct "
            "FROM quiz_questions q LEFT JOIN quiz_attempts a "
            "ON a.session_id = q.session_id AND a.position = q.position "
            "WHERE q.state != 'pending' GROUP BY q.item_id"
        )
        wanted = set(item_ids) if item_ids is not None else None
        return [
            ItemStats(r["item_id"], int(r["shown"]), int(r["answered"]), int(r["correct"]))
            for r in rows
            if wanted is None or r["item_id"] in wanted
        ]

    # ---------------------------------------------------------------- daily
    def set_daily(self, room: str, hhmm: str | None) -> None:
        with self._db.transaction() as db:
            if hhmm is None:
                db.execute("DELETE FROM quiz_daily WHERE room = ?", (room,))
            else:
                db.execute(
                    "INSERT INTO quiz_daily VALUES (?, ?) ON CONFLICT(room) DO UPDATE SET hhmm = excluded.hhmm",
                    (room, hhmm),
                )

    def dailies(self) -> list[tuple[str, str]]:
        return [
            (r["room"], r["hhmm"]) for r in self._db.query("SELECT room, hhmm FROM quiz_daily ORDER BY room")
        ]

    def count_due(self, player_id: str) -> int:
        rows = self._db.query(
            "SELECT COUNT(*) AS n FROM quiz_review WHERE player_id = ? AND due_at <= ?",
            (player_id, self._clock()),
        )
        return int(rows[0]["n"])


def _update_review(db: sqlite3.Connection, player_id: str, item_id: str, correct: bool, now: float) -> None:
    row = db.execute(
        "SELECT box FROM quiz_review WHERE player_id = ? AND item_id = ?", (player_id, item_id)
    ).fetchone()
    if row is None and correct:
        return  # right the first time: nothing to review
    last = len(REVIEW_STEPS_DAYS) - 1
    box = 0 if not correct else min((row["box"] if row else 0) + 1, last)
    if correct and box == last:
        db.execute("DELETE FROM quiz_review WHERE player_id = ? AND item_id = ?", (player_id, item_id))
        return
    db.execute(
        "INSERT INTO quiz_review VALUES (?, ?, ?, ?) ON CONFLICT(player_id, item_id) "
        "DO UPDATE SET box = excluded.box, due_at = excluded.due_at",
        (player_id, item_id, box, now + REVIEW_STEPS_DAYS[box] * 86400),
    )


def _session(row: sqlite3.Row) -> Session:
    return Session(
        row["session_id"], row["room"], row["owner_id"], SessionMode(row["mode"]), row["size"],
        SessionStatus(row["status"]), row["position"], Advance(row["advance"]), bool(row["solo"]),
    )  # fmt: skip


def _storage_error(what: str, exc: sqlite3.IntegrityError) -> QuizStorageError:
    return QuizStorageError(f"保存{what}时违反了数据约束（{exc}）；数据未写入。")
