"""What makes the generated bank worth a study session: structure items from the speech's own
headings, key formulations found by rule, same-kind distractors, worth scores and no trivia."""

from __future__ import annotations

import re

import pytest

from bot.core.quiz.check import answer_supported, check_items, format_report
from bot.core.quiz.distract import mixed_kinds
from bot.core.quiz.items import BLANK, CHOICE, JUDGE, MULTI, QuizItem
from bot.core.quiz.phrases import key_phrases
from bot.core.quiz.signature import variants
from bot.core.quiz.structure import ORDINALS
from bot.core.quiz.worth import MIN_WORTH, worthless
from tests.quiz_bank import PRINCIPLES, speech


def test_every_answer_is_verbatim_in_or_a_heading_of_its_cited_passages(items, passages) -> None:
    by_id = {p.passage_id: p for p in passages}
    for item in items:
        cited = [by_id[pid] for pid in item.cited]
        assert cited and answer_supported(item, cited), item
    assert check_items(items, passages).verbatim == len(items)


def test_the_speech_structure_is_asked_from_its_headings(items, passages) -> None:
    by_id = {p.passage_id: p for p in passages}
    structure = [i for i in speech(items) if i.topic == "structure"]
    which = [i for i in speech(items) if i.kind == CHOICE and i.topic == "principle"]
    assert len(which) == 1 and all(set(i.options) == PRINCIPLES for i in which)  # one heading's pairing
    for item in which:  # 一、要坚持____,切实解决行动迟缓…: the heading's own principle
        assert item.options[item.correct] in by_id[item.passage_id].heading
    nth = [i for i in structure if "第" in i.question and "项是" in i.question]
    assert len(nth) == ORDINALS and all(set(i.options) == PRINCIPLES for i in nth)
    order = next(i for i in structure if "顺序" in i.question)
    assert order.options[order.correct] == "高位推动→系统思维→守正创新→合力攻坚"
    odd = [i for i in structure if "不是" in i.question]
    assert odd and all(i.answer not in PRINCIPLES and set(i.options) - {i.answer} <= PRINCIPLES for i in odd)
    problems = [i for i in structure if i.kind == MULTI and "要切实解决下列哪些问题" in i.question]
    for item in problems:
        right = {item.options[k] for k in item.right_options}
        assert right == set(item.answer.split("、")) and len(item.options) == 5
        assert all(o in by_id[item.passage_id].heading for o in right)


def test_law_chapters_make_items_but_the_bank_leaves_them_out_as_trivia(items, passages) -> None:
    import random

    from bot.core.quiz.structure import structure_items

    made = structure_items(passages, random.Random(1), [])
    chapter = next(i for i in made if "民族区域自治法》中" in i.question)
    by_id = {p.passage_id: p for p in passages}
    assert chapter.answer in by_id[chapter.passage_id].heading
    assert all("章" not in o and o not in ("总则", "附则") for o in chapter.options)
    chapters = [i for i in items if "属于哪一章" in i.question]  # rated trivia on the dev sample:
    assert all(i.worth < 0.45 for i in chapters)  # only as one of a law's few items for a keyword quiz


def test_key_formulations_are_found_by_rule_with_misremembered_forms_as_distractors(items) -> None:
    answers = {i.answer for i in speech(items) if i.topic in ("formulation", "quote")}
    assert {"创则必成", "世界菌乡、你我共享"} <= answers
    slogans = {"省级牌子到手、创建到头", "兵器入库、马放南山", "敢想敢干、敢闯敢试", "敢闯敢试", "逢冠必夺"}
    assert len(answers & slogans) == 1  # one sentence (四是我们理念的问题……), one item
    assert not answers & {"以文促商", "以商养文", "以商养文,以文促商"}  # an aside's slogan (seed 5)
    for item in (i for i in speech(items) if i.kind == CHOICE and i.topic == "formulation"):
        siblings = tuple(re.findall(r"[\u4e00-\u9fff]+", item.explanation))
        wrong = [o for k, o in enumerate(item.options) if k != item.correct]
        assert all(o not in item.explanation for o in wrong), item  # misremembered, never said
        assert all(len(o) == len(item.answer) for o in wrong) and siblings
    assert "以商促文" in variants("以文促商", ("以商养文",))
    assert variants("敢闯敢试", ("敢想敢干",)) == ["敢想敢试", "敢闯敢干"]
    assert variants("马放南山", ("兵器入库",)) == []  # not built alike: no character swaps


def test_multi_select_items_state_exactly_the_listed_options(items, passages) -> None:
    by_id = {p.passage_id: p for p in passages}
    parts = [i for i in items if i.kind == MULTI and "要切实解决下列哪些问题" in i.question]
    assert len(parts) == 1  # a part's problems: exactly those its heading names
    for item in parts:
        heading = by_id[item.passage_id].heading
        assert {item.options[k] for k in item.right_options} == set(item.answer.split("、"))
        assert all(o in heading for o in item.answer.split("、"))
        assert not any(o in heading for o in set(item.options) - set(item.answer.split("、")))
    multi = [i for i in items if i.kind == MULTI and i.topic == "enumeration"]  # only with same-kind options
    for item in multi:
        text = by_id[item.passage_id].text
        right = {item.options[k] for k in item.right_options}
        assert right and right != set(item.options)
        assert all(o in text for o in right)
        stem = item.question.split("：", 1)[1].split("\n")[0].replace("××", "*")
        left, right_side = (part.strip("…") for part in stem.split(BLANK))
        listed = re.search(re.escape(left[-6:]) + "(.+?)" + re.escape(right_side[:6]), text)
        assert listed, item
        for wrong in set(item.options) - right:  # never one of the blanked list, never in its sentence
            assert wrong not in listed.group(1).split("、") and wrong not in stem, item


