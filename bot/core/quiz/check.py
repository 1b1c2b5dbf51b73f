"""Quality report for a quiz bank: every failure listed, so a bad item never reaches a group."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from bot.core.quiz.items import BLANK, CHOICE, FILL, JUDGE, KIND_NAMES, KINDS, MULTI, QuizItem, fold
from bot.core.quiz.worth import SPEECH_WORD, worthless
from corpus.model import Passage
from index.tokens import STOP_WORDS

STRUCTURE = "structure"


@dataclass
class QualityReport:
    total: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_document: Counter = field(default_factory=Counter)
    verbatim: int = 0  # answers found verbatim in (structure: the headings of) their cited passages
    failures: list[tuple[str, str]] = field(default_factory=list)  # (item_id, problem)
    by_topic: Counter = field(default_factory=Counter)
    speech_by_kind: Counter = field(default_factory=Counter)
    mixed_options: list[str] = field(default_factory=list)  # ids of items whose options differ in kind
    trivia: list[tuple[str, str]] = field(default_factory=list)  # (item_id, why it teaches nothing)
    worth_sum: float = 0.0
    high_worth: int = 0  # items with worth ≥ 0.7

    @property
    def verbatim_share(self) -> float:
        return self.verbatim / self.total if self.total else 0.0


def check_items(items: list[QuizItem], passages: list[Passage]) -> QualityReport:
    from bot.core.quiz.distract import mixed_kinds

    by_id = {p.passage_id: p for p in passages}
    report = QualityReport()
    for item in items:
        report.total += 1
        report.by_kind[item.kind] += 1
        report.by_document[item.doc_title] += 1
        report.by_topic[item.topic or "manual"] += 1
        if SPEECH_WORD in item.doc_title:
            report.speech_by_kind[item.kind] += 1
        cited = [by_id[pid] for pid in item.cited if pid in by_id]
        for problem in problems(item, cited_text(cited) if cited else None):
            report.failures.append((item.item_id, problem))
        if cited and answer_supported(item, cited):
            report.verbatim += 1
        if item.kind in (CHOICE, MULTI) and item.topic != STRUCTURE and mixed_kinds(item.options):
            report.mixed_options.append(item.item_id)
        why = worthless(item, cited[0] if cited else None)
        if why:
            report.trivia.append((item.item_id, why))
        report.worth_sum += item.worth
        report.high_worth += item.worth >= 0.7
    return report


def cited_text(cited: list[Passage]) -> str:
    """What an item may draw on: the cited passages and their headings."""
    return "\n".join(f"{p.heading}\n{p.section}\n{p.text}" for p in cited)


def answer_parts(item: QuizItem) -> list[str]:
    """The pieces that must stand in the material: each right option of a multi item, each
    principle of an order item, the answer itself otherwise."""
    if item.kind == MULTI:
        return [item.options[i] for i in item.right_options if i < len(item.options)]
    if item.topic == STRUCTURE and "→" in item.answer:
        return item.answer.split("→")
    return [item.answer]


def answer_supported(item: QuizItem, cited: list[Passage]) -> bool:
    """Every answer piece verbatim in a cited passage (structure items: or in its headings)."""
    texts = [p.text for p in cited]
    if item.topic == STRUCTURE:
        texts += [f"{p.heading}\n{p.section}" for p in cited]
    return all(any(part in t for t in texts) for part in answer_parts(item))


def problems(item: QuizItem, passage_text: str | None) -> list[str]:
    found: list[str] = []
    if passage_text is None:
        found.append("出处段落不在资料中")
    elif not all(part in passage_text for part in answer_parts(item)):
        found.append("答案没有逐字出现在出处段落中")
    if len(fold(item.answer)) < 2 or item.answer in STOP_WORDS:
        found.append("空格处是虚词或不足两个字")
    if item.kind == FILL and BLANK not in item.question:
        found.append("题干没有空格")
    if item.kind == CHOICE and item.topic != STRUCTURE and BLANK not in item.question:
        found.append("题干没有空格")
    if item.kind == CHOICE:
        folded = [fold(o) for o in item.options]
        size = len(item.options)
        if not 3 <= size <= 4 or not 0 <= item.correct < size or item.options[item.correct] != item.answer:
            found.append("选项或正确选项序号不对")
        if len(set(folded)) != len(folded):
            found.append("干扰项与答案或彼此重复")
        for i, a in enumerate(folded):
            for j, b in enumerate(folded):
                if i != j and a and b and a in b:
                    found.append("一个选项包含另一个选项")
                    break
    if item.kind == JUDGE and (item.options != ["正确", "错误"] or item.correct not in (0, 1)):
        found.append("判断题的选项不对")
    if item.kind == MULTI:
        found += _multi_problems(item)
    if item.kind not in KINDS:
        found.append(f"未知题型 {item.kind}")
    return sorted(set(found))


def _multi_problems(item: QuizItem) -> list[str]:
    found = []
    right = item.right_options
    if (
        len(item.options) < 3
        or not right
        or right[-1] >= len(item.options)
        or len(right) == len(item.options)
    ):
        found.append("多选题的选项或正确选项序号不对")
    folded = [fold(o) for o in item.options]
    if len(set(folded)) != len(folded):
        found.append("干扰项与答案或彼此重复")
    stated = set(re.split(r"[、→]", item.answer))
    if right and {item.options[i] for i in right if i < len(item.options)} != stated:
        found.append("多选题的答案与正确选项不一致")
    return found


def format_report(report: QualityReport, speech_title_word: str = "讲话") -> str:
    speech = sum(n for title, n in report.by_document.items() if speech_title_word in title)
    lines = [
        f"题目总数：{report.total}（其中讲话 {speech} 题）",
        "按题型："
        + "，".join(f"{KIND_NAMES.get(kind, kind)} {n}" for kind, n in sorted(report.by_kind.items())),
        f"答案在出处原文中逐字出现：{report.verbatim}/{report.total}（{report.verbatim_share:.1%}）",
        f"问题条目：{len(report.failures)}",
    ]
    lines += [f"  - {item_id}: {problem}" for item_id, problem in report.failures[:50]]
    lines += quality_lines(report)
    lines.append("按文件：")
    lines += [f"  《{title}》 {n}" for title, n in report.by_document.most_common()]
    return "\n".join(lines)


def quality_lines(report: QualityReport) -> list[str]:
    """The quality report: what the bank teaches, not only whether it is well formed."""
    n = report.total or 1
    speech = sum(report.speech_by_kind.values())
    lines = [
        "质量报告：",
        f"  讲话题目：{speech}（{speech / n:.1%}）；其中"
        + "，".join(f"{KIND_NAMES.get(k, k)} {v}" for k, v in sorted(report.speech_by_kind.items())),
        "  按考点：" + "，".join(f"{TOPIC_NAMES.get(t, t)} {v}" for t, v in report.by_topic.most_common()),
        f"  平均价值分：{report.worth_sum / n:.2f}；价值分 ≥ 0.7 的题目：{report.high_worth}（{report.high_worth / n:.1%}）",
        f"  选项类型不一致（数字混词语、词性不同）：{len(report.mixed_options)}",
    ]
    lines += [f"    - {item_id}" for item_id in report.mixed_options[:20]]
    lines.append(f"  无学习价值的题目（日期、序号、隐去文字、依赖“前款”等）：{len(report.trivia)}")
    lines += [f"    - {item_id}: {why}" for item_id, why in report.trivia[:20]]
    return lines


TOPIC_NAMES = {
    "structure": "结构（部分、章节）", "formulation": "重要提法", "principle": "坚持",
    "problem": "要解决的问题", "quote": "引号中的提法", "enumeration": "列举", "number": "数字", "keyline": "主线与落脚点", "rule": "法规核心规定", "measure": "讲话的部署与定位",
    "manual": "手工题目",
}  # fmt: skip
