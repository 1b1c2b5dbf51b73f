"""Pure clean-up rules: boilerplate, Markdown law layout, matching normalisation, PDF layout."""

from __future__ import annotations

import pytest

from corpus.cleaning import (
    clean_lines,
    drop_page_furniture,
    ends_sentence,
    heading_text,
    is_boilerplate,
    is_heading_line,
    is_page_number,
    join_wrapped_lines,
    normalize_for_matching,
    split_markdown,
    strip_boilerplate,
    strip_html_comments,
)

# --- boilerplate ------------------------------------------------------------------------------

BOILERPLATE = [
    "下面是小编为大家整理的在县委理论学习中心组第二季度学习会议上主持讲话,供大家参考。",
    "来源：中国xx网",
    "【来源：某某党建网】",
    "本文由学习啦小编整理发布",
    "本文来自网络，由本站编辑整理",
    "更多精彩内容请关注本站微信公众号",
    "免责声明：本站部分内容来自网络，如有侵权请联系删除。",
    "转载请注明出处。",
    "未经授权，禁止转载",
    "以上就是小编为大家整理的主持讲话的全部内容",
    "以上就是主持讲话范文的全部内容，希望对大家有所帮助。",
]

CONTENT = [
    "同志们：",
    "以上意见，供大家参考。",  # a speech may end like this
    "以上就是我今天讲的全部内容，谢谢大家！",  # first person: the speaker, not the site
    "来源于群众、服务群众是我们党的优良传统。",
    "第十条 更多地关注少数民族群众的实际困难。",
    "转载、摘编他人作品应当依法注明出处。",  # a legal rule about citing, no boilerplate marker
    "本条例自公布之日起施行。",
]


@pytest.mark.parametrize("line", BOILERPLATE)
def test_boilerplate_lines_are_recognised(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", CONTENT)
def test_content_lines_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


def test_a_long_paragraph_is_never_boilerplate() -> None:
    assert not is_boilerplate("小编" + "这是一段很长的正文内容。" * 30)


def test_strip_boilerplate_removes_runs_at_both_edges() -> None:
    lines = [BOILERPLATE[0], "", "同志们：", "正文。", "转载请注明出处。", "", "来源：某某网"]
    assert strip_boilerplate(lines) == ["同志们：", "正文。"]


def test_strip_boilerplate_keeps_matching_lines_inside_the_body() -> None:
    lines = ["同志们：", "来源：某某网", "正文。"]
    assert strip_boilerplate(lines) == lines


@pytest.mark.parametrize("line", CONTENT)
def test_strip_boilerplate_keeps_content_at_the_edges(line: str) -> None:
    assert strip_boilerplate([line, "正文。", line]) == [line, "正文。", line]


def test_strip_boilerplate_of_only_boilerplate_is_empty() -> None:
    assert strip_boilerplate(BOILERPLATE) == []


# --- lines and matching -----------------------------------------------------------------------


def test_clean_lines_strips_indentation_and_drops_blank_lines() -> None:
    assert clean_lines(["\u3000\u3000第一条 总则。  ", "", "   ", "\t第二条"]) == ["第一条 总则。", "第二条"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ　１２３", "abc 123"),
        ("第一条　 为了\n\t保障", "第一条 为了 保障"),
        ("  Xi JINPING  ", "xi jinping"),
        ("（一）", "(一)"),
    ],
)
def test_normalize_for_matching(text: str, expected: str) -> None:
    assert normalize_for_matching(text) == expected


# --- Markdown ---------------------------------------------------------------------------------

LAW_MD = """# 中华人民共和国民族区域自治法

1984年5月31日 第六届全国人民代表大会第二次会议通过

2001年2月28日 第九届全国人民代表大会常务委员会《关于修改<中华人民共和国民族区域自治法>的决定》修正

<!-- INFO END -->

## 序言

中华人民共和国是全国各族人民共同缔造的统一的多民族国家。

<!-- FORCE BREAK -->

民族区域自治是在国家统一领导下实行区域自治。

## 第一章 总则

### 第一节 一般规定 ##

第一条 中华人民共和国民族区域自治法，根据中华人民共和国宪法制定。
"""


def test_split_markdown_law() -> None:
    parts = split_markdown(LAW_MD)
    assert parts.title == "中华人民共和国民族区域自治法"
    assert parts.preamble == [
        "1984年5月31日 第六届全国人民代表大会第二次会议通过",
        "2001年2月28日 第九届全国人民代表大会常务委员会《关于修改<中华人民共和国民族区域自治法>的决定》修正",
    ]
    assert parts.body == [
        "序言",
        "中华人民共和国是全国各族人民共同缔造的统一的多民族国家。",
        "民族区域自治是在国家统一领导下实行区域自治。",
        "第一章 总则",
        "第一节 一般规定",
        "第一条 中华人民共和国民族区域自治法，根据中华人民共和国宪法制定。",
    ]


