"""What a quiz action caused, in order; front ends render these and decide nothing themselves.

Every engine call for a user action (start, answer, timeout, close, next, stop) returns a list
of these, e.g. `[AnswerRecorded, QuestionClosed, NextQuestion]` for the answer that completes a
question, or `[QuestionClosed, SessionFinished]` for `/stop`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from bot.core.quiz.model import AskedQuestion, CloseReason, Player, Rejection, Session, Standing


@dataclass(frozen=True)
class SessionStarted:
    session: Session


@dataclass(frozen=True)
class PlayerJoined:
    session: Session
    player: Player


@dataclass(frozen=True)
class NextQuestion:
    """A question is open: show it (and start its timer, if the front end keeps time)."""

    question: AskedQuestion


@dataclass(frozen=True)
class AnswerRecorded:
    question: AskedQuestion
    player: Player
    correct: bool
    reply: str  # the answer as text (option texts for choices)


@dataclass(frozen=True)
class AnswerRejected:
    question: AskedQuestion | None
    player: Player
    reason: Rejection


@dataclass(frozen=True)
class QuestionClosed:
    """The answer is revealed: `question.item` has the answer, explanation and cited passage."""

    question: AskedQuestion
    reason: CloseReason
    answered: int  # how many players answered it
    correct: int  # how many of them were right
    leaderboard: tuple[Standing, ...] = ()  # the session's standings so far (a projector shows them)


@dataclass(frozen=True)
class SessionFinished:
    session: Session  # its status says how it ended (finished, stopped, interrupted)
    leaderboard: tuple[Standing, ...]


Event = (
    SessionStarted
    | PlayerJoined
    | NextQuestion
    | AnswerRecorded
    | AnswerRejected
    | QuestionClosed
    | SessionFinished
)


E = TypeVar("E")


def first(events: list[Event], kind: type[E]) -> E | None:
    """The first event of a kind (front ends and tests ask "did the question close?")."""
    return next((e for e in events if isinstance(e, kind)), None)
