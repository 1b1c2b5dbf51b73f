"""The in/out-of-scope decision's parts, on hand-made search results."""

from __future__ import annotations

import numpy as np
import pytest

from bot.core.scope import FEATURES, ScopeModel, quantity_missing
from corpus.model import Passage
from index.hybrid import Evidence, Hit, SearchResult


def result(question: str, sentences: list[str]) -> SearchResult:
    hits = [
        Hit(Passage(f"p{i}", "d", "文件", "", "", s, 0, len(s)), 1.0, 0.8, 0.8, 1.0, s)
        for i, s in enumerate(sentences)
    ]
    evidence = Evidence(1.0, 1.0, 0.8, 1.0, 1.0, 1.0)
    return SearchResult(question, hits, evidence, False, np.zeros(4, dtype=np.float32))


@pytest.mark.parametrize(
    "question, sentences, missing",
    [
        ("龙川江全长多少公里？", ["说龙川江边要整个坐的地方,完成任务啦;"], 1.0),
        ("五一期间接待了多少万游客？", ["预计接待游客**万人次,同比增长**%。"], 1.0),
        ("居委会每届任期几年？", ["居民委员会每届任期五年，其成员可以连选连任。"], 0.0),
        (
            "调解协议生效后多少天内申请司法确认？",
            ["自调解协议生效之日起三十日内共同向人民法院申请司法确认。"],
            0.0,
        ),
        ("村委会由几个人组成？", ["村民委员会由主任、副主任和委员共三至七人组成。"], 0.0),
        ("创建品牌的主题是什么？", ["把“世界菌乡、你我共享”为主题的创建品牌打响。"], 0.0),
        # Traditional characters ask the same: 幾位 is 几位, and the 4 after redacted names is real.
        ("工作推進組有幾位副組長？", ["由**任组长,**、**、**、**4位同志任副组长的工作推进组。"], 0.0),
        ("工作推進組有幾位副組長？", ["专门负责抓好这项工作,第4位同志任组长。"], 1.0),
        # "When" wants a date, not just any number.
        ("主题教育馆什么时候开馆？", ["建成了全州首个主题教育馆,接待参观群众3万余人次。"], 1.0),
        ("主題教育館什麼時候開館？", ["主题教育馆于2022年7月1日正式开馆。"], 0.0),
    ],
)
def test_quantity_questions_need_a_quantity(question: str, sentences: list[str], missing: float) -> None:
    assert quantity_missing(result(question, sentences)) == missing


def test_background_veto_and_probability() -> None:
    n = len(FEATURES)
    model = ScopeModel(weights=(1.0,) * n, bias=0.0, threshold=0.5, mean=(0.0,) * n, scale=(1.0,) * n,
                       background_veto=0.08)  # fmt: skip
    features = dict.fromkeys(FEATURES, 0.0)
    assert model.probability(features) == pytest.approx(0.5)
    features["background_margin"] = 0.09  # closer to everyday chat than to any passage
    assert model.probability(features) == 0.0


def test_shipped_model_matches_the_feature_list() -> None:
    model = ScopeModel.load()
    assert len(model.weights) == len(model.mean) == len(model.scale) == len(FEATURES)
    assert 0.0 < model.threshold < 1.0


def test_a_count_question_with_no_count_anywhere_near_is_vetoed() -> None:
    from bot.core.scope import kind_veto, scope_features

    no_count = result("全县一共有多少个少数民族？", ["全县各族干部群众要共同团结奋斗,共同繁荣发展。"])
    assert kind_veto(scope_features(no_count, 0.0), no_count)
    counted = result("全县一共有多少个少数民族？", ["全县共有少数民族25个,各族群众和睦相处。"])
    assert not kind_veto(scope_features(counted, 0.0), counted)
    other_kind = result("全县各族群众怎样共同发展？", ["全县各族干部群众要共同团结奋斗,共同繁荣发展。"])
    assert not kind_veto(scope_features(other_kind, 0.0), other_kind)


def test_a_when_question_needs_its_date_next_to_the_asked_thing() -> None:
    from bot.core.scope import kind_veto, scope_features

    question = "“三月三”畲族传统文化节最早是从哪一年开始办的？"
    elsewhere = result(
        question,
        ["每年的农历三月初三为“三月三”畲族传统文化节，鼓励开展盘歌、文艺表演。", "六月三十日为自治县成立纪念日，全县放假一天。"],
    )
    assert kind_veto(scope_features(elsewhere, 0.0), elsewhere)  # a date, but another event's
    beside = result(question, ["“三月三”畲族传统文化节自1985年起每年举办，鼓励开展盘歌、文艺表演。"])
    assert not kind_veto(scope_features(beside, 0.0), beside)


def test_a_count_of_a_named_thing_needs_its_number_beside_it() -> None:
    from bot.core.scope import kind_veto, scope_features

    # A number elsewhere in the passage (几千万) does not count the bins the question asks about.
    elsewhere = result(
        "创文创卫期间县城一共设置了多少个垃圾箱？",
        ["我们为了创文创卫,整了那么多的展板、垃圾箱,围挡了那么多的地方;这几年在县城投入了几千万。"],
    )
    assert kind_veto(scope_features(elsewhere, 0.0), elsewhere)
    beside = result("创文创卫期间县城一共设置了多少个垃圾箱？", ["创文创卫期间县城设置垃圾箱1200个,展板300块。"])
    assert not kind_veto(scope_features(beside, 0.0), beside)


def test_a_why_question_wants_a_reason_beside_the_asked_thing() -> None:
    from bot.core.scope import reason_far

    mentioned = result("县城的湿地公园为什么要建在高速路出口？", ["县城的湿地公园建在高速路出口,成为群众休闲的好去处。"])
    assert reason_far(mentioned) == 1.0
    explained = result("县城的湿地公园为什么要建在高速路出口？", ["湿地公园建在高速路出口,是因为那里是游客进城的第一站。"])
    assert reason_far(explained) == 0.0
    assert reason_far(result("湿地公园建在哪里？", ["湿地公园建在高速路出口。"])) == 0.0  # not a why-question
