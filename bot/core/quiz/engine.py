"""Quiz sessions, answers, scores, review and daily schedules, all in SQLite.

Chat-independent: the Telegram adapter and the console call it. Every answer is written the
moment it arrives, so a restart loses none; a session left running by a restart is closed with
its leaderboard when the bot comes back (see `interrupted_sessions`).
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass

from bot.core.database import Database
from bot.core.quiz.bank import QuizBank
from bot.core.quiz.items import CHOICE, FILL, JUDGE, KIND_NAMES, QuizItem, answer_matches

MAX_QUESTIONS = 20
DEFAULT_QUESTIONS = 5
REVIEW_STEPS_DAYS = (0, 1, 3, 7, 14, 30)  # Leitner boxes: a wrong answer goes back to box 0

SCHEMA = """
CREATE TABLE IF NOT EXISTS quiz_sessions (
    session_id TEXT PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    owner_id INTEGER NOT NULL,
    mode TEXT NOT NULL,                 -- quiz | review | daily
    size INTEGER NOT NULL,
    status TEXT NOT NULL,               -- running | finished | stopped | interrupted
    position INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    finished_at REAL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_running_session_per_chat
    ON quiz_sessions(chat_id) WHERE status = 'running';
CREATE TABLE IF NOT EXISTS quiz_questions (
    session_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    poll_id TEXT,
    message_id INTEGER,
    closed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, position)
);
CREATE INDEX IF NOT EXISTS quiz_questions_poll ON quiz_questions(poll_id);
CREATE TABLE IF NOT EXISTS quiz_attempts (
    session_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    first_name TEXT NOT NULL,
    item_id TEXT NOT NULL,
    reply TEXT NOT NULL,
    correct INTEGER NOT NULL,
    answered_at REAL NOT NULL,
    PRIMARY KEY (session_id, position, user_id)
);
CREATE TABLE IF NOT EXISTS quiz_review (
    user_id INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    box INTEGER NOT NULL,
    due_at REAL NOT NULL,
    PRIMARY KEY (user_id, item_id)
);
CREATE TABLE IF NOT EXISTS quiz_daily (
    chat_id INTEGER PRIMARY KEY,
    hhmm TEXT NOT NULL
);
"""
ALREADY_RUNNING = "本群已有一场答题正在进行，请先答完或发送 /stop 结束。"


class QuizError(Exception):
    """Something the user asked for cannot be done; the message says why, in Chinese."""


@dataclass(frozen=True)
class Session:
    session_id: str
    chat_id: int
    owner_id: int
    mode: str
    size: int
    status: str
    position: int


@dataclass(frozen=True)
class AskedQuestion:
    session: Session
    position: int  # 0-based
    item: QuizItem

    @property
    def number(self) -> int:
        return self.position + 1

    @property
    def heading(self) -> str:
        return f"第 {self.number}/{self.session.size} 题（{KIND_NAMES[self.item.kind]}）"


@dataclass(frozen=True)
class AttemptResult:
    correct: bool
    item: QuizItem
    everyone_answered: bool  # every participant of the session has answered this question


@dataclass(frozen=True)
class Standing:
    user_id: int
    first_name: str
    correct: int
    answered: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


class QuizEngine:
    def __init__(self, db: Database, bank: QuizBank, clock=time.time) -> None:
        self._db = db
        self._clock = clock
        self.replace_bank(bank)
        db.executescript(SCHEMA)

    def replace_bank(self, bank: QuizBank) -> None:
        """New material, new questions; items already asked stay answerable by id."""
        previous = getattr(self, "_items", {})
        self.bank = bank
        self._items = {**previous, **bank.by_id()}

    # ------------------------------------------------------------- sessions
    def start(self, chat_id: int, owner_id: int, size: int = DEFAULT_QUESTIONS, keyword: str | None = None,
              mode: str = "quiz", seed: int | None = None) -> AskedQuestion:  # fmt: skip
        if not 1 <= size <= MAX_QUESTIONS:
            raise QuizError(f"题目数量应在 1 到 {MAX_QUESTIONS} 之间，例如 /quiz 5。")
        if self.running(chat_id) is not None:
            raise QuizError(ALREADY_RUNNING)
        pool = self.bank.matching(keyword)
        if not pool:
            raise QuizError(f"没有找到与“{keyword}”相关的题目。可以换个关键词，或发送 /docs 查看资料目录。")
        items = _pick(pool, size, random.Random(seed if seed is not None else secrets.randbits(32)))
        return self._create(chat_id, owner_id, mode, items)

    def start_review(self, chat_id: int, user_id: int, limit: int = 10) -> AskedQuestion | None:
        """A personal session of the user's due wrong answers (None when nothing is due)."""
        rows = self._db.query(
            "SELECT item_id FROM quiz_review WHERE user_id = ? AND due_at <= ? ORDER BY due_at LIMIT ?",
            (user_id, self._clock(), limit),
        )
        items = [self._items[r["item_id"]] for r in rows if r["item_id"] in self._items]
        if not items:
            return None
        if self.running(chat_id) is not None:
            raise QuizError(ALREADY_RUNNING)
        return self._create(chat_id, user_id, "review", items)

    def _create(self, chat_id: int, owner_id: int, mode: str, items: list[QuizItem]) -> AskedQuestion:
        session_id = secrets.token_hex(4)
        try:
            with self._db.transaction() as db:
                db.execute(
                    "INSERT INTO quiz_sessions VALUES (?, ?, ?, ?, ?, 'running', 0, ?, NULL)",
                    (session_id, chat_id, owner_id, mode, len(items), self._clock()),
                )
                db.executemany(
                    "INSERT INTO quiz_questions (session_id, position, item_id) VALUES (?, ?, ?)",
                    [(session_id, i, item.item_id) for i, item in enumerate(items)],
                )
        except Exception as exc:  # the unique index: two /quiz at the same moment
            if "UNIQUE" in str(exc):
                raise QuizError(ALREADY_RUNNING) from exc
            raise
        current = self.current(chat_id)
        assert current is not None
        return current

    def running(self, chat_id: int) -> Session | None:
        rows = self._db.query(
            "SELECT * FROM quiz_sessions WHERE chat_id = ? AND status = 'running'", (chat_id,)
        )
        return _session(rows[0]) if rows else None

    def session(self, session_id: str) -> Session | None:
        rows = self._db.query("SELECT * FROM quiz_sessions WHERE session_id = ?", (session_id,))
        return _session(rows[0]) if rows else None

    def current(self, chat_id: int) -> AskedQuestion | None:
        session = self.running(chat_id)
        if session is None:
            return None
        return self.question(session.session_id, session.position)

    def question(self, session_id: str, position: int) -> AskedQuestion | None:
        session = self.session(session_id)
        rows = self._db.query(
            "SELECT item_id FROM quiz_questions WHERE session_id = ? AND position = ?", (session_id, position)
        )
        if session is None or not rows or rows[0]["item_id"] not in self._items:
            return None
        return AskedQuestion(session, position, self._items[rows[0]["item_id"]])

    def attach_message(self, session_id: str, position: int, message_id: int, poll_id: str | None) -> None:
        with self._db.transaction() as db:
            db.execute(
                "UPDATE quiz_questions SET message_id = ?, poll_id = ? WHERE session_id = ? AND position = ?",
                (message_id, poll_id, session_id, position),
            )

    def sent_as(self, asked: AskedQuestion) -> tuple[int | None, str | None]:
        """The chat message id and poll id a question was sent as."""
        rows = self._db.query(
            "SELECT message_id, poll_id FROM quiz_questions WHERE session_id = ? AND position = ?",
            (asked.session.session_id, asked.position),
        )
        return (rows[0]["message_id"], rows[0]["poll_id"]) if rows else (None, None)

    def by_poll(self, poll_id: str) -> AskedQuestion | None:
        rows = self._db.query("SELECT session_id, position FROM quiz_questions WHERE poll_id = ?", (poll_id,))
        return self.question(rows[0]["session_id"], rows[0]["position"]) if rows else None

    def by_message(self, chat_id: int, message_id: int) -> AskedQuestion | None:
        rows = self._db.query(
            "SELECT q.session_id, q.position FROM quiz_questions q JOIN quiz_sessions s USING (session_id) "
            "WHERE s.chat_id = ? AND q.message_id = ?",
            (chat_id, message_id),
        )
        return self.question(rows[0]["session_id"], rows[0]["position"]) if rows else None

    # -------------------------------------------------------------- answers
    def answer(
        self, asked: AskedQuestion, user_id: int, first_name: str, reply: str | int
    ) -> AttemptResult | None:
        """Record an answer (option index or typed text). None: closed, finished, or answered before."""
        session = self.session(asked.session.session_id)
        if session is None or session.status != "running" or session.position != asked.position:
            return None
        if session.mode == "review" and user_id != session.owner_id:
            return None
        if self._is_closed(asked):
            return None
        item = asked.item
        if isinstance(reply, int):
            correct = reply == item.correct if item.kind in (CHOICE, JUDGE) else False
            text = item.options[reply] if 0 <= reply < len(item.options) else str(reply)
        else:
            correct, text = answer_matches(item, reply), reply
        now = self._clock()
        with self._db.transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO quiz_attempts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session.session_id,
                    asked.position,
                    session.chat_id,
                    user_id,
                    first_name[:64] or "同学",
                    item.item_id,
                    text[:200],
                    int(correct),
                    now,
                ),  # fmt: skip
            ).rowcount
            if inserted:
                self._update_review(db, user_id, item.item_id, correct, now)
        if not inserted:
            return None  # a second answer from the same person does not count
        return AttemptResult(correct, item, self._everyone_answered(session, asked.position))

    def _update_review(self, db, user_id: int, item_id: str, correct: bool, now: float) -> None:
        row = db.execute(
            "SELECT box FROM quiz_review WHERE user_id = ? AND item_id = ?", (user_id, item_id)
        ).fetchone()
        if row is None and correct:
            return  # right the first time: nothing to review
        box = 0 if not correct else min((row["box"] if row else 0) + 1, len(REVIEW_STEPS_DAYS) - 1)
        if correct and box == len(REVIEW_STEPS_DAYS) - 1:
            db.execute("DELETE FROM quiz_review WHERE user_id = ? AND item_id = ?", (user_id, item_id))
            return
        db.execute(
            "INSERT INTO quiz_review VALUES (?, ?, ?, ?) ON CONFLICT(user_id, item_id) "
            "DO UPDATE SET box = excluded.box, due_at = excluded.due_at",
            (user_id, item_id, box, now + REVIEW_STEPS_DAYS[box] * 86400),
        )

    def _is_closed(self, asked: AskedQuestion) -> bool:
        rows = self._db.query(
            "SELECT closed FROM quiz_questions WHERE session_id = ? AND position = ?",
            (asked.session.session_id, asked.position),
        )
        return bool(rows and rows[0]["closed"])

    def _everyone_answered(self, session: Session, position: int) -> bool:
        if session.chat_id > 0 or session.mode == "review":
            return True  # a private chat or a personal review has one participant
        rows = self._db.query(
            "SELECT COUNT(DISTINCT user_id) AS people, "
            "SUM(CASE WHEN position = ? THEN 1 ELSE 0 END) AS here FROM quiz_attempts WHERE session_id = ?",
            (position, session.session_id),
        )
        people, here = rows[0]["people"] or 0, rows[0]["here"] or 0
        return position > 0 and people > 0 and here >= people

    def close_question(self, asked: AskedQuestion) -> bool:
        """Mark the question closed; False if it already was (a timer and the last answer raced)."""
        with self._db.transaction() as db:
            changed = db.execute(
                "UPDATE quiz_questions SET closed = 1 WHERE session_id = ? AND position = ? AND closed = 0",
                (asked.session.session_id, asked.position),
            ).rowcount
        return bool(changed)

    def advance(self, asked: AskedQuestion) -> AskedQuestion | None:
        """The next question, or None when the session is over (then it is finished)."""
        session = asked.session
        nxt = asked.position + 1
        with self._db.transaction() as db:
            if nxt >= session.size:
                db.execute(
                    "UPDATE quiz_sessions SET status = 'finished', finished_at = ? WHERE session_id = ? AND status = 'running'",
                    (self._clock(), session.session_id),
                )
                return None
            db.execute(
                "UPDATE quiz_sessions SET position = ? WHERE session_id = ? AND position = ?",
                (nxt, session.session_id, asked.position),
            )
        return self.question(session.session_id, nxt)

    def stop(self, chat_id: int, status: str = "stopped") -> Session | None:
        session = self.running(chat_id)
        if session is None:
            return None
        with self._db.transaction() as db:
            db.execute(
                "UPDATE quiz_sessions SET status = ?, finished_at = ? WHERE session_id = ?",
                (status, self._clock(), session.session_id),
            )
            db.execute("UPDATE quiz_questions SET closed = 1 WHERE session_id = ?", (session.session_id,))
        return self.session(session.session_id)

    def interrupted_sessions(self) -> list[Session]:
        """Sessions a restart left running: the bot closes them with their leaderboard."""
        rows = self._db.query("SELECT * FROM quiz_sessions WHERE status = 'running'")
        return [_session(r) for r in rows]

    # --------------------------------------------------------------- scores
    def leaderboard(self, session_id: str) -> list[Standing]:
        return self._standings("session_id = ?", (session_id,))

    def chat_ranking(self, chat_id: int, limit: int = 10) -> list[Standing]:
        return self._standings("chat_id = ?", (chat_id,))[:limit]

    def user_totals(self, user_id: int) -> Standing:
        rows = self._standings("user_id = ?", (user_id,))
        return rows[0] if rows else Standing(user_id, "", 0, 0)

    def _standings(self, where: str, params: tuple) -> list[Standing]:
        rows = self._db.query(
            f"SELECT user_id, MAX(first_name) AS first_name, SUM(correct) AS correct, COUNT(*) AS answered, "
            f"MAX(answered_at) AS last FROM quiz_attempts WHERE {where} GROUP BY user_id "
            "ORDER BY correct DESC, answered ASC, last ASC",
            params,
        )
        return [Standing(r["user_id"], r["first_name"], int(r["correct"]), int(r["answered"])) for r in rows]

    def review_due(self, user_id: int) -> int:
        rows = self._db.query(
            "SELECT COUNT(*) AS n FROM quiz_review WHERE user_id = ? AND due_at <= ?",
            (user_id, self._clock()),
        )
        return int(rows[0]["n"])

    # --------------------------------------------------------------- daily
    def set_daily(self, chat_id: int, hhmm: str | None) -> None:
        with self._db.transaction() as db:
            if hhmm is None:
                db.execute("DELETE FROM quiz_daily WHERE chat_id = ?", (chat_id,))
            else:
                db.execute(
                    "INSERT INTO quiz_daily VALUES (?, ?) ON CONFLICT(chat_id) DO UPDATE SET hhmm = excluded.hhmm",
                    (chat_id, hhmm),
                )

    def dailies(self) -> list[tuple[int, str]]:
        return [(r["chat_id"], r["hhmm"]) for r in self._db.query("SELECT chat_id, hhmm FROM quiz_daily")]


def _session(row) -> Session:
    return Session(row["session_id"], row["chat_id"], row["owner_id"], row["mode"], row["size"], row["status"],
                   row["position"])  # fmt: skip


def _pick(pool: list[QuizItem], size: int, rng: random.Random) -> list[QuizItem]:
    """A varied draw: kinds take turns, and a passage is reused only when no other is left."""
    by_kind: dict[str, list[QuizItem]] = {}
    for item in rng.sample(pool, len(pool)):
        by_kind.setdefault(item.kind, []).append(item)
    order = [k for k in (CHOICE, FILL, JUDGE) if k in by_kind]
    picked: list[QuizItem] = []
    used: set[str] = set()
    while len(picked) < size and any(by_kind.values()):
        for kind in order:
            bucket = by_kind[kind]
            if not bucket or len(picked) >= size:
                continue
            fresh = next(
                (i for i in reversed(range(len(bucket))) if bucket[i].passage_id not in used), len(bucket) - 1
            )
            item = bucket.pop(fresh)
            picked.append(item)
            used.add(item.passage_id)
    return picked
