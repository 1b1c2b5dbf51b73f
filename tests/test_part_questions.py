"""Ordinals read from a question and the items they pick (no model needed)."""

from __future__ import annotations

from bot.core.enumerations import find_enumerations
from bot.core.part_questions import document_parts, ordinals, part_answer
from corpus.model import Passage


def passage(pid: str, text: str, start: int, section: str) -> Passage:
    return Passage(pid, "speech", "讲话", section, section, text, start, start + len(text))


DOC = [
    passage("p1", "一、要抓学习。原因有三:一是人手不够,二是经费不足,三是制度不全。", 0, "一、要抓学习。"),
    passage("p2", "二、要抓落实。落实是关键。", 40, "二、要抓落实。"),
]


def overlap(question: str, text: str) -> float:
    return 1.0 if "原因" in question and "原因" in text else 0.0


def test_ordinals_in_question_order_with_last_as_minus_one() -> None:
    assert ordinals("第一个和最后一个分别是什么") == [("个", 1), ("个", -1)]
    assert ordinals("第二部分讲什么") == [("部分", 2)]
    assert ordinals("第5条规定什么") == []  # articles are retrieval's business
    assert ordinals("讲话 第 四 部分 讲了 什么") == [("部分", 4)]  # typed with spaces


def test_parts_of_the_named_document_and_items_pointed_at() -> None:
    lists = find_enumerations(DOC)
    parts = document_parts(lists, {"speech"})
    assert parts is not None and [i.text for i in parts.items] == ["一、要抓学习。", "二、要抓落实。"]
    assert part_answer("讲话分几个部分", {"speech"}, [], lists, overlap) is parts
    second = part_answer("讲话第二部分讲了什么", {"speech"}, [], lists, overlap)
    assert second is not None and [i.text for i in second.items] == ["二、要抓落实。"]
    third = part_answer("第三个原因是什么", set(), DOC[:1], lists, overlap)
    assert third is not None and [i.text for i in third.items] == ["三是制度不全"]
    past = part_answer("讲话第三部分讲了什么", {"speech"}, [], lists, overlap)
    assert past is not None and past.items == ()  # the speech has two parts: no answer
    assert part_answer("第三个原因是什么", set(), [], lists, overlap) is None  # no list at hand


def test_what_a_whole_speech_requires_is_its_parts_a_narrower_topic_is_not() -> None:
    lists = find_enumerations(DOC)
    parts = document_parts(lists, {"speech"})
    assert part_answer("书记在讲话中提出了哪些要求？", {"speech"}, [], lists, overlap) is parts
    assert part_answer("这次讲话对创建工作部署了哪些任务", {"speech"}, [], lists, overlap) is parts
    assert part_answer("书记对宣传部提出了哪些要求？", {"speech"}, [], lists, overlap) is None
    assert part_answer("会上希望大家对标对表哪些部署和要求抓好落实？", {"speech"}, [], lists, overlap) is None
    assert part_answer("提出了哪些要求？", set(), DOC, lists, overlap) is None  # which text is meant?


def test_separate_asks_need_a_question_word_each() -> None:
    from bot.core.answer_sentences import separate_asks

    assert separate_asks("学习有什么新做法？今后形成什么常态？") == ["学习有什么新做法", "今后形成什么常态"]
    assert separate_asks("既批评了哪件事，又肯定了什么付出？") == ["既批评了哪件事", "又肯定了什么付出"]
    assert separate_asks("书记两次拿垃圾说事，分别批评了什么？") == []  # one ask
    assert separate_asks("归园居在哪个乡镇？请回答。") == []


PARTS = [
    passage("q1", "一、要抓学习。团结才能胜利。学习要常态化,月月有安排。", 0, "一、要抓学习。"),
    passage("q2", "同时,经费要落实到位。最后要形成长效机制。", 30, "一、要抓学习。"),
    passage("q3", "二、要抓宣传。标识设计要用野生菌。宣传品牌要响亮。", 60, "二、要抓宣传。"),
]


def _pointed(question: str):
    lists = find_enumerations(PARTS)
    return part_answer(question, {"speech"}, [], lists, overlap)


def test_a_question_inside_a_part_gets_the_part_s_sentence_not_only_its_heading() -> None:
    from bot.core.part_questions import part_details

    def details(question: str) -> list[tuple[str, str, str]]:
        pointed = _pointed(question)
        assert pointed is not None
        return [(i.text, p.passage_id, s) for i, p, s in part_details(question, pointed, PARTS)]

    assert details("讲话第一部分开头引用了哪句话？") == [("一、要抓学习。", "q1", "团结才能胜利。")]
    assert details("第一部分以什么话收尾？") == [("一、要抓学习。", "q2", "最后要形成长效机制。")]
    assert details("第一部分的经费和第二部分的标识设计分别怎么说？") == [
        ("一、要抓学习。", "q2", "同时,经费要落实到位。"),
        ("二、要抓宣传。", "q3", "标识设计要用野生菌。"),
    ]
    assert details("讲话第二部分主要讲了什么？") == []  # about the part itself: the heading answers


def test_likely_gives_one_sentence_when_sure_and_at_most_three_when_not() -> None:
    from bot.core.answer_sentences import FEATURES, MOST_SENTENCES, AnswerModel, Candidate, likely

    def candidate(name: str, words: float) -> Candidate:
        return Candidate(0, name, {f: (words if f == "words" else 0.0) for f in FEATURES})

    model = AnswerModel(tuple(1.0 if f == "words" else 0.0 for f in FEATURES), mass=0.8)
    sure = [candidate("a", 10.0), candidate("b", 0.0), candidate("c", 0.0)]
    assert [c.sentence for c in likely(model, sure)] == ["a"]
    unsure = [candidate(name, 1.0) for name in "abcde"]
    assert [c.sentence for c in likely(model, unsure)] == list("abcde")[:MOST_SENTENCES]
    two = [candidate("a", 2.0), candidate("b", 2.0), candidate("c", -5.0)]
    assert [c.sentence for c in likely(model, two)] == ["a", "b"]
    assert [c.sentence for c in likely(model, two, mass=0.0)] == ["a"]
    assert likely(model, []) == []
