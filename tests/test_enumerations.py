"""The lists the documents make themselves, found from their own markers (no model needed)."""

from __future__ import annotations

from bot.core.enumerations import best_enumeration, find_enumerations, numeral_value, stated_count
from corpus.model import Passage


def passage(pid: str, text: str, start: int, section: str = "引言") -> Passage:
    return Passage(pid, "doc", "讲话", section, section, text, start, start + len(text))


def test_numerals_and_stated_counts() -> None:
    assert [numeral_value(n) for n in ("一", "四", "十", "十二", "二十", "二十三")] == [1, 4, 10, 12, 20, 23]
    assert stated_count("讲话提出的四个坚持分别是什么？") == 4
    assert stated_count("五方面问题都是哪些？") == 5
    assert stated_count("要坚持哪几个方面？") is None


def test_inline_items_run_across_passages_and_a_new_first_item_starts_a_new_list() -> None:
    doc = [
        passage("a", "原因有三:一是人手不够,二是经费不足。", 0),
        passage("b", "三是制度不全。另外,一是要加强学习,二是要改进作风。", 30),
    ]
    lists = find_enumerations(doc)
    assert [[i.text for i in e.items] for e in lists] == [
        ["一是人手不够", "二是经费不足", "三是制度不全"],
        ["一是要加强学习", "二是要改进作风"],
    ]
    assert lists[0].lead == "原因有三:"
    assert [p.passage_id for p in lists[0].passages] == ["a", "b"]


def test_numbered_parts_and_article_items() -> None:
    doc = [
        passage("p1", "一、要抓学习。学习是基础。", 0, "一、要抓学习。"),
        passage("p2", "二、要抓落实。落实是关键。", 20, "二、要抓落实。"),
    ]
    article = Passage("x", "law", "某法", "第五条", "第五条", "第五条 下列人员参加：\n（一）村民；\n（二）居民。", 0, 22)
    kinds = {e.kind: [i.text for i in e.items] for e in find_enumerations(doc + [article])}
    assert kinds["parts"] == ["一、要抓学习。", "二、要抓落实。"]
    assert kinds["article"] == ["（一）村民；", "（二）居民。"]


def test_list_is_chosen_only_when_the_question_asks_for_parts_and_counts_agree(passages) -> None:
    lists = find_enumerations([p for p in passages if "讲话" in p.doc_title])
    speech = [p for p in passages if "讲话" in p.doc_title]
    parts = [p for p in speech if p.section.startswith(("一、", "二、", "三、", "四、"))]

    def overlap(question: str, text: str) -> float:
        return 1.0 if "坚持" in question and "坚持" in text else 0.0

    chosen = best_enumeration("创建工作要坚持哪几个方面？", parts, lists, overlap)
    assert chosen is not None and chosen.kind == "parts" and len(chosen.items) == 4
    assert best_enumeration("要坚持的五个方面包括哪些？", parts, lists, overlap) is None  # 4 ≠ 5
    assert best_enumeration("要坚持的四个方面包括哪些？", parts, lists, overlap) is chosen
    assert best_enumeration("创建工作要坚持什么？", parts, lists, overlap) is None
    unrelated = [p for p in speech if not p.section.startswith(("一、", "二、", "三、", "四、"))][:5]
    named = best_enumeration("创建示范县要坚持哪几个方面？", unrelated, lists, overlap)  # the parts rank low
    assert named is not None and named.kind == "parts" and len(named.items) == 4
    assert best_enumeration("创建示范县要做到哪几个方面？", unrelated, lists, overlap) is None


def test_a_law_s_chapters_come_from_its_sections_and_do_not_answer_topic_lists() -> None:
    law = [
        Passage("a1", "law", "某法", "第一章 总则 › 第一条", "第一章 总则 › 第一条", "第一条 为了……", 0, 7),
        Passage("a2", "law", "某法", "第一章 总则 › 第二条", "第一章 总则 › 第二条", "第二条 国家……", 7, 14),
        Passage("a3", "law", "某法", "第二章 附则 › 第三条", "第二章 附则 › 第三条", "第三条 本法自……", 14, 22),
    ]
    chapters = [e for e in find_enumerations(law) if e.kind == "chapters"]
    assert [[i.text for i in e.items] for e in chapters] == [["第一章 总则", "第二章 附则"]]
    assert [p.passage_id for p in chapters[0].passages] == ["a1", "a3"]
    assert best_enumeration("本法包括哪几章？", law, chapters, lambda q, t: 1.0) is None
