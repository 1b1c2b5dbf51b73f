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
    top = assistant.index.search("讲话的第四部分讲了什么？", assistant.encoder).hits[0].passage
    assert "讲话" in top.doc_title and top.location.startswith("第四部分")


def test_how_the_speech_opens_is_found_at_its_start(assistant) -> None:
    top = assistant.index.search("讲话是怎么开头的？", assistant.encoder).hits[0].passage
    assert "讲话" in top.doc_title and top.location.startswith("引言 第1")


def test_naming_the_speech_keeps_jianchi_out_of_the_constitution(assistant) -> None:
    for question in ("讲话里要求坚持什么？", "书记在讲话中提出了哪些要求？"):
        hits = assistant.index.search(question, assistant.encoder).hits
        assert all("讲话" in h.passage.doc_title for h in hits[:3]), question
