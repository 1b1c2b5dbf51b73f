"""Quiz sessions, scores, review and persistence against real SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.database import Database
from bot.core.quiz.bank import QuizBank
from bot.core.quiz.engine import QuizEngine, QuizError
from bot.core.quiz.events import (
    AnswerRecorded,
    AnswerRejected,
    Event,
    NextQuestion,
    QuestionClosed,
    SessionFinished,
    SessionStarted,
    first,
)
from bot.core.quiz.items import BLANK, CHOICE, FILL, JUDGE, MULTI, QuizItem
from bot.core.quiz.model import Advance, AskedQuestion, CloseReason, Player, Rejection, SessionStatus

GROUP, PRIVATE = "tg:-100", "tg:42"
ALICE, BOB, EVE, ME = (
    Player("tg:1", "Alice"),
    Player("tg:2", "Bob"),
    Player("tg:5", "Eve"),
    Player("tg:42", "Me"),
)


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


def opened(events: list[Event]) -> AskedQuestion:
    event = first(events, NextQuestion)
    assert event is not None, events
    return event.question


def right(item: QuizItem) -> str | int:
    return item.correct if item.kind != FILL else item.answer


def wrong(item: QuizItem) -> str | int:
    return (item.correct + 1) % len(item.options) if item.kind != FILL else "不知道"


def closing(engine: QuizEngine, asked: AskedQuestion, events: list[Event]) -> list[Event]:
    """The events that closed the question: the last answer's, else the timer's."""
    if first(events, QuestionClosed) is not None:
        return events
    return engine.timeout(asked.session.session_id, asked.position)


def test_group_session_scores_and_leaderboard_order(engine: QuizEngine) -> None:
    started = engine.start(GROUP, "tg:1", size=3, seed=1)
    assert isinstance(started[0], SessionStarted)
    asked: AskedQuestion | None = opened(started)
    assert asked is not None and asked.session.size == 3 and asked.number == 1
    session_id = asked.session.session_id
    seen, finished = [], None
    while asked is not None:
        seen.append(asked.item.item_id)
        assert first(engine.answer(asked, ALICE, right(asked.item)), AnswerRecorded).correct
        again = first(engine.answer(asked, ALICE, wrong(asked.item)), AnswerRejected)
        assert again.reason == Rejection.ALREADY_ANSWERED  # a second answer never counts
        answered = engine.answer(asked, BOB, wrong(asked.item))
        assert not first(answered, AnswerRecorded).correct
        events = closing(engine, asked, answered)
        closed = first(events, QuestionClosed)
        assert (closed.answered, closed.correct) == (2, 1)
        assert closed.reason == (CloseReason.TIMEOUT if asked.position == 0 else CloseReason.ALL_ANSWERED)
        nxt = first(events, NextQuestion)
        asked = nxt.question if nxt else None
        finished = first(events, SessionFinished)
    assert sorted(seen) == ["c1", "f1", "j1"]
    assert finished is not None and finished.session.status == SessionStatus.FINISHED
    board = [(s.name, s.correct, s.answered) for s in finished.leaderboard]
    assert board == [("Alice", 3, 3), ("Bob", 0, 3)]
    assert list(finished.leaderboard) == engine.leaderboard(session_id)
    assert engine.running(GROUP) is None


def test_bad_requests_get_chinese_errors(engine: QuizEngine) -> None:
    with pytest.raises(QuizError, match="1 到 20"):
        engine.start(GROUP, "tg:1", size=9999)
    why = "没有找到与“abc”相关的题目。题库只收值得记住的内容.*不是每份资料都有题目"  # a law without items
    with pytest.raises(QuizError, match=why):
        engine.start(GROUP, "tg:1", keyword="abc")
    engine.start(GROUP, "tg:1", size=2)
    with pytest.raises(QuizError, match="已有一场答题"):
        engine.start(GROUP, "tg:2", size=2)


def test_keyword_picks_matching_documents(engine: QuizEngine) -> None:
    asked = opened(engine.start(GROUP, "tg:1", size=5, keyword="国旗"))
    assert asked.session.size == 1 and asked.item.item_id == "j1"


def test_default_sessions_draw_from_the_default_source_first(tmp_path: Path) -> None:
    law = QuizEngine(Database(tmp_path / "a.sqlite"), _bank(), default_source="国旗")
    for seed in range(5):
        asked = opened(law.start(f"room{seed}", "o", size=1, seed=seed))
        assert asked.item.doc_id == "国旗法"
    speech = QuizEngine(Database(tmp_path / "b.sqlite"), _bank())  # the speech by default
    for seed in range(5):
        events = speech.start(f"room{seed}", "o", size=2, seed=seed, solo=True)
        asked = opened(events)
        items = [asked.item]
        items.append(opened(speech.answer(asked, ME, "x")).item)
        assert {i.doc_id for i in items} == {"speech"}
    everything = opened(speech.start("big", "o", size=3, seed=1)).session
    assert everything.size == 3  # the rest of the bank fills up a session the speech cannot


def test_answers_after_stop_or_close_are_ignored(engine: QuizEngine) -> None:
    asked = opened(engine.start(GROUP, "tg:1", size=3, seed=2))
    nxt = opened(engine.timeout(asked.session.session_id, asked.position))
    assert first(engine.answer(asked, EVE, 0), AnswerRejected).reason == Rejection.CLOSED
    assert engine.timeout(asked.session.session_id, asked.position) == []  # a late timer does nothing
    events = engine.stop(GROUP)
    assert [type(e) for e in events] == [QuestionClosed, SessionFinished]
    assert first(events, QuestionClosed).reason == CloseReason.STOPPED
    assert first(events, SessionFinished).session.status == SessionStatus.STOPPED
    assert first(engine.answer(nxt, EVE, 0), AnswerRejected).reason == Rejection.CLOSED
    assert engine.leaderboard(asked.session.session_id) == []
    assert engine.stop(GROUP) == []


def test_everyone_present_answered_moves_on(engine: QuizEngine) -> None:
    asked = opened(engine.start(GROUP, "tg:1", size=3, seed=3))
    events = engine.answer(asked, ALICE, 0)
    assert first(events, QuestionClosed) is None  # on the first question nobody knows who is present
    engine.answer(asked, BOB, 0)
    asked = opened(engine.timeout(asked.session.session_id, asked.position))
    assert first(engine.answer(asked, ALICE, 0), QuestionClosed) is None
    events = engine.answer(asked, BOB, 0)
    assert [type(e) for e in events] == [AnswerRecorded, QuestionClosed, NextQuestion]
    assert first(events, QuestionClosed).reason == CloseReason.ALL_ANSWERED
    private = opened(engine.start(PRIVATE, "tg:42", size=1, solo=True))
    events = engine.answer(private, ME, "x")
    assert [type(e) for e in events] == [AnswerRecorded, QuestionClosed, SessionFinished]


def test_the_timer_and_the_last_answer_close_a_question_once(engine: QuizEngine) -> None:
    asked = opened(engine.start(PRIVATE, "tg:42", size=2, solo=True, seed=1))
    events = engine.answer(asked, ME, right(asked.item))
    assert len([e for e in events if isinstance(e, QuestionClosed)]) == 1
    assert engine.timeout(asked.session.session_id, asked.position) == []


def test_organiser_moves_a_live_session_on(engine: QuizEngine) -> None:
    events = engine.start("web:room", "web:organiser", size=2, seed=5, advance=Advance.ORGANISER)
    assert [type(e) for e in events] == [SessionStarted]  # the organiser opens the first question
    session_id = events[0].session.session_id
    carol, dave = Player("web:c", "Carol"), Player("web:d", "Dave")
    engine.join(session_id, carol)
    engine.join(session_id, dave)
    asked = opened(engine.next_question(session_id))
    assert first(engine.answer(asked, carol, right(asked.item)), QuestionClosed) is None
    events = engine.answer(asked, dave, wrong(asked.item))  # both joined players answered
    assert [type(e) for e in events] == [AnswerRecorded, QuestionClosed]  # waits for the organiser
    assert engine.current("web:room").item == asked.item
    second = opened(engine.next_question(session_id))
    closed = first(engine.close(session_id), QuestionClosed)  # reveal before anyone answered
    assert closed.reason == CloseReason.ORGANISER and closed.question.item == second.item
    assert [(s.name, s.correct) for s in closed.leaderboard] == [
        ("Carol", 1),
        ("Dave", 0),
    ]  # for the projector
    finished = first(engine.next_question(session_id), SessionFinished)
    assert finished is not None and [s.name for s in finished.leaderboard] == ["Carol", "Dave"]


def test_multi_select_scores_the_exact_set(engine: QuizEngine) -> None:
    item = QuizItem("m1", MULTI, "讲话提出了哪些要求？", "有形、有感", ["有形", "有感", "有钱", "有名"],
                    correct_set=[0, 1], doc_id="speech", doc_title="县委讲话")  # fmt: skip
    engine.replace_bank(QuizBank([item]))
    players = [Player(f"web:{i}", f"P{i}") for i in range(4)]
    asked = opened(engine.start("web:m", "o", size=1, seed=1, advance=Advance.ORGANISER) + engine.next_question(
        engine.running("web:m").session_id))  # fmt: skip
    verdicts = [first(engine.answer(asked, p, reply), AnswerRecorded) for p, reply in
                zip(players, [[1, 0], [0], [0, 1, 2], 0], strict=True)]  # fmt: skip
    assert [v.correct for v in verdicts] == [True, False, False, False]
    assert verdicts[0].reply == "有形|有感"
    assert item.correct_text == "有形、有感"


def test_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    first_process = QuizEngine(Database(path), _bank())
    asked = opened(first_process.start(GROUP, "tg:1", size=3, seed=4))
    first_process.answer(asked, ALICE, right(asked.item))
    second = QuizEngine(Database(path), _bank())  # a new process
    assert second.finish_interrupted("web:") == []  # another front end's sessions are left alone
    events = second.finish_interrupted("tg:")
    finished = first(events, SessionFinished)
    assert finished.session.session_id == asked.session.session_id
    assert finished.session.status == SessionStatus.INTERRUPTED
    assert [(s.name, s.correct) for s in finished.leaderboard] == [("Alice", 1)]
    assert second.player_totals("tg:1").answered == 1


def test_wrong_answers_come_back_for_review(tmp_path: Path) -> None:
    clock = Clock()
    engine = QuizEngine(Database(tmp_path / "s.sqlite"), _bank(), clock=clock)
    asked = _play_to_item(engine, "c1")
    engine.answer(asked, ME, 0)  # wrong
    engine.stop(PRIVATE)
    assert engine.review_due(ME.player_id) == 1
    review = opened(engine.start_review(PRIVATE, ME))
    assert review.item.item_id == "c1" and review.session.mode == "review"
    other = first(engine.answer(review, Player("tg:7", "Other"), 1), AnswerRejected)
    assert other.reason == Rejection.NOT_PARTICIPANT  # someone else's review
    events = engine.answer(review, ME, 1)
    assert first(events, AnswerRecorded).correct and first(events, SessionFinished) is not None
    assert engine.review_due(ME.player_id) == 0  # next due in a day
    assert engine.start_review(PRIVATE, ME) == []
    clock.now += 86400 + 1
    assert engine.review_due(ME.player_id) == 1


def _play_to_item(engine: QuizEngine, item_id: str) -> AskedQuestion:
    for seed in range(50):
        asked = opened(engine.start(PRIVATE, ME.player_id, size=1, seed=seed, solo=True))
        if asked.item.item_id == item_id:
            return asked
        engine.stop(PRIVATE)
    raise AssertionError("item never drawn")


def test_item_stats_name_the_hardest_items(engine: QuizEngine) -> None:
    for seed in range(6):
        asked = opened(engine.start(GROUP, "tg:1", size=3, seed=seed))
        while asked is not None:
            reply = wrong(asked.item) if asked.item.item_id == "f1" else right(asked.item)
            nxt = first(closing(engine, asked, engine.answer(asked, ALICE, reply)), NextQuestion)
            asked = nxt.question if nxt else None
    hardest = engine.hardest_items(limit=2)
    (stats, item), _ = hardest
    assert item is not None and item.item_id == "f1"
    assert (stats.shown, stats.answered, stats.correct) == (6, 6, 0)
    assert hardest[1][0].correct_rate == 1.0


def test_daily_schedules_persist(engine: QuizEngine) -> None:
    engine.set_daily(GROUP, "08:30")
    engine.set_daily(GROUP, "09:00")
    assert engine.dailies() == [(GROUP, "09:00")]
    engine.set_daily(GROUP, None)
    assert engine.dailies() == []


def test_database_is_in_wal_mode(tmp_path: Path) -> None:
    db = Database(tmp_path / "w.sqlite")
    assert db.query("PRAGMA journal_mode")[0][0] == "wal"


def test_stats_report_names_the_hardest_item_and_its_answer(engine: QuizEngine) -> None:
    from bot.core.quiz.stats import format_hardest

    asked = opened(engine.start(PRIVATE, "tg:42", size=1, keyword="国旗", solo=True))
    engine.answer(asked, ME, 1)  # wrong
    report = format_hardest(engine.hardest_items(min_answered=1), 1)
    assert (
        "答对 0/1（0%），出题 1 次" in report
        and "答案：正确" in report
        and "《中华人民共和国国旗法》" in report
    )
    assert "还没有作答次数不少于 3 次" in format_hardest(engine.hardest_items(min_answered=3), 3)
