"""Quality report for a quiz bank: every failure listed, so a bad item never reaches a group."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.core.quiz.items import BLANK, CHOICE, FILL, JUDGE, KIND_NAMES, QuizItem, fold
from corpus.model import Passage
from index.tokens import STOP_WORDS


@dataclass
class QualityReport:
    total: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_document: Counter = field(default_factory=Counter)
    verbatim: int = 0  # answers found verbatim in their cited passage
    failures: list[tuple[str, str]] = field(default_factory=list)  # (item_id, problem)

    @property
    def verbatim_share(self) -> float:
        return self.verbatim / self.total if self.total else 0.0


def check_items(items: list[QuizItem], passages: list[Passage]) -> QualityReport:
    texts = {p.passage_id: p.text for p in passages}
    report = QualityReport()
    for item in items:
        report.total += 1
        report.by_kind[item.kind] += 1
        report.by_document[item.doc_title] += 1
        for problem in problems(item, texts.get(item.passage_id)):
            report.failures.append((item.item_id, problem))
        if item.passage_id in texts and item.answer in texts[item.passage_id]:
            report.verbatim += 1
    return report


def problems(item: QuizItem, passage_text: str | None) -> list[str]:
    found: list[str] = []
    if passage_text is None:
        found.append("出处段落不在资料中")
    elif item.answer not in passage_text:
        found.append("答案没有逐字出现在出处段落中")
    if len(fold(item.answer)) < 2 or item.answer in STOP_WORDS:
        found.append("空格处是虚词或不足两个字")
    if item.kind in (FILL, CHOICE) and BLANK not in item.question:
        found.append("题干没有空格")
    if item.kind == CHOICE:
        folded = [fold(o) for o in item.options]
        if len(item.options) != 4 or not 0 <= item.correct < 4 or item.options[item.correct] != item.answer:
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
    if item.kind not in (FILL, CHOICE, JUDGE):
        found.append(f"未知题型 {item.kind}")
    return sorted(set(found))


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
    lines.append("按文件：")
    lines += [f"  《{title}》 {n}" for title, n in report.by_document.most_common()]
    return "\n".join(lines)
