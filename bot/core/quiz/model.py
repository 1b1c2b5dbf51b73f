"""The quiz's records and states, shared by the engine, its storage and every front end.

Players are an opaque id plus a display name, so a Telegram user ("tg:42"), the terminal
("console") and a browser player ("web:…") take part the same way. A room is where a session
runs (a Telegram chat "tg:-100…", the terminal, a web room); one session runs per room.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.quiz.items import KIND_NAMES, QuizItem

MAX_QUESTIONS = 20
DEFAULT_QUESTIONS = 5


class SessionStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"  # every question was asked
    STOPPED = "stopped"  # /stop or the organiser ended it early
    INTERRUPTED = "interrupted"  # a restart found it running; its answers are kept


class SessionMode(StrEnum):
    QUIZ = "quiz"
    REVIEW = "review"  # a player's own due wrong answers; only that player may answer
    DAILY = "daily"


class Advance(StrEnum):
    """Who moves a session to its next question."""

    AUTO = "auto"  # the engine, as soon as a question closes (Telegram, terminal)
    ORGANISER = "organiser"  # an organiser, question by question (a live session on a projector)


class QuestionState(StrEnum):
    PENDING = "pending"  # not asked yet
    OPEN = "open"  # asked, answers count
    CLOSED = "closed"  # answer revealed; later answers are refused


class CloseReason(StrEnum):
    TIMEOUT = "timeout"
    ALL_ANSWERED = "all_answered"
    ORGANISER = "organiser"
    STOPPED = "stopped"


class Rejection(StrEnum):
    """Why an answer did not count."""

    CLOSED = "closed"  # the question is closed or not the current one, or the session is over
    ALREADY_ANSWERED = "already_answered"  # only a player's first answer counts
    NOT_PARTICIPANT = "not_participant"  # someone else's review session


@dataclass(frozen=True)
class Player:
    player_id: str
    name: str

    def shown_name(self) -> str:
        return self.name.strip()[:64] or "同学"


@dataclass(frozen=True)
class Session:
    session_id: str
    room: str
    owner_id: str
    mode: SessionMode
    size: int
    status: SessionStatus
    position: int  # the question asked last (0-based)
    advance: Advance = Advance.AUTO
    solo: bool = False  # one participant (a private chat, the terminal, a review)

    @property
    def running(self) -> bool:
        return self.status == SessionStatus.RUNNING


@dataclass(frozen=True)
class AskedQuestion:
    session: Session
    position: int  # 0-based
    item: QuizItem
    state: QuestionState = QuestionState.OPEN

    @property
    def number(self) -> int:
        return self.position + 1

    @property
    def heading(self) -> str:
        kind = KIND_NAMES.get(self.item.kind, self.item.kind)
        return f"第 {self.number}/{self.session.size} 题（{kind}）"


@dataclass(frozen=True)
class Standing:
    player_id: str
    name: str
    correct: int
    answered: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class ItemStats:
    """How an item fared in sessions: asked, answered, answered right."""

    item_id: str
    shown: int
    answered: int
    correct: int

    @property
    def correct_rate(self) -> float:
        return self.correct / self.answered if self.answered else 0.0
