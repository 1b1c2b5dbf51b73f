"""Reading the answer log back: one member's conversation, and the organisers' to-do list.

The log itself (bot/core/answer_log.py) is written by every front end; this module only reads
it: the web page shows a member's earlier answers after a reload, and organisers see which
questions the material could not answer and which answers members marked 👎.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.core.answer_log import AnswerLog
from bot.core.answers import Answer
from bot.core.database import Database


@dataclass(frozen=True)
class LoggedAnswer:
    answer_id: str
    answer: Answer
    asked_at: float
    vote: int  # this member's +1 / -1, 0 when none


@dataclass(frozen=True)
class MissingTopic:
    """A question (normalised for counting) the material could not answer, and how often."""

    question: str
    count: int
    last_asked: float


@dataclass(frozen=True)
class Disliked:
    answer_id: str
    question: str
    answer: str
    votes: int
    last_voted: float


def conversation(db: Database, user_id: int, limit: int = 30) -> list[LoggedAnswer]:
    """The member's latest answers, oldest first (what the page shows after a reload)."""
    rows = db.query(
        "SELECT a.answer_id, a.created_at, COALESCE(f.value, 0) AS vote FROM answers a "
        "LEFT JOIN feedback f ON f.answer_id = a.answer_id AND f.user_id = a.user_id "
        "WHERE a.user_id = ? ORDER BY a.created_at DESC, a.rowid DESC LIMIT ?",
        (user_id, limit),
    )
    log = AnswerLog(db)
    out = []
    for row in reversed(rows):
        answer = log.get(row["answer_id"])
        if answer is not None:
            out.append(LoggedAnswer(row["answer_id"], answer, row["created_at"], row["vote"]))
    return out


def owner_of(db: Database, answer_id: str) -> int | None:
    rows = db.query("SELECT user_id FROM answers WHERE answer_id = ?", (answer_id,))
    return int(rows[0]["user_id"]) if rows else None


def missing_topics(db: Database, limit: int = 100) -> list[MissingTopic]:
    """Not-found questions from every front end, the most asked first."""
    rows = db.query(
        "SELECT question, payload, created_at FROM answers "
        "WHERE json_extract(payload, '$.found') = 0 ORDER BY created_at"
    )
    counts: dict[str, list] = {}
    for row in rows:
        question = json.loads(row["payload"])["question"]
        key = "".join(question.split()).rstrip("？?。.!！")
        entry = counts.setdefault(key, [question, 0, 0.0])
        entry[1] += 1
        entry[2] = row["created_at"]
    topics = [MissingTopic(q, n, last) for q, n, last in counts.values()]
    topics.sort(key=lambda t: (-t.count, -t.last_asked))
    return topics[:limit]


def disliked_answers(db: Database, limit: int = 100) -> list[Disliked]:
    """Answers with at least one 👎, the most disliked first."""
    rows = db.query(
        "SELECT a.answer_id, a.question, json_extract(a.payload, '$.answer') AS answer, "
        "COUNT(*) AS votes, MAX(f.created_at) AS last_voted FROM feedback f "
        "JOIN answers a ON a.answer_id = f.answer_id WHERE f.value < 0 "
        "GROUP BY a.answer_id ORDER BY votes DESC, last_voted DESC LIMIT ?",
        (limit,),
    )
    return [
        Disliked(r["answer_id"], r["question"], r["answer"] or "", r["votes"], r["last_voted"]) for r in rows
    ]
