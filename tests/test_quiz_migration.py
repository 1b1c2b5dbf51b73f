"""Quiz state and bank files written by the previous version (schema 1) load and keep scoring.

The fixture is version 1's schema verbatim plus rows as that version wrote them: a finished group
session, a running one (a restart interrupted it), the terminal's, review boxes and a daily time.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from bot.core.database import Database
from bot.core.quiz.bank import QuizBank, load_bank
from bot.core.quiz.engine import QuizEngine
from bot.core.quiz.events import AnswerRecorded, NextQuestion, SessionFinished, first
from bot.core.quiz.items import BLANK, CHOICE, FILL, JUDGE, QuizItem
from bot.core.quiz.model import Player, QuestionState, SessionStatus

VERSION_1_SCHEMA = """
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

ROWS = """
INSERT INTO quiz_sessions VALUES ('done0001', -100, 1, 'quiz', 2, 'finished', 1, 1000, 1100);
INSERT INTO quiz_questions VALUES ('done0001', 0, 'c1', 'p-1', 11, 1), ('done0001', 1, 'f1', NULL, 12, 1);
INSERT INTO quiz_attempts VALUES
    ('done0001', 0, -100, 1, 'Alice', 'c1', '系统思维', 1, 1001),
    ('done0001', 0, -100, 2, 'Bob', 'c1', '高位推动', 0, 1002),
    ('done0001', 1, -100, 1, 'Alice', 'f1', '有感', 1, 1003),
    ('done0001', 1, -100, 2, 'Bob', 'f1', '不知道', 0, 1004);
INSERT INTO quiz_sessions VALUES ('live0002', -100, 2, 'quiz', 3, 'running', 1, 2000, NULL);
INSERT INTO quiz_questions VALUES ('live0002', 0, 'j1', 'p-2', 21, 1), ('live0002', 1, 'c1', 'p-3', 22, 0),
    ('live0002', 2, 'f1', NULL, NULL, 0);
INSERT INTO quiz_attempts VALUES ('live0002', 0, -100, 2, 'Bob', 'j1', '正确', 1, 2001);
INSERT INTO quiz_sessions VALUES ('term0003', 0, 0, 'quiz', 1, 'stopped', 0, 3000, 3001);
INSERT INTO quiz_questions VALUES ('term0003', 0, 'c1', NULL, NULL, 1);
INSERT INTO quiz_attempts VALUES ('term0003', 0, 0, 0, '我', 'c1', '守正创新', 0, 3000);
INSERT INTO quiz_review VALUES (2, 'c1', 0, 1002), (2, 'f1', 0, 1004), (0, 'c1', 0, 3000);
INSERT INTO quiz_daily VALUES (-100, '08:30');
"""


def _bank() -> QuizBank:
    return QuizBank([
        QuizItem("c1", CHOICE, f"要坚持{BLANK}", "系统思维", ["高位推动", "系统思维", "守正创新", "合力攻坚"], 1,
                 doc_id="speech", doc_title="县委讲话"),
        QuizItem("f1", FILL, f"有形、{BLANK}、有效", "有感", doc_id="speech", doc_title="县委讲话"),
        QuizItem("j1", JUDGE, "判断：国旗是五星红旗。", "五星红旗", ["正确", "错误"], 0, doc_id="国旗法",
                 doc_title="国旗法"),
    ])  # fmt: skip


def _version_1_file(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.executescript(VERSION_1_SCHEMA + ROWS)
    return path


def test_version_1_state_migrates_and_keeps_scores(tmp_path: Path) -> None:
    path = _version_1_file(tmp_path / "state.sqlite")
    engine = QuizEngine(Database(path), _bank(), clock=lambda: 5000.0)
    board = engine.leaderboard("done0001")
    assert [(s.player_id, s.name, s.correct, s.answered) for s in board] == [
        ("tg:1", "Alice", 2, 2), ("tg:2", "Bob", 0, 2)]  # fmt: skip
    assert [s.name for s in engine.room_ranking("tg:-100")] == ["Alice", "Bob"]
    assert engine.player_totals("tg:2").answered == 3
    assert engine.player_totals("console").answered == 1  # the terminal's user 0
    assert engine.review_due("tg:2") == 2 and engine.review_due("console") == 1
    assert engine.dailies() == [("tg:-100", "08:30")]
    current = engine.current("tg:-100")
    assert current is not None and current.item.item_id == "c1" and current.state == QuestionState.OPEN
    assert engine.question("live0002", 2).state == QuestionState.PENDING
    assert engine.question("done0001", 1).state == QuestionState.CLOSED
    assert engine.by_poll("p-3") == current and engine.by_message("tg:-100", 22) == current
    # the running session still takes answers, then a restart's clean-up ends it
    recorded = first(engine.answer(current, Player("tg:2", "Bob"), 1), AnswerRecorded)
    assert recorded is not None and recorded.correct
    finished = first(engine.finish_interrupted("tg:"), SessionFinished)
    assert finished.session.status == SessionStatus.INTERRUPTED
    assert [(s.name, s.correct) for s in finished.leaderboard] == [("Bob", 2)]
    stats = {s.item_id: s for s, _ in engine.hardest_items(min_answered=0)}
    assert (stats["c1"].shown, stats["c1"].answered, stats["c1"].correct) == (3, 4, 2)
    assert first(engine.start("tg:-100", "tg:1", size=1), NextQuestion) is not None  # the room is free


def test_migration_runs_once_and_a_second_process_sees_it(tmp_path: Path) -> None:
    path = _version_1_file(tmp_path / "state.sqlite")
    QuizEngine(Database(path), _bank())
    again = QuizEngine(Database(path), _bank())  # another process opening the migrated file
    assert again.player_totals("tg:1").correct == 2
    tables = {r[0] for r in Database(path).query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not any(t.endswith("_v1") for t in tables)


def test_a_bank_file_of_the_previous_version_loads(tmp_path: Path) -> None:
    old_item = {"item_id": "c1", "kind": "choice", "question": f"要坚持{BLANK}", "answer": "系统思维",
                "options": ["高位推动", "系统思维", "守正创新", "合力攻坚"], "correct": 1, "explanation": "",
                "passage_id": "p1", "doc_id": "speech", "doc_title": "县委讲话", "location": "第一部分",
                "source": "manual", "topic": "principle"}  # fmt: skip
    path = tmp_path / "quiz_bank.json"
    path.write_text(json.dumps({"format": 1, "corpus_hash": "abc", "items": [old_item]}), encoding="utf-8")
    bank = load_bank(path)
    assert bank is not None and bank.corpus_hash == "abc"
    engine = QuizEngine(Database(tmp_path / "s.sqlite"), bank)
    asked = first(engine.start("console", "console", size=1, solo=True), NextQuestion).question
    assert first(engine.answer(asked, Player("console", "我"), 1), AnswerRecorded).correct
