"""Practice rounds and the wrong-answer book over a small hand-made bank."""

from __future__ import annotations

import random

import pytest

from bot.core.database import Database
from bot.core.practice import PracticeBook, PracticeError
from bot.core.quiz.bank import QuizBank
from bot.core.quiz.items import CHOICE, FILL, QuizItem


def bank() -> QuizBank:
    items = [
        QuizItem(
            f"f{i}",
            FILL,
            f"第{i}题 ____ 是什么",
            f"答案{i}",
            doc_id="law" if i % 2 else "speech",
            doc_title="法律" if i % 2 else "讲话",
            passage_id=f"p{i}",
        )  # fmt: skip
        for i in range(12)
    ]
    items.append(
        QuizItem(
            "c1", CHOICE, "选择 ____", "乙", ["甲", "乙", "丙", "丁"], 1, doc_id="speech", doc_title="讲话"
        )
    )
    return QuizBank(items)


def test_round_to_the_end_with_score_and_wrong_book(tmp_path):
    book = PracticeBook(Database(tmp_path / "s.sqlite"), random.Random(1))
    b = bank()
    round_id = book.start(7, b, 5)
    for position in range(5):
        view = book.view(round_id, 7, b)
        assert view is not None and view.position == position and view.item is not None
        reply = view.item.correct_text if position % 2 == 0 else "错的"
        verdict = book.answer(round_id, 7, b, position, reply)
        assert verdict.correct == (position % 2 == 0)
    final = book.view(round_id, 7, b)
    assert final is not None and final.item is None and final.score == 3 and len(final.wrong) == 2
    assert {e.item.item_id for e in book.wrong_book(7, b)} == {v.item.item_id for v in final.wrong}
    assert book.view(round_id, 8, b) is None  # another member's round


def test_answering_twice_keeps_the_first_verdict_and_skipping_is_refused():
    book = PracticeBook(Database(), random.Random(2))
    b = bank()
    round_id = book.start(1, b, 5)
    item = book.view(round_id, 1, b).item
    first = book.answer(round_id, 1, b, 0, "错的")
    again = book.answer(round_id, 1, b, 0, item.correct_text)
    assert first == again and not again.correct
    with pytest.raises(PracticeError):
        book.answer(round_id, 1, b, 3, "x")
    with pytest.raises(PracticeError):
        book.answer(round_id, 1, b, 1, "   ")


def test_filters_sizes_and_retry_clears_the_book():
    book = PracticeBook(Database(), random.Random(3))
    b = bank()
    with pytest.raises(PracticeError):
        book.start(1, b, 7)
    with pytest.raises(PracticeError):
        book.start(1, b, 5, keyword="不存在的词")
    with pytest.raises(PracticeError):
        book.start_retry(1, b)
    round_id = book.start(1, b, 5, doc_id="law")
    view = book.view(round_id, 1, b)
    while view.item is not None:
        assert view.item.doc_id == "law"
        book.answer(round_id, 1, b, view.position, "错的")
        view = book.view(round_id, 1, b)
    assert len(book.wrong_book(1, b)) == 5
    retry = book.start_retry(1, b)
    view = book.view(retry, 1, b)
    assert view.retry and view.total == 5
    while view.item is not None:
        book.answer(retry, 1, b, view.position, view.item.correct_text)
        view = book.view(retry, 1, b)
    assert book.wrong_book(1, b) == []


def test_choice_answered_by_option_text():
    book = PracticeBook(Database(), random.Random(4))
    b = QuizBank([i for i in bank().items if i.kind == CHOICE] * 1)
    round_id = book.start(1, b, 5)
    assert book.view(round_id, 1, b).total == 1
    assert book.answer(round_id, 1, b, 0, "乙").correct
