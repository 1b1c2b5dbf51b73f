"""Quiz sessions, scores, review and persistence against real SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.database import Database
from bot.core.quiz.bank import QuizBank
from bot.core.quiz.engine import QuizEngine, QuizError
from bot.core.quiz.items import BLANK, CHOICE, FILL, JUDGE, QuizItem

GROUP, PRIVATE = -100, 42


def _bank() -> QuizBank:
    items = [
        QuizItem("c1", CHOICE, f"《讲话》：要坚持{BLANK}", "系统思维", ["高位推动", "系统思维", "守正创新", "合力攻坚"], 1,
                 passage_id="p1", doc_id="speech", doc_title="县委讲话"),
        QuizItem("f1", FILL, f"《讲话》：要求创建工作有形、{BLANK}、有效", "有感", passage_id="p2", doc_id="speech",
                 doc_title="县委讲话"),
        QuizItem("j1", JUDGE, "判断：《国旗法》：国旗是五星红旗。", "五星红旗", ["正确", "错误"], 0, passage_id="p3",
                 doc_id="国旗法", doc_title="中华人民共和国国旗法"),
    ]  # fmt: skip
    return QuizBank(items)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(tmp_path: Path) -> QuizEngine:
    return QuizEngine(Database(tmp_path / "state.sqlite"), _bank(), clock=Clock())


def test_group_session_scores_and_leaderboard_order(engine: QuizEngine) -> None:
    asked = engine.start(GROUP, owner_id=1, size=3, seed=1)
    session_id = asked.session.session_id
    assert asked.session.size == 3 and asked.number == 1
    seen = []
    while asked is not None:
        seen.append(asked.item.item_id)
        item = asked.item
        right = item.correct if item.kind != FILL else item.answer
        wrong = (item.correct + 1) % len(item.options) if item.kind != FILL else "不知道"
        assert engine.answer(asked, 1, "Alice", right).correct
        assert not engine.answer(asked, 2, "Bob", wrong).correct
        assert engine.answer(asked, 2, "Bob", right) is None  # a second answer never counts
        engine.close_question(asked)
        asked = engine.advance(asked)
    assert sorted(seen) == ["c1", "f1", "j1"]
    board = engine.leaderboard(session_id)
    assert [(s.first_name, s.correct, s.answered) for s in board] == [("Alice", 3, 3), ("Bob", 0, 3)]
    assert engine.running(GROUP) is None


def test_bad_requests_get_chinese_errors(engine: QuizEngine) -> None:
    with pytest.raises(QuizError, match="1 到 20"):
        engine.start(GROUP, 1, size=9999)
    with pytest.raises(QuizError, match="没有找到与“abc”相关的题目"):
        engine.start(GROUP, 1, keyword="abc")
    engine.start(GROUP, 1, size=2)
    with pytest.raises(QuizError, match="已有一场答题"):
        engine.start(GROUP, 2, size=2)


def test_keyword_picks_matching_documents(engine: QuizEngine) -> None:
    asked = engine.start(GROUP, 1, size=5, keyword="国旗")
    assert asked.session.size == 1 and asked.item.item_id == "j1"


def test_answers_after_stop_or_close_are_ignored(engine: QuizEngine) -> None:
    asked = engine.start(GROUP, 1, size=3, seed=2)
    engine.close_question(asked)
    assert engine.answer(asked, 5, "Eve", 0) is None
    asked = engine.advance(asked)
    engine.stop(GROUP)
    assert engine.answer(asked, 5, "Eve", 0) is None
    assert engine.leaderboard(asked.session.session_id) == []


def test_everyone_present_answered_moves_on(engine: QuizEngine) -> None:
    asked = engine.start(GROUP, 1, size=3, seed=3)
    first = engine.answer(asked, 1, "Alice", 0)
    assert not first.everyone_answered  # on the first question nobody knows who is present
    engine.answer(asked, 2, "Bob", 0)
    engine.close_question(asked)
    asked = engine.advance(asked)
    assert not engine.answer(asked, 1, "Alice", 0).everyone_answered
    assert engine.answer(asked, 2, "Bob", 0).everyone_answered
    private = engine.start(PRIVATE, PRIVATE, size=1)
    assert engine.answer(private, PRIVATE, "Me", "x").everyone_answered


def test_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    first = QuizEngine(Database(path), _bank())
    asked = first.start(GROUP, 1, size=3, seed=4)
    first.answer(asked, 1, "Alice", asked.item.correct if asked.item.kind != FILL else asked.item.answer)
    second = QuizEngine(Database(path), _bank())  # a new process
    [interrupted] = second.interrupted_sessions()
    assert interrupted.session_id == asked.session.session_id
    second.stop(GROUP, status="interrupted")
    assert [(s.first_name, s.correct) for s in second.leaderboard(asked.session.session_id)] == [("Alice", 1)]
    assert second.user_totals(1).answered == 1


def test_wrong_answers_come_back_for_review(tmp_path: Path) -> None:
    clock = Clock()
    engine = QuizEngine(Database(tmp_path / "s.sqlite"), _bank(), clock=clock)
    asked = _play_to_item(engine, "c1")
    engine.answer(asked, PRIVATE, "Me", 0)  # wrong
    engine.stop(PRIVATE)
    assert engine.review_due(PRIVATE) == 1
    review = engine.start_review(PRIVATE, PRIVATE)
    assert review.item.item_id == "c1" and review.session.mode == "review"
    assert engine.answer(review, 7, "Other", 1) is None  # someone else's review
    assert engine.answer(review, PRIVATE, "Me", 1).correct
    engine.close_question(review)
    assert engine.advance(review) is None
    assert engine.review_due(PRIVATE) == 0  # next due in a day
    clock.now += 86400 + 1
    assert engine.review_due(PRIVATE) == 1


def _play_to_item(engine: QuizEngine, item_id: str):
    for seed in range(50):
        asked = engine.start(PRIVATE, PRIVATE, size=1, seed=seed)
        if asked.item.item_id == item_id:
            return asked
        engine.stop(PRIVATE)
    raise AssertionError("item never drawn")


def test_daily_schedules_persist(engine: QuizEngine) -> None:
    engine.set_daily(GROUP, "08:30")
    engine.set_daily(GROUP, "09:00")
    assert engine.dailies() == [(GROUP, "09:00")]
    engine.set_daily(GROUP, None)
    assert engine.dailies() == []


def test_database_is_in_wal_mode(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.sqlite")
    assert db.query("PRAGMA journal_mode")[0][0] == "wal"
