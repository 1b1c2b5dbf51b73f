"""Live sessions in a meeting room: a projector, an organiser who advances, phones that answer.

A thin layer over the quiz engine (which decides everything about questions, answers and
scores): it runs the engine's calls off the event loop, keeps each question's clock (the engine
has none) and turns the engine's events into one public snapshot per session, which the
broadcast hub pushes to every page. Per room, engine calls are applied in the order they ran,
so a late timer, the last answer and the organiser's click never interleave their events.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core.quiz.engine import QuizEngine, QuizError, Reply
from bot.core.quiz.events import (
    AnswerRecorded,
    AnswerRejected,
    Event,
    NextQuestion,
    PlayerJoined,
    QuestionClosed,
    SessionFinished,
    SessionStarted,
    first,
)
from bot.core.quiz.items import FILL, MULTI, QuizItem
from bot.core.quiz.live_hub import BroadcastHub
from bot.core.quiz.model import Advance, AskedQuestion, Player, Rejection, SessionStatus, Standing

ROOM_PREFIX = "web:live:"  # engine rooms of this front end; a restart ends only these
SECONDS_RANGE = (10, 300)
DEFAULT_SECONDS = 30
MAX_NAME_CHARS = 20
MAX_ROOMS_KEPT = 200  # finished sessions stay exportable in memory until this many newer ones exist
LEADERBOARD_SHOWN = 10
REJECTIONS = {
    Rejection.CLOSED: "这道题已经结束，答案没有计入。",
    Rejection.ALREADY_ANSWERED: "这道题你已经答过了，只计第一次作答。",
    Rejection.NOT_PARTICIPANT: "你不在这场答题中。",
}


class LiveError(Exception):
    """A refused action, with the Chinese message to show."""


@dataclass
class ClosedQuestion:
    """A question after its answer was revealed: what the projector shows and the CSV lists."""

    asked: AskedQuestion
    answered: int
    correct: int
    replies: dict[str, bool]  # player id → right or wrong


@dataclass(eq=False)
class LiveRoom:
    code: str
    session_id: str
    organiser: str
    seconds: int
    size: int
    topic: str
    players: dict[str, str] = field(default_factory=dict)  # player id → display name
    question: AskedQuestion | None = None
    status: str = "waiting"  # waiting → open ⇄ closed → finished
    deadline: float = 0.0
    replies: dict[str, bool] = field(default_factory=dict)  # answers to the current question
    closed: list[ClosedQuestion] = field(default_factory=list)
    leaderboard: list[Standing] = field(default_factory=list)
    ended: SessionStatus | None = None
    version: int = 0
    timer: asyncio.Task[None] | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def finished(self) -> bool:
        return self.ended is not None


def display_name(raw: str) -> str:
    """A name as members typed it, made safe to show: printable, single-spaced, short."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw)
    name = " ".join(printable.split())[:MAX_NAME_CHARS]
    if not name:
        raise LiveError(f"请填写昵称（1–{MAX_NAME_CHARS} 个字）。")
    return name


