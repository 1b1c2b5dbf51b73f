"""Question generation and its quality check on the real bundled corpus."""

from __future__ import annotations

import pytest

from bot.core.quiz.check import check_items, format_report
from bot.core.quiz.generate import GeneratorSettings, generate_items
from bot.core.quiz.items import BLANK, CHOICE, FILL, JUDGE, MULTI, QuizItem, answer_matches, fold


def test_bank_meets_the_targets_with_zero_failures(items, passages) -> None:
    report = check_items(items, passages)
    assert report.failures == []
    assert report.verbatim == report.total >= 30  # one item per sentence, a few per form: broader
    speech = {fold(i.question) + i.answer for i in items if "讲话" in i.doc_title}
    assert len(speech) >= 24
    assert set(report.by_kind) == {FILL, CHOICE, JUDGE, MULTI}


def test_report_names_a_broken_item_in_chinese(items, passages) -> None:
    good = next(i for i in items if i.kind == FILL)
    broken = QuizItem.from_dict(good.to_dict() | {"item_id": "manual-1", "answer": "不在原文里的答案"})
    report = format_report(check_items([good, broken], passages))
    assert "按题型：填空 2" in report
    assert "manual-1: 答案没有逐字出现在出处段落中" in report
    assert "问题条目：1" in report


def test_the_four_principles_are_asked_with_each_other_as_distractors(items) -> None:
    principles = {"高位推动", "系统思维", "守正创新", "合力攻坚"}
    choice = next(i for i in items if i.kind == CHOICE and i.answer == "守正创新" and i.topic == "principle")
    assert set(choice.options) == principles
    assert choice.options[choice.correct] == "守正创新"
    assert "切实解决精准性差、辨识度低的问题" in choice.question and BLANK in choice.question
    assert "第三部分" in choice.location


def test_slogans_enumerations_and_numbers_are_asked(items) -> None:
    answers = {i.answer for i in items if "讲话" in i.doc_title}
    assert {"世界菌乡、你我共享", "创则必成", "有感"} <= answers
    assert "2021年" not in answers  # the year of an event is a detail (seed-4 rating)


def test_distractors_never_make_a_second_right_option(items, passages) -> None:
    corpus = fold("\n".join(p.text for p in passages))
    for item in items:
        if item.kind != CHOICE or item.topic == "structure":
            continue  # structure items ask about headings, not a blank in a sentence
        for i, option in enumerate(item.options):
            if i != item.correct:
                assert fold(item.question.split("：", 1)[1].replace(BLANK, option)) not in corpus, item


def test_true_false_statements_swap_a_key_phrase(items) -> None:
    judges = [i for i in items if i.kind == JUDGE]
    assert {i.correct for i in judges} == {0, 1}
    for false_one in (i for i in judges if i.correct == 1):
        statement = false_one.question.split("：", 1)[1]
        if "切实解决" in false_one.explanation:  # a principle paired with another part's problems
            own = false_one.explanation.split("切实解决")[1].split("的问题")[0]
            assert f"“{own}”" not in statement
        else:
            assert false_one.answer not in statement or false_one.topic == "number"


def test_generation_is_deterministic_for_a_seed(passages) -> None:
    a = generate_items(passages, GeneratorSettings(seed=7))
    b = generate_items(passages, GeneratorSettings(seed=7))
    c = generate_items(passages, GeneratorSettings(seed=8))
    assert [i.to_dict() for i in a] == [i.to_dict() for i in b]
    assert [i.options for i in a] != [i.options for i in c]


def test_no_duplicates(items) -> None:
    keys = [(i.kind, fold(i.question), i.answer) for i in items]
    assert len(keys) == len(set(keys))
    assert len({i.item_id for i in items}) == len(items)


def test_explanations_fit_a_telegram_quiz(items) -> None:
    assert all(len(i.explanation) <= 200 and i.explanation.count("\n") <= 2 for i in items)


@pytest.mark.parametrize("reply", ["有感", " 有 感 ", "有感。", "“有感”", "ＹＯＵ"[:0] + "有感！"])
def test_fill_answers_tolerate_punctuation_width_and_spaces(reply: str) -> None:
    item = QuizItem("x", FILL, f"要求创建工作有形、{BLANK}、有效", "有感")
    assert answer_matches(item, reply)
    assert not answer_matches(item, "有形")
    assert not answer_matches(item, "   ")


def test_full_width_and_traditional_answers_match() -> None:
    item = QuizItem("y", FILL, f"{BLANK}年，我县成功创建", "2021年")
    assert answer_matches(item, "２０２１年")
    item = QuizItem("z", FILL, f"坚持{BLANK}", "系统思维")
    assert answer_matches(item, "系統思維")
