"""The material list: the study text (a speech, no articles) before the laws, each in corpus order."""

from __future__ import annotations

from bot.core.library import Library
from corpus.model import Passage


def passage(doc_id: str, title: str, location: str, n: int) -> Passage:
    return Passage(f"{doc_id}-{n}", doc_id, title, location, location, "正文。", 0, 3)


def test_study_texts_come_first_in_corpus_order() -> None:
    passages = [
        passage("law-a", "甲法", "第一章 第一条", 1),
        passage("law-a", "甲法", "第一章 第二条", 2),
        passage("speech", "学习会议主持讲话", "第一部分 第1段", 1),
        passage("law-b", "乙条例", "第三条", 1),
        passage("report", "工作报告", "引言 第2段", 1),
    ]
    documents = Library(passages).documents()
    assert [(d.doc_id, d.passages, d.study_text) for d in documents] == [
        ("speech", 1, True),
        ("report", 1, True),
        ("law-a", 2, False),
        ("law-b", 1, False),
    ]


def test_the_bundled_speech_is_listed_first(passages: list[Passage]) -> None:
    documents = Library(passages).documents()
    assert "讲话" in documents[0].title and documents[0].study_text
    assert sum(d.study_text for d in documents) == 1 and len(documents) == 32
