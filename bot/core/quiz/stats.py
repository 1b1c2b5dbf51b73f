"""`policybot quiz stats`: which items members get wrong most, from the answers sessions recorded."""

from __future__ import annotations

from bot.core.quiz.items import KIND_NAMES, QuizItem
from bot.core.quiz.model import ItemStats


def format_hardest(rows: list[tuple[ItemStats, QuizItem | None]], min_answered: int) -> str:
    """A report for organisers: lowest share of right answers first, with each item's source."""
    if not rows:
        return f"还没有作答次数不少于 {min_answered} 次的题目。先组织几轮答题（/quiz）再来看。"
    lines = [f"最难的 {len(rows)} 道题（按答对率从低到高，至少作答 {min_answered} 次）："]
    for n, (stats, item) in enumerate(rows, 1):
        counts = f"答对 {stats.correct}/{stats.answered}（{stats.correct_rate:.0%}），出题 {stats.shown} 次"
        if item is None:
            lines.append(f"{n:>2}. {counts} · 题目 {stats.item_id} 已不在题库中")
            continue
        source = f"《{item.doc_title}》{item.location}".strip()
        lines.append(
            f"{n:>2}. {counts} · {KIND_NAMES.get(item.kind, item.kind)} · {source} · {stats.item_id}"
        )
        lines.append(f"    {item.question}")
        lines.append(f"    答案：{item.correct_text}")
    return "\n".join(lines)
