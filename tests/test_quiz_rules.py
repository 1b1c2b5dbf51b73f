"""The new item sources of generator version 7, on the real bundled corpus: the ethnic-affairs laws'
core rules (rules.py: only on nationalities, fill-ins whose blank nothing else in the material
fills) and the speech's statements and measures (measures.py: whole clauses, no cause or negation)."""

from __future__ import annotations

import re

from bot.core.quiz.items import BLANK, FILL
from bot.core.quiz.key_phrase import KeyPhrase
from bot.core.quiz.measures import TOPIC as MEASURE
from bot.core.quiz.measures import speech_measures
from bot.core.quiz.rules import TOPIC, core_rules, on_study_topic, other_fillings
from bot.core.quiz.worth import worthless
from corpus.model import Passage


def _passage(title: str, text: str) -> Passage:
    return Passage("p", "d", title, "第一章", "", text, 0, len(text))


def test_rules_are_whole_statements_on_nationalities_only() -> None:
    law = "中华人民共和国民族团结进步促进法"
    found = core_rules(_passage(law, "x"), "第六条 中华民族共同体意识是民族团结之本。")
    assert [p.text for p in found] == ["民族团结之本"]
    assert core_rules(_passage("中华人民共和国宪法", "x"), "最高人民法院是最高审判机关。") == []  # not the topic
    assert core_rules(_passage("中华人民共和国国旗法", "x"), "各民族一律平等。") == []  # not a law on it
    assert core_rules(_passage(law, "x"), "第二十六条 景宁民族工业园是依法批准设立的异地经济园区。") == []
    principle = core_rules(_passage(law, "x"), "民族自治地方的自治机关实行民主集中制的原则。")
    assert [p.text for p in principle] == ["民主集中制"]
    speech = _passage("县委中心组学习会议讲话", "x")
    assert core_rules(speech, "中华民族共同体意识是民族团结之本。") == []


def test_a_blank_that_another_text_fills_otherwise_is_found() -> None:
    law = _passage("中华人民共和国国家通用语言文字法", "x")
    (freedom,) = core_rules(law, "第八条 各民族都有使用和发展自己的语言文字的自由。")
    corpus = "各民族都有使用和发展自己的语言文字的自由。\n自治县保障各民族都有保持或者改革自己风俗习惯的自由；"
    assert other_fillings(freedom, corpus) == {"保持或者改革自己风俗习惯"}
    assert other_fillings(freedom, corpus.split("\n")[0]) == set()


def test_the_bank_asks_the_laws_core_rules(items) -> None:
    rules = [i for i in items if i.topic == TOPIC]
    assert len(rules) >= 10
    assert len({i.doc_id for i in rules}) >= 4  # not one law: 宪法, 自治法, 促进法, 通用语言文字法 …
    answers = {i.answer for i in rules}
    assert {"民族团结之本", "普通话和规范汉字", "民主集中制", "特殊政策和灵活措施", "增进共同性、尊重和包容差异性"} <= answers
    assert {"民族平等、团结、互助和促进各民族共同繁荣", "共居共学、共建共享、共事共乐"} <= answers  # whole lists
    assert not any(i.answer.startswith("实行") for i in rules)  # one element of 平等、团结和共同繁荣
    assert not answers & {"保持或者改革自己风俗习惯", "全国各族人民共同缔造的统一的多民族国家"}  # ambiguous blanks
    for item in rules:
        assert item.kind == FILL and "讲话" not in item.doc_title
        assert BLANK in item.question and not re.search(r"\d{4}年|第.+条", item.answer)
        assert worthless(item, None) == ""
    assert len(answers) == len(rules)  # a rule several laws repeat is asked once


def test_the_speech_statements_and_measures_are_whole_clauses() -> None:
    speech = _passage("县委中心组学习会议讲话", "x")
    closing = "创建全国民族团结进步示范县是我县各族干部群众要奋力取得的金字招牌,推动发展是我们义不容辞的责任。"
    assert [p.text for p in speech_measures(speech, closing)] == ["金字招牌"]  # not 责任: two characters
    assert [p.text for p in speech_measures(speech, "民族工作、宗教工作都是政治性、政策性很强的工作。")] == [
        "政治性、政策性很强"  # a generic head (工作): its modifier is the point
    ]
    # seed 7: who plans the next study meeting is an administrative detail, not worth learning
    assert speech_measures(speech, "从下次中心组开始,请县委宣传部提前思考谋划,打破常规。") == []
    cause = "我认为一是我们的观念问题,特别是对共同性与差异性的关系理解不透彻,而不是可干可不干的工作。"
    assert speech_measures(speech, cause) == []  # 一是, 特别是, 不是: not statements of what the work is
    assert speech_measures(_passage("中华人民共和国宪法", "x"), closing) == []


def test_the_bank_asks_what_the_speech_says_the_work_is(items) -> None:
    measures = {i.answer: i for i in items if i.topic == MEASURE}
    assert {"金字招牌", "长效机制", "政治性、政策性很强"} <= set(measures) and "县委宣传部" not in measures
    for item in measures.values():
        assert item.kind == FILL and "讲话" in item.doc_title
        others = [i for i in items if i.passage_id == item.passage_id and i is not item]
        assert not any(item.answer in o.question for o in others)  # no stem gives it away
    # 建立健全长效机制 stands in the sentence of 由“突击型”向“长效型”转变 and both are asked
    assert any("突击型" in i.question for i in items)


def test_law_formulations_off_the_study_topic_are_not_asked(items, passages) -> None:
    """Seed 7: 宪法 第一百四十条's 分工负责，互相配合，互相制约 (courts and police) was rated not worth
    learning in a study of 民族团结. A law's phrase is asked when it is on nationalities, in a law on
    them, or in the constitution's 总纲 (对它负责，受它监督, which the rater passed)."""
    def phrase(title: str, heading: str, sentence: str) -> KeyPhrase:
        passage = Passage("p", "d", title, "", "", sentence, 0, len(sentence), heading=heading)
        return KeyPhrase("互相制约", "formulation", "formulation", passage, sentence, 0)

    courts = "人民法院、人民检察院和公安机关办理刑事案件，应当分工负责，互相配合，互相制约。"
    assert not on_study_topic(phrase("中华人民共和国宪法", "第三章 国家机构 › 第八节 人民法院和人民检察院", courts))
    assert on_study_topic(phrase("中华人民共和国宪法", "第一章 总纲", courts))
    assert on_study_topic(phrase("中华人民共和国宪法", "第三章 国家机构 › 第六节", "民族自治地方的自治机关……"))
    assert on_study_topic(phrase("中华人民共和国民族区域自治法", "第五章", courts))
    answers = {i.answer for i in items}
    assert "互相制约" not in answers and "枫桥经验" not in answers
    assert {"受它监督", "互相帮助", "双语教学"} <= answers  # 总纲; on nationalities
    by_id = {p.passage_id: p for p in passages}
    for item in items:
        if item.topic in ("quote", "formulation") and "讲话" not in item.doc_title:
            cited = by_id[item.passage_id]
            assert "民族" in item.doc_title + cited.text or "总纲" in cited.heading, item
