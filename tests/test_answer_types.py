"""Which answer a question asks for, and whether a text holds one (no model needed)."""

from __future__ import annotations

import pytest

from bot.core.answer_types import DATE, LIST, PERSON, PLACE, QUANTITY, REASON, asked_kind, holds_answer


@pytest.mark.parametrize(
    "question, kind",
    [
        ("社区服务中心的主任是谁？", PERSON),
        ("Who signs the regulation?", PERSON),
        ("这个县长叫什么名字？", PERSON),
        ("龙泉广场在哪个乡镇？", PLACE),
        ("Where was the meeting held?", PLACE),
        ("夜市设于哪条街？", PLACE),
        ("新的停车场建在县城哪个片区？", PLACE),
        ("条例是哪一年施行的？", DATE),
        ("居委会每届任期几年？", QUANTITY),
        ("要坚持哪几个方面？", LIST),
        ("村委会的职责有哪些？", LIST),
        ("为什么要统筹使用资金？", REASON),
    ],
)
def test_kind_of_question(question: str, kind: str) -> None:
    assert asked_kind(question).kind == kind


@pytest.mark.parametrize(
    "question, text, holds",
    [
        # A post other than the one asked about answers "who"; the asked role itself does not.
        ("城建领导小组的组长是谁？", "领导小组组长是县委副书记,办公室设在住建局。", True),
        ("推进组的组长是谁？", "由**任组长,**、**4位同志任副组长的工作推进组。", False),
        ("国务院总理是谁？", "国务院总理李鹏签署了这个文件。", True),
        ("讲话的县委书记叫什么名字？", "县委书记主持会议并讲话。", False),
        # Where: a place of the asked kind, not a redacted one nor the question's own words.
        ("茶园在哪个乡镇？", "茶园位于白沙镇东面的山坡上。", True),
        ("归园居在哪个乡镇？", "在3月6日到归园居调研时,我和**同志也在探讨这个问题。", False),
        ("讲话里说的*州是哪个州？", "到*州铸牢中华民族共同体意识教育实践基地参观。", False),
        ("会前去哪里参观了？", "到教育实践基地进行实地调研参观。", True),
        ("夜市设于哪条街？", "夜市设于县城的文化路步行街。", True),
        ("夜市设于哪条街？", "县里要办好夜市,丰富群众的夜间生活。", False),
        # Which items: an enumeration.
        ("又冒出了哪些新问题？", "暴露出行动迟缓、氛围不浓、工作不实等问题。", True),
        ("具体有哪些指标？", "对标国家级示范县测评指标体系标准。", False),
        ("主题教育馆什么时候开馆？", "主题教育馆于2022年7月1日正式开馆。", True),
    ],
)
def test_text_holds_the_asked_kind(question: str, text: str, holds: bool) -> None:
    assert holds_answer(asked_kind(question), text) == holds


def test_a_percentage_question_needs_a_real_percentage() -> None:
    asked = asked_kind("五一期间游客量同比增长了百分之几？")
    assert asked.kind == QUANTITY
    assert not holds_answer(asked, "五一期间预计接待游客**万人次,同比增长**%,恢复到2019年的**%。")
    assert holds_answer(asked, "同比增长12%。")


def test_a_number_the_question_names_is_not_its_answer() -> None:
    asked = asked_kind("“三月三”文化节是哪一年开始办的？")
    assert asked.kind == DATE
    assert not holds_answer(asked, "每年的农历三月初三为“三月三”畲族传统文化节。")
    assert holds_answer(asked, "“三月三”文化节自1985年起举办。")


def test_asking_for_a_position_asks_for_a_place() -> None:
    assert asked_kind("龙泉广场位于县城的什么位置？").kind == PLACE


def test_a_count_in_front_of_a_noun_is_not_what_a_how_question_asks() -> None:
    assert asked_kind("会上没发言的几位同志是怎么交流的？").kind != QUANTITY
    assert asked_kind("讲话提到总书记来考察过几次？").kind == QUANTITY
    assert asked_kind("这几年为了创建大概花了多少钱？").kind == QUANTITY


@pytest.mark.parametrize(
    "question, counted",
    [
        ("创文创卫期间县城一共设置了多少个垃圾箱？", "垃圾箱"),
        ("要罢免村委会成员，需要多少村民联名？", "村民联名"),
        ("县委理论学习中心组一共有多少名成员？", "成员"),
        ("總書記給當地各族幹部群眾回過幾次信？", ""),  # 次 is the unit, not part of the thing counted
        ("我县总人口有多少？", ""),
        ("每天走多少步对身体最好？", ""),
    ],
)
def test_the_thing_a_count_question_counts(question: str, counted: str) -> None:
    assert asked_kind(question).counted == counted


def test_a_count_must_be_of_the_thing_asked_about() -> None:
    asked = asked_kind("创文创卫期间县城一共设置了多少个垃圾箱？")
    assert not holds_answer(asked, "零零散散在县城投入了几千万,加上城市基础设施建设怎么也投了几个亿。")
    assert holds_answer(asked, "县城共设置垃圾箱1200个。")
    # Pairs of the counted words may stand apart ("村民…联名").
    assert holds_answer(asked_kind("需要多少村民联名？"), "本村五分之一以上有选举权的村民联名,可以提出罢免要求。")


def test_a_calendar_year_counts_nothing() -> None:
    asked = asked_kind("我县总人口有多少？")
    assert not holds_answer(asked, "2021年,我县成功创建为全省民族团结进步示范县。")
    assert holds_answer(asked, "全县总人口25万人。")
    assert holds_answer(asked_kind("这项工作搞了多少年？"), "从2015年起搞了8年。")


def test_tags_read_block_by_block_equal_the_whole_text_s() -> None:
    from bot.core.answer_types import posseg, tagged

    for text in [
        "2021年,我县成功创建为全省民族团结进步示范县,为创建国家级示范县打下了一定基础。",
        "由**任组长,**、**、**、**4位同志任副组长的工作推进组。",
        "龙泉广场3月9日 ABC-12.5% 你好！！GDP是多少？",
        "第十二条 新闻媒体应当积极开展对国歌的宣传，普及国歌奏唱礼仪知识。",
        "",
    ]:
        assert tagged(text) == tuple((w.word, w.flag) for w in posseg().cut(text))


def test_the_answer_sentences_read_a_reason_or_method_cue_as_the_scope_checks_do() -> None:
    from bot.core.answer_sentences import _kind_match

    why = asked_kind("为什么创建工作推进缓慢？")
    assert _kind_match(why, "因為人手不夠。") == 1.0 == float(holds_answer(why, "因為人手不夠。"))  # traditional
    assert _kind_match(why, "人手不够。") == 0.0
    assert _kind_match(asked_kind("创建工作怎样推进？"), "必須堅持問題導向。") == 1.0


def test_the_asked_kind_of_a_question_is_read_once() -> None:
    question = "推进组组长是谁？"
    assert asked_kind(question) is asked_kind(question)  # the cue, the scope and the sentences share it
