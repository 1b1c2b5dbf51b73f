"""The quiz tables' schema and the migration from the first version's tables.

Version 1 (up to this change) keyed everything by Telegram's integer chat and user ids and
marked questions `closed` 0/1. Version 2 keys rooms and players by opaque text ids (so the
terminal and a web page take part like Telegram chats), tracks each question's state, knows
who moves a session on, and lists joined players. The migration runs once, in one transaction
(a second process waits on the write lock and then finds it done); nothing is dropped.
"""

from __future__ import annotations

import sqlite3

from bot.core.database import Database

SCHEMA_VERSION = 2
TELEGRAM = "tg:"  # rooms and players that came from Telegram (all of version 1's but the terminal's)
CONSOLE = "console"  # version 1 used chat 0 and user 0 for the terminal

TABLES = """
CREATE TABLE IF NOT EXISTS quiz_schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quiz_sessions (
    session_id TEXT PRIMARY KEY,
    room TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('quiz', 'review', 'daily')),
    size INTEGER NOT NULL CHECK (size > 0),
    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'stopped', 'interrupted')),
    position INTEGER NOT NULL DEFAULT 0,
    advance TEXT NOT NULL DEFAULT 'auto' CHECK (advance IN ('auto', 'organiser')),
    solo INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    finished_at REAL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_running_session_per_room ON quiz_sessions(room) WHERE status = 'running';
CREATE TABLE IF NOT EXISTS quiz_questions (
    session_id TEXT NOT NULL REFERENCES quiz_sessions(session_id),
    position INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'open', 'closed')),
    message_id INTEGER,
    poll_id TEXT,
    opened_at REAL,
    PRIMARY KEY (session_id, position)
);
CREATE INDEX IF NOT EXISTS quiz_questions_poll ON quiz_questions(poll_id);
CREATE INDEX IF NOT EXISTS quiz_questions_item ON quiz_questions(item_id);
CREATE TABLE IF NOT EXISTS quiz_players (
    session_id TEXT NOT NULL REFERENCES quiz_sessions(session_id),
    player_id TEXT NOT NULL,
    name TEXT NOT NULL,
    joined_at REAL NOT NULL,
    PRIMARY KEY (session_id, player_id)
);
CREATE TABLE IF NOT EXISTS quiz_attempts (
    session_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    room TEXT NOT NULL,
    player_id TEXT NOT NULL,
    name TEXT NOT NULL,
    item_id TEXT NOT NULL,
    reply TEXT NOT NULL,
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    answered_at REAL NOT NULL,
    PRIMARY KEY (session_id, position, player_id),
    FOREIGN KEY (session_id, position) REFERENCES quiz_questions(session_id, position)
);
CREATE INDEX IF NOT EXISTS quiz_attempts_room ON quiz_attempts(room);
CREATE INDEX IF NOT EXISTS quiz_attempts_player ON quiz_attempts(player_id);
CREATE TABLE IF NOT EXISTS quiz_review (
    player_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    box INTEGER NOT NULL,
    due_at REAL NOT NULL,
    PRIMARY KEY (player_id, item_id)
);
CREATE TABLE IF NOT EXISTS quiz_daily (
    room TEXT PRIMARY KEY,
    hhmm TEXT NOT NULL
);
"""

_OLD = ("quiz_sessions", "quiz_questions", "quiz_attempts", "quiz_review", "quiz_daily")


def _room(column: str) -> str:
    return f"CASE WHEN {column} = 0 THEN '{CONSOLE}' ELSE '{TELEGRAM}' || {column} END"


def _player(column: str) -> str:
    """The terminal's user 0 played in chat 0; Telegram users keep their id, prefixed."""
    return f"CASE WHEN chat_id = 0 THEN '{CONSOLE}' ELSE '{TELEGRAM}' || {column} END"


FROM_V1 = [
    *(f"ALTER TABLE {t} RENAME TO {t}_v1" for t in _OLD),
    "DROP INDEX IF EXISTS one_running_session_per_chat",
    "DROP INDEX IF EXISTS quiz_questions_poll",
    *(s for s in TABLES.split(";") if s.strip()),
    "INSERT INTO quiz_sessions (session_id, room, owner_id, mode, size, status, position, advance, solo, "
    f"created_at, finished_at) SELECT session_id, {_room('chat_id')}, {_player('owner_id')}, mode, size, status, "
    "position, 'auto', chat_id >= 0 OR mode = 'review', created_at, finished_at FROM quiz_sessions_v1",
    # asked = up to the session's position; the current one is open only while the session runs
    "INSERT INTO quiz_questions (session_id, position, item_id, state, message_id, poll_id) "
    "SELECT q.session_id, q.position, q.item_id, CASE "
    "WHEN q.position < s.position OR (q.position = s.position AND (s.status != 'running' OR q.closed)) "
    "THEN 'closed' WHEN q.position = s.position THEN 'open' ELSE 'pending' END, q.message_id, q.poll_id "
    "FROM quiz_questions_v1 q JOIN quiz_sessions_v1 s USING (session_id)",
    "INSERT INTO quiz_attempts SELECT session_id, position, "
    f"{_room('chat_id')}, {_player('user_id')}, "
    "first_name, item_id, reply, correct, answered_at FROM quiz_attempts_v1",
    f"INSERT INTO quiz_review SELECT {_room('user_id')}, item_id, box, due_at FROM quiz_review_v1",
    f"INSERT INTO quiz_daily SELECT {_room('chat_id')}, hhmm FROM quiz_daily_v1",
    *(f"DROP TABLE {t}_v1" for t in _OLD),
]


def migrate(db: Database) -> None:
    """Bring the quiz tables to SCHEMA_VERSION (create them, or convert version 1's)."""
    with db.transaction() as conn:
        conn.execute("BEGIN IMMEDIATE")  # DDL does not open a transaction by itself in sqlite3
        version = _version(conn)
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"答题数据库版本 {version} 比本程序新（{SCHEMA_VERSION}），请升级 policybot。")
        statements = FROM_V1 if version == 1 else [s for s in TABLES.split(";") if s.strip()]
        for statement in statements:
            conn.execute(statement)
        conn.execute("DELETE FROM quiz_schema")
        conn.execute("INSERT INTO quiz_schema VALUES (?)", (SCHEMA_VERSION,))


def _version(conn: sqlite3.Connection) -> int:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "quiz_schema" in tables:
        row = conn.execute("SELECT MAX(version) FROM quiz_schema").fetchone()
        return int(row[0] or 0)
    if "quiz_sessions" in tables:
        return 1
    return 0
