"""The quiz session state machine: one call per user action, returning the events it caused.

Chat-independent: Telegram, the terminal and a web page call it and render the events (see
`events.py`); none of them decides when a question closes or what comes next. Every answer is
written the moment it arrives (storage.py), so a restart loses none; a session left running by a
restart is ended with its leaderboard by `finish_interrupted`.

Lifecycle of a question: pending → open (NextQuestion) → closed (QuestionClosed). Closing has
one path, `_finish_question`, whatever closed it (timeout, the last answer, the organiser,
/stop); with `Advance.AUTO` the next question opens at once, with `Advance.ORGANISER` it waits
for `next_question`.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections.abc import Callable, Sequence

from bot.core.database import Database
from bot.core.quiz.bank import BANK_SCOPE, QuizBank
from bot.core.quiz.events import (
    AnswerRecorded,
    AnswerRejected,
    Event,
    NextQuestion,
    PlayerJoined,
    QuestionClosed,
    SessionFinished,
    SessionStarted,
)
from bot.core.quiz.items import FILL, QuizItem, answer_matches, options_right
from bot.core.quiz.model import (
    DEFAULT_QUESTIONS,
    MAX_QUESTIONS,
    Advance,
    AskedQuestion,
    CloseReason,
    ItemStats,
    Player,
    QuestionState,
    Rejection,
    Session,
    SessionMode,
    SessionStatus,
    Standing,
)
from bot.core.quiz.picking import draw
from bot.core.quiz.storage import ALREADY_RUNNING, QuizError, QuizStore

NO_ITEMS = (  # a law without items (国旗法) is not padded with trivia: the organiser is told why
    "没有找到与“{keyword}”相关的题目。" + BANK_SCOPE + "可以换个关键词，发送 /docs 查看资料目录，或直接就这份资料提问。"
)
DEFAULT_SOURCE = "讲话"  # sessions without a keyword draw from the speech first (the study topic)
Reply = str | int | Sequence[int]  # typed text, one option index, or several (multi-select)

__all__ = [
    "ALREADY_RUNNING",
    "DEFAULT_QUESTIONS",
    "DEFAULT_SOURCE",
    "MAX_QUESTIONS",
    "QuizEngine",
    "QuizError",
]


class QuizEngine:
    def __init__(
        self,
        db: Database,
        bank: QuizBank,
        clock: Callable[[], float] = time.time,
        default_source: str | None = DEFAULT_SOURCE,
    ) -> None:
        self.store = QuizStore(db, clock)
        self.default_source = default_source
        self._lock = threading.RLock()  # one action at a time: a web server may call from threads
        self._items: dict[str, QuizItem] = {}
        self.replace_bank(bank)

    def replace_bank(self, bank: QuizBank) -> None:
        """New material, new questions; items already asked stay answerable by id."""
        self.bank = bank
        self._items = {**self._items, **bank.by_id()}

    # ---------------------------------------------------------------- actions
    def start(
        self, room: str, owner_id: str, size: int = DEFAULT_QUESTIONS, keyword: str | None = None, *,
        mode: SessionMode = SessionMode.QUIZ, seed: int | None = None, solo: bool = False,
        advance: Advance = Advance.AUTO,
    ) -> list[Event]:  # fmt: skip
        """A new session in the room: [SessionStarted, NextQuestion] (or, with an organiser, no question yet)."""
        if not 1 <= size <= MAX_QUESTIONS:
            raise QuizError(f"题目数量应在 1 到 {MAX_QUESTIONS} 之间，例如 /quiz 5。")
        if self.store.running(room) is not None:
            raise QuizError(ALREADY_RUNNING)
        pool = self.bank.matching(keyword)
        if not pool:
            raise QuizError(NO_ITEMS.format(keyword=keyword))
        preferred = self.bank.matching(self.default_source) if not keyword and self.default_source else None
        rng = random.Random(seed if seed is not None else secrets.randbits(32))
        return self._create(room, owner_id, mode, draw(pool, size, rng, preferred), solo, advance)

    def start_review(self, room: str, player: Player, limit: int = 10) -> list[Event]:
        """A personal session of the player's due wrong answers ([] when nothing is due)."""
        items = [self._items[i] for i in self.store.due_items(player.player_id, limit) if i in self._items]
        if not items:
            return []
        if self.store.running(room) is not None:
            raise QuizError(ALREADY_RUNNING)
        return self._create(room, player.player_id, SessionMode.REVIEW, items, True, Advance.AUTO)

    def join(self, session_id: str, player: Player) -> list[Event]:
        """A player announces themselves (a web page does; Telegram players join by answering)."""
        with self._lock:
            session = self.store.session(session_id)
            if session is None or not session.running:
                raise QuizError("这场答题已经结束。")
            self.store.join(session_id, player)
            return [PlayerJoined(session, player)]

    def answer(self, asked: AskedQuestion, player: Player, reply: Reply) -> list[Event]:
        """Record a player's first answer; the answer that completes a question also closes it."""
        with self._lock:
            session = self.store.session(asked.session.session_id)
            state = self.store.question(asked.session.session_id, asked.position)
            if session is None or state is None or not session.running or state[1] != QuestionState.OPEN:
                return [AnswerRejected(asked, player, Rejection.CLOSED)]
            if session.mode == SessionMode.REVIEW and player.player_id != session.owner_id:
                return [AnswerRejected(asked, player, Rejection.NOT_PARTICIPANT)]
            correct, text = score(asked.item, reply)
            if not self.store.record_attempt(
                session, asked.position, player, asked.item.item_id, text, correct
            ):
                return [AnswerRejected(asked, player, Rejection.ALREADY_ANSWERED)]
            events: list[Event] = [AnswerRecorded(asked, player, correct, text)]
            if self._everyone_answered(session, asked.position):
                events += self._finish_question(session, asked.position, CloseReason.ALL_ANSWERED)
            return events

    def timeout(self, session_id: str, position: int) -> list[Event]:
        """Time is up for a question; [] if it had closed already."""
        with self._lock:
            session = self.store.session(session_id)
            if session is None or not session.running or session.position != position:
                return []
            return self._finish_question(session, position, CloseReason.TIMEOUT)

    def close(self, session_id: str) -> list[Event]:
        """The organiser reveals the current question's answer now."""
        with self._lock:
            session = self.store.session(session_id)
            if session is None or not session.running:
                return []
            return self._finish_question(session, session.position, CloseReason.ORGANISER)

    def next_question(self, session_id: str) -> list[Event]:
        """The organiser moves on: close the current question if open, then the next one or the end."""
        with self._lock:
            session = self.store.session(session_id)
            if session is None or not session.running:
                return []
            state = self.store.question(session_id, session.position)
            if state is not None and state[1] == QuestionState.PENDING:  # nothing asked yet
                return self._open(session, session.position)
            events = self._finish_question(session, session.position, CloseReason.ORGANISER, advance=False)
            return events + self._advance(session, session.position)

    def stop(self, room: str, status: SessionStatus = SessionStatus.STOPPED) -> list[Event]:
        """End the room's running session: [QuestionClosed?, SessionFinished], or [] if none runs."""
        with self._lock:
            session = self.store.running(room)
            if session is None:
                return []
            events = self._finish_question(session, session.position, CloseReason.STOPPED)
            return events + self._end(session, status)

    def finish_interrupted(self, room_prefix: str = "") -> list[Event]:
        """End the sessions a restart left running in rooms of one front end (answers are kept)."""
        events: list[Event] = []
        for session in self.store.all_running(room_prefix):
            events += self.stop(session.room, SessionStatus.INTERRUPTED)
        return events

    # ------------------------------------------------------------ state machine
    def _create(
        self, room: str, owner_id: str, mode: SessionMode, items: list[QuizItem], solo: bool, advance: Advance
    ) -> list[Event]:
        with self._lock:
            session = Session(secrets.token_hex(6), room, owner_id, mode, len(items), SessionStatus.RUNNING, 0,
                              advance, solo)  # fmt: skip
            self.store.create_session(session, [item.item_id for item in items])
            started: list[Event] = [SessionStarted(session)]
            return started if advance == Advance.ORGANISER else started + self._open(session, 0)

    def _open(self, session: Session, position: int) -> list[Event]:
        if not self.store.open_question(session.session_id, position):
            return []
        asked = self.question(session.session_id, position)
        return [NextQuestion(asked)] if asked is not None else []

    def _finish_question(
        self, session: Session, position: int, reason: CloseReason, advance: bool = True
    ) -> list[Event]:
        """The one way a question closes; then (auto sessions) the next question or the end."""
        if not self.store.close_question(session.session_id, position):
            return []  # not open: a timer and the last answer raced, or never asked
        asked = self.question(session.session_id, position)
        answered, correct = self.store.tally(session.session_id, position)
        board = tuple(self.leaderboard(session.session_id))
        events: list[Event] = [QuestionClosed(asked, reason, answered, correct, board)] if asked else []
        if advance and reason != CloseReason.STOPPED and session.advance == Advance.AUTO:
            events += self._advance(session, position)
        return events

    def _advance(self, session: Session, position: int) -> list[Event]:
        if position + 1 >= session.size:
            return self._end(session, SessionStatus.FINISHED)
        return self._open(session, position + 1)

    def _end(self, session: Session, status: SessionStatus) -> list[Event]:
        if not self.store.end_session(session.session_id, status):
            return []
        ended = self.store.session(session.session_id)
        assert ended is not None
        return [SessionFinished(ended, tuple(self.leaderboard(session.session_id)))]

    def _everyone_answered(self, session: Session, position: int) -> bool:
        if session.solo:
            return True  # a private chat, the terminal or a review has one participant
        joined, known = self.store.participants(session.session_id)
        answered, _ = self.store.tally(session.session_id, position)
        # without a list of players, the first question shows who is present
        return (position > 0 or joined > 0) and known > 0 and answered >= known

    # ------------------------------------------------------------------ reads
    def running(self, room: str) -> Session | None:
        return self.store.running(room)

    def session(self, session_id: str) -> Session | None:
        return self.store.session(session_id)

    def current(self, room: str) -> AskedQuestion | None:
        """The running session's latest question (open, or closed and waiting for the organiser)."""
        session = self.store.running(room)
        return self.question(session.session_id, session.position) if session is not None else None

    def question(self, session_id: str, position: int) -> AskedQuestion | None:
        session = self.store.session(session_id)
        found = self.store.question(session_id, position)
        if session is None or found is None or found[0] not in self._items:
            return None
        return AskedQuestion(session, position, self._items[found[0]], found[1])

    def by_poll(self, poll_id: str) -> AskedQuestion | None:
        found = self.store.by_poll(poll_id)
        return self.question(*found) if found else None

    def by_message(self, room: str, message_id: int) -> AskedQuestion | None:
        found = self.store.by_message(room, message_id)
        return self.question(*found) if found else None

    def attach_message(self, asked: AskedQuestion, message_id: int, poll_id: str | None) -> None:
        """Remember which chat message (and poll) shows a question, to find it from a reply or vote."""
        self.store.attach_message(asked.session.session_id, asked.position, message_id, poll_id)

    def sent_as(self, asked: AskedQuestion) -> tuple[int | None, str | None]:
        return self.store.sent_as(asked.session.session_id, asked.position)

    def leaderboard(self, session_id: str) -> list[Standing]:
        return self.store.standings("session_id = ?", (session_id,))

    def room_ranking(self, room: str, limit: int = 10) -> list[Standing]:
        return self.store.standings("room = ?", (room,))[:limit]

    def player_totals(self, player_id: str) -> Standing:
        rows = self.store.standings("player_id = ?", (player_id,))
        return rows[0] if rows else Standing(player_id, "", 0, 0)

    def review_due(self, player_id: str) -> int:
        return self.store.count_due(player_id)

    def hardest_items(
        self, limit: int = 10, min_answered: int = 1
    ) -> list[tuple[ItemStats, QuizItem | None]]:
        """Items answered at least `min_answered` times, lowest share of right answers first."""
        stats = [s for s in self.store.item_stats() if s.answered >= min_answered]
        stats.sort(key=lambda s: (s.correct_rate, -s.answered, s.item_id))
        return [(s, self._items.get(s.item_id)) for s in stats[:limit]]

    def set_daily(self, room: str, hhmm: str | None) -> None:
        self.store.set_daily(room, hhmm)

    def dailies(self) -> list[tuple[str, str]]:
        return self.store.dailies()


def score(item: QuizItem, reply: Reply) -> tuple[bool, str]:
    """Right or wrong, and the reply as text; a choice is right only if it is exactly the correct set."""
    if isinstance(reply, str):
        return answer_matches(item, reply), reply
    chosen = sorted({reply} if isinstance(reply, int) else set(reply))
    text = "|".join(item.options[i] if 0 <= i < len(item.options) else str(i) for i in chosen)
    return item.kind != FILL and options_right(item, chosen), text
