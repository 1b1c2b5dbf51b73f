"""Live sessions over the real engine and SQLite: snapshots pushed through the hub, the clock, CSV."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from pathlib import Path

import pytest

from bot.core.database import Database
from bot.core.quiz.bank import QuizBank
from bot.core.quiz.engine import QuizEngine
from bot.core.quiz.items import BLANK, CHOICE, MULTI, QuizItem
from bot.core.quiz.live_export import results_csv
from bot.core.quiz.live_hub import QUEUE_SIZE, BroadcastHub
from bot.core.quiz.live_session import LiveError, LiveRooms, display_name
from bot.core.quiz.model import Player

CHOICE_ITEM = QuizItem("c1", CHOICE, f"要坚持{BLANK}", "系统思维", ["高位推动", "系统思维", "守正创新", "合力攻坚"], 1,
                       passage_id="p1", doc_id="speech", doc_title="县委讲话", location="第一部分")  # fmt: skip
MULTI_ITEM = QuizItem("m1", MULTI, "创建工作要求哪些？", "有形、有感", ["有形", "有钱", "有感", "有名"],
                      correct_set=[0, 2], passage_id="p2", doc_id="speech", doc_title="县委讲话")  # fmt: skip
PASSAGES = {"p1": "坚持系统思维的原文。", "p2": "有形有感有效的原文。"}
ANNA, BO, CHEN = Player("web:1", "安娜"), Player("web:2", "=博"), Player("web:3", "陈")


def rooms(tmp_path: Path, hub: BroadcastHub) -> LiveRooms:
    engine = QuizEngine(
        Database(tmp_path / "s.sqlite"), QuizBank([CHOICE_ITEM, MULTI_ITEM]), default_source=None
    )
    return LiveRooms(engine, hub, lambda pid: PASSAGES.get(pid, ""))


def latest(listener) -> dict:
    message = None
    while not listener.queue.empty():
        message = listener.queue.get_nowait()
    assert message is not None, "nothing was pushed"
    return json.loads(message)


def test_a_session_runs_to_its_leaderboard_and_exports(tmp_path: Path) -> None:
    async def scenario() -> None:
        hub = BroadcastHub()
        live = rooms(tmp_path, hub)
        room = await live.start("组织者", 2, "", 60)
        projector = hub.subscribe(room.code)
        for player in (ANNA, BO, CHEN):
            await live.join(room.code, player)
        assert latest(projector)["players"] == 3 and room.status == "waiting"
        await live.advance(room.code)
        state = latest(projector)
        assert state["status"] == "open" and "reveal" not in state and state["remaining"] == 60
        first_item = room.question.item
        right = sorted(first_item.correct_options)
        reply = right if first_item.kind == MULTI else right[0]
        wrong = [1] if first_item.kind == MULTI else (right[0] + 1) % 4
        assert await live.answer(room.code, ANNA, 0, reply) is True
        with pytest.raises(LiveError, match="已经答过"):
            await live.answer(room.code, ANNA, 0, reply)
        assert await live.answer(room.code, BO, 0, wrong) is False
        assert latest(projector)["answered"] == 2 and live.answered(room, ANNA.player_id) is True
        await live.answer(room.code, CHEN, 0, reply)  # the last player: the question closes by itself
        state = latest(projector)
        assert state["status"] == "closed" and state["reveal"]["answered"] == 3
        assert state["reveal"]["passage"] == PASSAGES[first_item.passage_id]
        assert [row["name"] for row in state["leaderboard"]][2] == "=博"
        await live.advance(room.code)  # question 2; nobody answers; the organiser ends it
        await live.advance(room.code)
        state = latest(projector)
        assert state["status"] == "finished" and "结束" in state["ended"]
        with pytest.raises(LiveError, match="已经结束"):
            await live.join(room.code, Player("web:4", "迟到"))
        rows = list(csv.reader(io.StringIO(results_csv(room).lstrip("\ufeff"))))
        assert rows[0][:5] == ["排名", "昵称", "答对", "作答", "正确率"] and len(rows[0]) == 7
        assert rows[3][1] == "'=博" and rows[3][5:] == ["错", "—"]  # a formula-like name is defused
        assert rows[1][2] == "1" and rows[1][5] == "对"

    asyncio.run(scenario())


def test_the_clock_closes_an_unanswered_question(tmp_path: Path) -> None:
    async def scenario() -> None:
        hub = BroadcastHub()
        live = rooms(tmp_path, hub)
        room = await live.start("组织者", 1, "", 10)
        room.seconds = 0  # the range check passed; a zero-second clock keeps the test quick
        await live.join(room.code, ANNA)
        await live.advance(room.code)
        for _ in range(100):
            if room.status == "closed":
                break
            await asyncio.sleep(0.02)
        assert room.status == "closed" and room.closed[-1].answered == 0
        with pytest.raises(LiveError, match="已经结束"):
            await live.answer(room.code, ANNA, 0, 1)

    asyncio.run(scenario())


def test_bad_settings_and_names_are_refused_clearly(tmp_path: Path) -> None:
    async def scenario() -> None:
        live = rooms(tmp_path, BroadcastHub())
        with pytest.raises(LiveError, match="每题时间"):
            await live.start("组织者", 2, "", 5)
        with pytest.raises(LiveError, match="没有找到与"):
            await live.start("组织者", 2, "不存在的关键词", 30)
        with pytest.raises(LiveError, match="加入码"):
            live.get("000000")

    asyncio.run(scenario())
    with pytest.raises(LiveError, match="昵称"):
        display_name(" \u200b\n\t ")
    assert display_name("<b>张\x00三</b>" * 10) == "<b>张 三</b><b>张 三</b><b>张 三</b>"[:20]


def test_a_slow_listener_only_loses_superseded_snapshots() -> None:
    async def scenario() -> None:
        hub = BroadcastHub()
        slow, quick = hub.subscribe("r"), hub.subscribe("r")
        for n in range(QUEUE_SIZE + 3):
            assert hub.publish("r", str(n)) == 2
            assert await quick.next(0.1) == str(n)
        assert slow.skipped == 3 and slow.queue.qsize() == QUEUE_SIZE
        assert [slow.queue.get_nowait() for _ in range(QUEUE_SIZE)][-1] == str(QUEUE_SIZE + 2)
        assert await slow.next(0.01) is None  # nothing new: time for a keep-alive
        hub.unsubscribe(slow)
        hub.unsubscribe(quick)
        assert hub.count("r") == 0 and hub.publish("r", "x") == 0

    asyncio.run(scenario())
