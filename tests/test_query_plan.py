"""Query understanding and document structure on the bundled corpus (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from index.query_plan import plan_query, title_stems
from index.structure import DocumentStructure, chinese_number


@pytest.fixture(scope="module")
def structure(passages) -> DocumentStructure:
    return DocumentStructure.of(passages)


def doc_number(structure: DocumentStructure, title_part: str) -> int:
    return next(i for i, t in enumerate(structure.titles) if title_part in t)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十五", 15),
        ("二十三", 23),
        ("一百零二", 102),
        ("两", 2),
        ("12", 12),
        ("部分", None),
    ],
)
def test_chinese_numbers(text: str, number: int | None) -> None:
    assert chinese_number(text) == number


def test_speech_parts_and_law_articles_are_read_back(structure: DocumentStructure, passages) -> None:
    speech = doc_number(structure, "讲话")
    parts = {structure.ordinals[i].get("部分") for i in np.flatnonzero(structure.doc_of == speech)}
    assert parts == {None, 1, 2, 3, 4}  # introduction and closing words have no number
    assert all(structure.last_part[structure.doc_of == speech] == 4)
    rows = np.flatnonzero(structure.doc_of == speech)
    assert structure.position[rows[0]] == 0.0 and structure.position[rows[-1]] == 1.0
    article = next(i for i, p in enumerate(passages) if p.section.endswith("第十五条"))
    assert structure.ordinals[article]["条"] == 15


def test_a_question_naming_the_speech_and_its_part(structure: DocumentStructure) -> None:
    plan = plan_query("书记在讲话第二部分提了什么要求？", structure)
    assert plan.named_docs == {doc_number(structure, "讲话")}
    assert plan.ordinal == ("部分", 2)
    plan = plan_query("讲话的最后一部分讲什么", structure)
    assert plan.ordinal == ("部分", -1) and plan.position == ""
    assert plan_query("讲话是怎么开头的？", structure).position == "start"
    assert plan_query("讲话结尾号召大家做什么", structure).position == "end"


def test_every_unit_a_question_points_at_is_read(structure: DocumentStructure) -> None:
    plan = plan_query("讲话提出的四个坚持，第一个和最后一个分别是什么？", structure)
    assert plan.ordinals == (("个", 1), ("个", -1))
    assert plan_query("第十五条和第十六条怎么规定", structure).ordinals == (("条", 15), ("条", 16))
    assert plan_query("今天天气怎么样", structure).ordinals == ()
    assert plan_query("讲话 第 四 部分 讲了 什么", structure).ordinals == (("部分", 4),)  # typed with spaces


def test_what_matters_most_is_read(structure: DocumentStructure) -> None:
    assert plan_query("创建工作最重要的是什么？", structure).focus == ("最重要",)
    assert plan_query("这次学习围绕哪条主线？", structure).focus == ("主线",)
    assert plan_query("创建工作包括哪些方面？", structure).focus == ()


def test_asking_for_the_parts_as_a_whole_points_at_the_part_openings(structure, passages) -> None:
    assert plan_query("讲话分几个部分？", structure).parts_overview
    assert plan_query("书记的讲话包括哪几个部分", structure).parts_overview
    assert not plan_query("讲话第二部分讲了什么", structure).parts_overview
    assert not plan_query("怎样调整产业结构", structure).parts_overview
    speech = doc_number(structure, "讲话")
    openings = np.flatnonzero(structure.part_start)
    assert [structure.ordinals[i]["部分"] for i in openings] == [1, 2, 3, 4]
    assert all(structure.doc_of[i] == speech for i in openings)
    assert all(passages[i].text.startswith(f"{n}、") for i, n in zip(openings, "一二三四"))


def test_a_question_asking_what_a_term_means_wants_a_definition(structure: DocumentStructure) -> None:
    assert plan_query("条例所说的“志愿者”是指什么人？", structure).definition
    assert plan_query("反恐法里“恐怖主义”是怎么定义的？", structure).definition
    assert not plan_query("这次学习是围绕哪条主线展开的？", structure).definition


def test_a_question_naming_a_law_is_steered_to_it_alone(structure: DocumentStructure) -> None:
    plan = plan_query("宪法对民族区域自治是怎么规定的？", structure)
    assert plan.named_docs == {structure.titles.index("中华人民共和国宪法")}  # not its amendment
    plan = plan_query("景宁畲族自治县自治条例怎么规定县长人选", structure)
    assert plan.named_docs == {doc_number(structure, "景宁畲族自治县自治条例")}
    assert "景宁畲族自治县自治条例" in title_stems("浙江省景宁畲族自治县自治条例(2021-06-15)")
    assert plan_query("这件事哪部法律有规定？", structure).named_docs.isdisjoint(
        {doc_number(structure, "讲话")}
    )


def test_short_forms_and_english_are_put_in_the_materials_words(structure: DocumentStructure) -> None:
    assert "坚持合力攻坚" in plan_query("四个坚持分别是什么？", structure).expansion
    plan = plan_query("What does the speech say about ethnic unity and progress?", structure)
    assert "民族团结进步" in plan.translation
    assert doc_number(structure, "讲话") in plan.named_docs
    assert plan_query("民族团结进步示范县", structure).expansion.count("民族团结进步") >= 1
    assert plan_query("今天天气怎么样", structure) == plan_query("今天天气怎么样", structure)
    assert plan_query("今天天气怎么样", structure).named_docs == frozenset()


def test_the_laws_terms_are_translated(structure: DocumentStructure) -> None:
    martyrs = plan_query(
        "Is a company allowed to use a martyr's name or picture in its trademark or ads?", structure
    )
    assert {"英雄烈士", "肖像", "商标"} <= set(martyrs.translation.split())
    township = plan_query(
        "Which department is responsible for interpreting the regulations on ethnic townships?", structure
    )
    assert "解释" in township.translation.split()  # -ing form of "interpret"
    assert doc_number(structure, "民族乡行政工作条例") in township.named_docs  # plural of the title's row


def test_a_shared_word_carries_the_laws_sense_as_well_as_the_speechs(structure: DocumentStructure) -> None:
    law = plan_query("Whom should people report terrorist activities to?", structure).translation.split()
    assert {"举报", "报告", "通报"} <= set(law) and {"人民", "公民", "群众"} <= set(law)
    assert "号召" not in plan_query("What is the law called?", structure).translation  # -ed forms stay out


def test_one_pointer_reader_serves_the_plan_and_the_part_questions() -> None:
    from index.query_plan import LIST_UNITS, pointers

    question = "第二部分头一句和第十五条、最后一个"
    assert [(p.unit, p.number) for p in pointers(question)] == [("部分", 2), ("条", 15), ("个", -1)]
    assert [(p.unit, p.number) for p in pointers(question, LIST_UNITS)] == [("部分", 2), ("个", -1)]
    assert [(p.unit, p.number) for p in pointers(question, first_units=("句",))][1] == ("句", 1)
    assert [question[p.start : p.end] for p in pointers(question, LIST_UNITS)] == ["第二部分", "最后一个"]