def test_false_statements_swap_in_a_same_kind_phrase(items) -> None:
    false = [i for i in speech(items) if i.kind == JUDGE and i.correct == 1 and i.topic == "structure"]
    assert false and all(
        re.search(r"“要坚持(高位推动|系统思维|守正创新|合力攻坚)”|“[一二三四]是我们", i.question) for i in false
    )
    for item in (i for i in items if i.kind == JUDGE and i.correct == 1 and i.topic == "quote"):
        assert "讲话" in item.doc_title or "一线" not in item.question  # no slogan of another text


def test_formulations_are_the_ones_the_material_marks(items, passages) -> None:
    """A speech formulation stands in quotation marks; a law's is repeated, as a whole, by another
    text. Unmarked pairs (心往一处想，劲往一处使; 保存相关记录，删除相关信息) are not asked."""
    by_id = {p.passage_id: p for p in passages}
    texts: dict[str, str] = {}
    for p in passages:
        texts[p.doc_id] = texts.get(p.doc_id, "") + p.text
    formulations = [i for i in items if i.topic == "formulation"]
    assert formulations
    for item in formulations:
        text = by_id[item.passage_id].text
        if "讲话" in item.doc_title:
            before = text[: text.index(item.answer)]
            assert before.count("“") > before.count("”"), item
        else:
            assert sum(item.answer in t for t in texts.values()) >= 2, item


def test_distractors_are_misremembered_forms_not_dictionary_lookalikes(items, passages) -> None:
    """有形、有感、有效 → 有所, 有害 were rated implausible: a phrase's options are its own variants."""
    siblings = {(k.passage.passage_id, k.text): k.siblings for k in key_phrases(passages)}
    phrased = [i for i in items if i.kind in (CHOICE, JUDGE) and i.topic in ("formulation", "quote", "enumeration")]  # fmt: skip
    for item in phrased:
        forms = variants(item.answer, siblings[(item.passage_id, item.answer)])
        if item.kind == CHOICE:
            assert all(o in forms for o in item.options if o != item.answer), item
        elif item.correct == 1:  # a false statement swaps in a misremembered form
            assert any(f in item.question for f in forms), item
    for item in items:
        if item.topic != "structure":
            assert item.answer not in item.doc_title, item  # 冠以“景宁畲族自治县”全称: guessed from the title


@pytest.mark.parametrize(
    ("question", "answer", "title", "why"),
    [
        (f"连续性和精准性差、融合度和辨识度低、凝聚力弱等{BLANK}方面的问题。", "5个", "讲话", "题干已给出"),
        (f"以以上四点为圆心，各以一等分为半径，分别作{BLANK}圆。", "四个", "国旗法", "题干已给出"),
        (f"从国家、区域、产业{BLANK}层面，通过财政转移支付", "三个", "若干规定", "题干已给出"),
        (f"在去年的创建动员会上,我就指出了我县存在的问题,共{BLANK}方面。", "5个", "讲话", ""),
        (f"增强“四个意识”、坚定“四个自信”、做到“{BLANK}”", "两个维护", "信访工作条例", "只有名称的数字提法"),
        (f"国家采取措施开展历史文化教育和“{BLANK}”实践教育", "一国两制", "爱国主义教育法", "只有名称的数字提法"),
        (f"把“{BLANK}”的各项工作抓出成效", "三个大抓", "讲话", "只有名称的数字提法"),
        (f"发挥群团组织、社会组织和“{BLANK}”、社会工作者等作用", "两代表一委员", "信访工作条例", ""),
        (f"坚持和发展新时代“{BLANK}”", "枫桥经验", "信访工作条例", ""),
    ],
)
def test_items_the_stem_or_a_bare_formula_name_give_away_are_worthless(question, answer, title, why) -> None:
    topic = "quote" if f"“{BLANK}”" in question else "number"
    item = QuizItem("x", CHOICE, question, answer, doc_title=title, topic=topic)
    assert worthless(item, None).startswith(why) and bool(worthless(item, None)) == bool(why)


def test_no_trivia_in_the_bank(items) -> None:
    for item in items:
        assert "《" in item.explanation and len(item.explanation) <= 200  # the citation, in a poll
        assert "*" not in item.answer and not any("*" in o for o in item.options)
        assert not re.search(r"前款|前条|前两款", item.question), item
        assert not re.fullmatch(r"第[一二三四五六七八九十百]+[条款项章]", item.answer)
        if item.topic == "number":  # the year of an event, in the speech too (2021年创建成功)
            assert not re.fullmatch(r"\d{4}年", item.answer), item


def test_worth_ranks_the_speech_structure_above_the_laws(items, passages) -> None:
    structure = [i.worth for i in speech(items) if i.topic == "structure"]
    laws = [i.worth for i in items if "讲话" not in i.doc_title]
    assert laws and min(structure) > max(laws)
    assert all(MIN_WORTH <= i.worth <= 1 for i in items)  # no low-worth padding, not even per document
    assert len([i for i in speech(items) if i.worth >= 0.7]) >= 20


def test_the_check_flags_options_of_mixed_kinds(items, passages) -> None:
    assert mixed_kinds(["2021年", "系统思维", "守正创新", "合力攻坚"])
    assert not mixed_kinds(sorted(PRINCIPLES))
    principle = next(i for i in items if i.kind == CHOICE and i.topic == "principle")
    mixed = QuizItem.from_dict(
        principle.to_dict() | {"item_id": "mixed-1", "options": ["2021年", *principle.options[1:]]}
    )
    report = format_report(check_items([principle, mixed], passages))
    assert "选项类型不一致（数字混词语、词性不同）：1" in report and "mixed-1" in report