def test_split_markdown_drops_the_title_repeated_over_preamble_lines() -> None:
    text = "# 甲乙丙丁法\n\n甲乙\n\n丙丁法\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n\n第一条 正文。\n"
    parts = split_markdown(text)
    assert parts.preamble == ["2020年1月1日 通过"]


def test_split_markdown_without_info_marker() -> None:
    parts = split_markdown("# 学习笔记\n\n## 一、背景\n\n正文。\n")
    assert parts.title == "学习笔记"
    assert parts.preamble == []
    assert parts.body == ["一、背景", "正文。"]


def test_split_markdown_without_title() -> None:
    parts = split_markdown("正文第一段。\n\n## 小标题\n")
    assert parts.title == ""
    assert parts.body == ["正文第一段。", "小标题"]


def test_multi_line_comments_are_removed() -> None:
    assert strip_html_comments("甲<!-- 注释\n跨行 -->乙") == "甲乙"
    assert split_markdown("# 标题\n\n甲\n<!--\n隐藏\n-->\n乙\n").body == ["甲", "乙"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# 标题", "标题"),
        ("## 第一章 总则", "第一章 总则"),
        ("### 第一节 ###", "第一节"),
        ("#", ""),
        ("正文", None),
        ("#不是标题", None),
    ],  # fmt: skip
)
def test_heading_text(line: str, expected: str | None) -> None:
    assert heading_text(line) == expected


# --- PDF layout -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line", ["3", " 12 ", "- 3 -", "— 7 —", "3/10", "第3页", "第 3 页 共 10 页", "Page 2 of 9", "999"]
)
def test_page_numbers(line: str) -> None:
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["2023", "第三条", "3、加强领导", "12345", "共同体"])
def test_not_page_numbers(line: str) -> None:
    assert not is_page_number(line)


@pytest.mark.parametrize(
    "line", ["第一章 总则", "第十五条 自治机关", "一、总体要求", "（二）加强领导", "1. 目标", "序言", "附件"]
)
def test_heading_lines(line: str) -> None:
    assert is_heading_line(line)


@pytest.mark.parametrize(
    ("line", "expected"),
    [("制定本法。", True), ("如下：", True), ("“好。”", True), ("根据中华人民", False), ("", False)],
)
def test_ends_sentence(line: str, expected: bool) -> None:
    assert ends_sentence(line) is expected


def test_drop_page_furniture_removes_numbers_and_running_headers() -> None:
    pages = [["某某学院学报", f"正文第{n}页内容。", str(n)] for n in range(1, 5)]
    assert drop_page_furniture(pages) == [[f"正文第{n}页内容。"] for n in range(1, 5)]


def test_running_lines_need_several_pages() -> None:
    pages = [["标题", "正文。"], ["标题", "正文二。"]]
    assert drop_page_furniture(pages) == pages


def test_join_wrapped_lines() -> None:
    lines = [
        "中华人民共和国宪法",  # short title: not joined with the next line
        "第一条 中华人民共和国是工人阶级领导的、以工农联盟为基础的人民民主",
        "专政的社会主义国家。",
        "第二条 中华人民共和国的一切权力属于人民。人民行使国家权力的机关是全",
        "国人民代表大会和地方各级人民代表大会。",
        "第三条 中华人民共和国的国家机构实行民主集中制的原则，具体办法如下：",
        "第一章 总纲",
    ]
    assert join_wrapped_lines(lines) == [
        "中华人民共和国宪法",
        "第一条 中华人民共和国是工人阶级领导的、以工农联盟为基础的人民民主专政的社会主义国家。",
        "第二条 中华人民共和国的一切权力属于人民。人民行使国家权力的机关是全国人民代表大会和地方各级人民代表大会。",
        "第三条 中华人民共和国的国家机构实行民主集中制的原则，具体办法如下：",
        "第一章 总纲",
    ]


def test_a_full_line_before_a_heading_is_not_joined() -> None:
    lines = ["这一行没有句号但是下一行是一个新的条文所以不能合并在一起的", "第二条 新条文。"]
    assert join_wrapped_lines(lines) == lines


def test_latin_words_are_joined_with_a_space() -> None:
    lines = ["The State Council shall adopt the regulations of the", "autonomous regions."]
    expected = "The State Council shall adopt the regulations of the autonomous regions."
    assert join_wrapped_lines(lines) == [expected]
