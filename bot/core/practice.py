"""Personal quiz practice: rounds of 5/10/20 questions, immediate verdicts, and a wrong-answer book.

Separate from the group quiz engine: a practice round belongs to one member, has no time
limit and no leaderboard. Every answer is stored at once (SQLite, WAL), so a reload or a
restart continues where the member was; items answered wrongly go into the member's 错题本
until they are answered right in a retry.
"""

from __future__ import annotations

import json
import random
import secrets
import time
from dataclasses import dataclass

from bot.core.database import Database
from bot.core.quiz.bank import BANK_SCOPE, QuizBank
from bot.core.quiz.items import QuizItem, answer_matches
from bot.core.quiz.picking import draw

ROUND_SIZES = (5, 10, 20)
SCHEMA = """
CREATE TABLE IF NOT EXISTS practice_rounds (
    round_id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    item_ids TEXT NOT NULL,         -- JSON list, in the order asked
    retry INTEGER NOT NULL,         -- 1: drawn from the wrong-answer book
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS practice_answers (
    round_id TEXT NOT NULL REFERENCES practice_rounds(round_id),
    position INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    reply TEXT NOT NULL,
    correct INTEGER NOT NULL,
    answered_at REAL NOT NULL,
    PRIMARY KEY (round_id, position)
);
CREATE TABLE IF NOT EXISTS practice_wrong (
    user_id INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    wrong_count INTEGER NOT NULL,
    last_reply TEXT NOT NULL,
    last_wrong REAL NOT NULL,
    PRIMARY KEY (user_id, item_id)
);
"""


class PracticeError(ValueError):
    """A practice request cannot be served; the message says why, in Chinese."""


@dataclass(frozen=True)
class Verdict:
    position: int
    item: QuizItem
    reply: str
    correct: bool


@dataclass(frozen=True)
class RoundView:
    """Where a member stands in a round: the next item, or None when finished."""

    round_id: str
    total: int
    answered: list[Verdict]
    item: QuizItem | None
    retry: bool

    @property
    def position(self) -> int:
        return len(self.answered)

    @property
    def score(self) -> int:
        return sum(v.correct for v in self.answered)

    @property
    def wrong(self) -> list[Verdict]:
        return [v for v in self.answered if not v.correct]


@dataclass(frozen=True)
class WrongEntry:
    item: QuizItem
    wrong_count: int
    last_reply: str


class PracticeBook:
    def __init__(self, db: Database, rng: random.Random | None = None) -> None:
        self._db = db
        self._rng = rng or random.Random()
        db.executescript(SCHEMA)

    def start(self, user_id: int, bank: QuizBank, size: int, keyword: str = "", doc_id: str = "") -> str:
        if size not in ROUND_SIZES:
            raise PracticeError("题目数量只能是 5、10 或 20。")
        pool = bank.matching(keyword.strip() or None)
        if doc_id:
            pool = [i for i in pool if i.doc_id == doc_id]
        if not pool:
            raise PracticeError("没有符合条件的题目。" + BANK_SCOPE + "请换个关键词或选择其他文件。")
        return self._create(user_id, draw(pool, min(size, len(pool)), self._rng), retry=False)  # no fact twice

    def start_retry(self, user_id: int, bank: QuizBank, size: int = 10) -> str:
        items = bank.by_id()
        wrong = [e.item for e in self.wrong_book(user_id, bank) if e.item.item_id in items]
        if not wrong:
            raise PracticeError("错题本是空的，继续保持！")
        return self._create(user_id, wrong[:size], retry=True)

    def _create(self, user_id: int, items: list[QuizItem], retry: bool) -> str:
        round_id = secrets.token_urlsafe(9)
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO practice_rounds VALUES (?, ?, ?, ?, ?)",
                (round_id, user_id, json.dumps([i.item_id for i in items]), int(retry), time.time()),
            )
        return round_id

    def view(self, round_id: str, user_id: int, bank: QuizBank) -> RoundView | None:
        """The round as this member sees it; None for another member's or an unknown round."""
        rows = self._db.query(
            "SELECT item_ids, retry FROM practice_rounds WHERE round_id = ? AND user_id = ?",
            (round_id, user_id),
        )
        if not rows:
            return None
        by_id = bank.by_id()
        ids = json.loads(rows[0]["item_ids"])
        answers = self._db.query(
            "SELECT position, item_id, reply, correct FROM practice_answers WHERE round_id = ? "
            "ORDER BY position",
            (round_id,),
        )
        answered = [
            Verdict(a["position"], by_id[a["item_id"]], a["reply"], bool(a["correct"]))
            for a in answers
            if a["item_id"] in by_id
        ]
        # Items dropped from the bank since (material removed) are skipped, not shown broken.
        remaining = [by_id[i] for i in ids[len(answers) :] if i in by_id]
        total = len(answered) + len(remaining)
        return RoundView(
            round_id, total, answered, remaining[0] if remaining else None, bool(rows[0]["retry"])
        )

    def answer(self, round_id: str, user_id: int, bank: QuizBank, position: int, reply: str) -> Verdict:
        """Judge and store one answer; answering the same position again returns the first verdict."""
        view = self.view(round_id, user_id, bank)
        if view is None:
            raise PracticeError("找不到这一轮练习，请重新开始。")
        if position < view.position:
            return view.answered[position]
        if view.item is None or position != view.position:
            raise PracticeError("这道题已经结束，请继续下一题。")
        item = view.item
        reply = " ".join(reply.split())[:200]
        if not reply:
            raise PracticeError("请先作答再提交。")
        correct = answer_matches(item, reply)  # options are answered by their text
        now = time.time()
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO practice_answers VALUES (?, ?, ?, ?, ?, ?)",
                (round_id, position, item.item_id, reply, int(correct), now),
            )
            if correct and view.retry:
                db.execute(
                    "DELETE FROM practice_wrong WHERE user_id = ? AND item_id = ?", (user_id, item.item_id)
                )
            elif not correct:
                db.execute(
                    "INSERT INTO practice_wrong VALUES (?, ?, 1, ?, ?) ON CONFLICT(user_id, item_id) DO UPDATE "
                    "SET wrong_count = wrong_count + 1, last_reply = excluded.last_reply, "
                    "last_wrong = excluded.last_wrong",
                    (user_id, item.item_id, reply, now),
                )
        return Verdict(position, item, reply, correct)

    def wrong_book(self, user_id: int, bank: QuizBank) -> list[WrongEntry]:
        by_id = bank.by_id()
        rows = self._db.query(
            "SELECT item_id, wrong_count, last_reply FROM practice_wrong WHERE user_id = ? "
            "ORDER BY last_wrong DESC",
            (user_id,),
        )
        return [
            WrongEntry(by_id[r["item_id"]], r["wrong_count"], r["last_reply"])
            for r in rows
            if r["item_id"] in by_id
        ]
