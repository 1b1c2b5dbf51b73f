"""The shipped ranker with the real model on the bundled corpus: the issue's own examples."""

from __future__ import annotations

import pytest

from index.ranker import shipped_ranker

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def fitted(assistant) -> None:
    if shipped_ranker(assistant.index.model) is None:
        pytest.skip("no ranker fitted for this model")


def test_a_question_about_the_speechs_fourth_part_cites_it(assistant) -> None:
    top = assistant.retrieve("讲话的第四部分讲了什么？").hits[0].passage
    assert "讲话" in top.doc_title and top.location.startswith("第四部分")


def test_how_the_speech_opens_is_found_at_its_start(assistant) -> None:
    top = assistant.retrieve("讲话是怎么开头的？").hits[0].passage
    assert "讲话" in top.doc_title and top.location.startswith("引言 第1")


def test_naming_the_speech_keeps_jianchi_out_of_the_constitution(assistant) -> None:
    for question in ("讲话里要求坚持什么？", "书记在讲话中提出了哪些要求？"):
        hits = assistant.retrieve(question).hits
        assert all("讲话" in h.passage.doc_title for h in hits[:3]), question


def test_how_many_parts_the_speech_has_lands_on_its_part_headings(assistant) -> None:
    hits = assistant.retrieve("讲话分几个部分？").hits
    parts = {h.passage.location.split(" ")[0] for h in hits[:4]}
    assert parts == {"第一部分", "第二部分", "第三部分", "第四部分"}
    assert all(h.passage.text[:2] in ("一、", "二、", "三、", "四、") for h in hits[:4])


def test_the_second_cause_is_found_where_the_speech_enumerates_causes(assistant) -> None:
    # "第二个原因" points at 二是… inside the introduction as much as at the second part.
    hits = assistant.retrieve("书记说出现问题的第二个原因是什么？").hits
    assert any("二是我们相关部门职能缺失的问题" in h.passage.text for h in hits[:3])


def test_a_question_about_the_first_and_the_last_item_gets_both(assistant) -> None:
    hits = assistant.retrieve("讲话提出的四个坚持，第一个和最后一个分别是什么？").hits
    texts = [h.passage.text for h in hits[:5]]
    assert any("一、要坚持高位推动" in t for t in texts) and any("四、要坚持合力攻坚" in t for t in texts)


def test_asking_what_a_law_means_by_a_term_finds_its_definition(assistant) -> None:
    # Without the definition cue both questions open with an article that only uses the term.
    for question, definition in (
        ("散居少数民族指的是哪些人？", "本条例所称的散居少数民族，是指"),
        ("国家通用语言文字指的是什么？", "本法所称的国家通用语言文字是普通话和规范汉字"),
    ):
        top = assistant.retrieve(question).hits[0].passage
        assert definition in top.text, question


def test_a_how_many_question_prefers_the_passage_with_the_number(assistant) -> None:
    # Without the answer-kind cue the study session's own introduction (no count of letters) wins.
    top = assistant.retrieve("总书记给当地群众回过几次信").hits[0].passage
    assert "三次给*各族干部群众回信" in top.text