class LiveRooms:
    """Every live session of this process; call from the event loop's thread."""

    def __init__(
        self, engine: QuizEngine, hub: BroadcastHub, passage_text: Callable[[str], str],
        clock: Callable[[], float] = time.time,
    ) -> None:  # fmt: skip
        self.engine = engine
        self.hub = hub
        self.passage_text = passage_text
        self.clock = clock
        self.rooms: dict[str, LiveRoom] = {}
        engine.finish_interrupted(ROOM_PREFIX)  # a restart lost their clocks and listeners

    # ------------------------------------------------------------- lookups
    def get(self, code: str) -> LiveRoom:
        room = self.rooms.get(code)
        if room is None:
            raise LiveError("没有找到这场答题，请核对加入码。")
        return room

    def running(self, code: str) -> LiveRoom:
        room = self.get(code)
        if room.finished:
            raise LiveError("这场答题已经结束，感谢参与！")
        return room

    # ------------------------------------------------------------- actions
    async def start(self, organiser: str, size: int, keyword: str, seconds: int) -> LiveRoom:
        if not SECONDS_RANGE[0] <= seconds <= SECONDS_RANGE[1]:
            raise LiveError(f"每题时间应在 {SECONDS_RANGE[0]} 到 {SECONDS_RANGE[1]} 秒之间。")
        code = self._new_code()
        try:
            events = await asyncio.to_thread(
                self.engine.start, ROOM_PREFIX + code, f"web:organiser:{organiser}", size,
                keyword.strip() or None, advance=Advance.ORGANISER,
            )  # fmt: skip
        except QuizError as exc:
            raise LiveError(str(exc)) from exc
        started = first(events, SessionStarted)
        if started is None:
            raise LiveError("答题没有开始，请重试。")
        session = started.session
        room = LiveRoom(code, session.session_id, organiser, seconds, session.size, keyword.strip())
        self.rooms[code] = room
        self._forget_old()
        self._apply(room, events)
        return room

    async def join(self, code: str, player: Player) -> LiveRoom:
        room = self.running(code)
        await self._call(room, self.engine.join, room.session_id, player)
        return room

    async def answer(self, code: str, player: Player, position: int, reply: Reply) -> bool:
        """Record the player's answer; True if right, LiveError when it did not count."""
        room = self.running(code)
        if player.player_id not in room.players:
            raise LiveError("请先填写昵称加入这场答题。")
        asked = room.question
        if asked is None or asked.position != position or room.status != "open":
            raise LiveError(REJECTIONS[Rejection.CLOSED])
        events = await self._call(room, self.engine.answer, asked, player, reply)
        rejected = first(events, AnswerRejected)
        if rejected is not None:
            raise LiveError(REJECTIONS[rejected.reason])
        recorded = first(events, AnswerRecorded)
        return bool(recorded and recorded.correct)

    async def advance(self, code: str) -> None:
        """The organiser's 下一题: the first question, the next one (revealing the current), or the end."""
        room = self.running(code)
        await self._call(room, self.engine.next_question, room.session_id)

    async def reveal(self, code: str) -> None:
        room = self.running(code)
        await self._call(room, self.engine.close, room.session_id)

    async def stop(self, code: str) -> None:
        room = self.running(code)
        await self._call(room, self.engine.stop, ROOM_PREFIX + code)

    # -------------------------------------------------------------- views
    def snapshot(self, room: LiveRoom) -> dict[str, Any]:
        """What every page of the session shows (no one's private answer, no answer before reveal)."""
        state: dict[str, Any] = {
            "code": room.code, "status": room.status, "version": room.version, "size": room.size,
            "players": len(room.players), "seconds": room.seconds, "topic": room.topic,
        }  # fmt: skip
        asked = room.question
        if asked is not None:
            item = asked.item
            state["question"] = {
                "position": asked.position, "number": asked.number, "heading": asked.heading,
                "text": item.question, "options": list(item.options), "multi": item.kind == MULTI,
                "fill": item.kind == FILL or not item.options,
            }  # fmt: skip
            state["answered"] = len(room.replies)
            if room.status == "open":
                state["remaining"] = max(0, round(room.deadline - self.clock()))
        last = room.closed[-1] if room.closed else None
        if last is not None and asked is not None and last.asked.position == asked.position:
            state["reveal"] = self._reveal(last)
        if room.status in ("closed", "finished"):
            state["leaderboard"] = [
                {"rank": rank, "name": s.name, "correct": s.correct, "answered": s.answered}
                for rank, s in enumerate(room.leaderboard[:LEADERBOARD_SHOWN], start=1)
            ]
        if room.finished:
            state["ended"] = (
                "这场答题已经结束，感谢参与！"
                if room.ended == SessionStatus.FINISHED
                else "这场答题已被结束。"
            )
        return state

    def answered(self, room: LiveRoom, player_id: str) -> bool | None:
        """The player's verdict on the current question (None: not answered), for a reloaded phone."""
        return room.replies.get(player_id)

    def _reveal(self, closed: ClosedQuestion) -> dict[str, Any]:
        item: QuizItem = closed.asked.item
        return {
            "answer": item.correct_text, "correct_options": sorted(item.correct_options),
            "explanation": item.explanation, "doc_title": item.doc_title, "location": item.location,
            "passage_id": item.passage_id, "passage": self.passage_text(item.passage_id),
            "answered": closed.answered, "correct": closed.correct,
        }  # fmt: skip

    # ---------------------------------------------------------- internals
    async def _call(self, room: LiveRoom, action: Callable[..., list[Event]], *args: Any) -> list[Event]:
        async with room.lock:
            try:
                events = await asyncio.to_thread(action, *args)
            except QuizError as exc:
                raise LiveError(str(exc)) from exc
            self._apply(room, events)
            return events

    def _apply(self, room: LiveRoom, events: list[Event]) -> None:
        """Fold the engine's events into the room, then push the new snapshot to every page."""
        for event in events:
            if isinstance(event, PlayerJoined):
                room.players[event.player.player_id] = event.player.shown_name()
            elif isinstance(event, NextQuestion):
                room.question, room.replies, room.status = event.question, {}, "open"
                room.deadline = self.clock() + room.seconds
                self._cancel_timer(room)
                room.timer = asyncio.get_running_loop().create_task(
                    self._time_out(room, event.question.position)
                )
            elif isinstance(event, AnswerRecorded):
                if room.question is not None and event.question.position == room.question.position:
                    room.replies[event.player.player_id] = event.correct
            elif isinstance(event, QuestionClosed):
                self._cancel_timer(room)
                room.status = "closed"
                room.closed.append(
                    ClosedQuestion(event.question, event.answered, event.correct, dict(room.replies))
                )
                room.leaderboard = self._with_everyone(room, self.engine.leaderboard(room.session_id))
            elif isinstance(event, SessionFinished):
                self._cancel_timer(room)
                room.status, room.ended = "finished", event.session.status
                room.leaderboard = self._with_everyone(room, list(event.leaderboard))
        room.version += 1
        self.hub.publish(room.code, json.dumps(self.snapshot(room), ensure_ascii=False))

    def _with_everyone(self, room: LiveRoom, standings: list[Standing]) -> list[Standing]:
        """The engine's ranking plus players who joined but have not answered yet (0 right)."""
        ranked = {s.player_id for s in standings}
        idle = [Standing(pid, name, 0, 0) for pid, name in room.players.items() if pid not in ranked]
        return standings + idle

    async def _time_out(self, room: LiveRoom, position: int) -> None:
        await asyncio.sleep(room.seconds)
        room.timer = None  # this task is finishing: the close it causes must not cancel it
        await self._call(room, self.engine.timeout, room.session_id, position)

    def _cancel_timer(self, room: LiveRoom) -> None:
        if room.timer is not None and room.timer is not asyncio.current_task():
            room.timer.cancel()
        room.timer = None

    def _new_code(self) -> str:
        while True:
            code = f"{secrets.randbelow(900000) + 100000}"
            if code not in self.rooms and self.engine.running(ROOM_PREFIX + code) is None:
                return code

    def _forget_old(self) -> None:
        finished = [code for code, room in self.rooms.items() if room.finished]
        for code in finished[: max(0, len(self.rooms) - MAX_ROOMS_KEPT)]:
            del self.rooms[code]
