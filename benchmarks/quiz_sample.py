"""A seeded, reproducible sample of quiz items for blind rating, printed as Markdown.

The draw: the bank generated from the bundled corpus (generation seed 20231, as `policybot
quiz rebuild` makes it), generated items only, every item with the same chance (uniform: no
weighting by worth, no preference for the speech). The same --seed gives the same sample.

Each item is printed with its options, the marked answer and the full text of its cited
passages, so a rater can judge it from the page alone (rubric: docs/quiz-quality.md).

    python benchmarks/quiz_sample.py --seed 1 --size 60 > sample.md
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.quiz.generate import GeneratorSettings, generate_items  # noqa: E402
from bot.core.quiz.items import KIND_NAMES, MULTI, QuizItem  # noqa: E402
from corpus.model import Passage  # noqa: E402

RUBRIC = """评分标准（每题四项，各记 ✓ 或 ✗）：
1. 可答：只看所附出处原文就能确定答案；
2. 唯一：恰好一个正确选项（多选题：恰好是标出的那几项；填空题：只有一种正确填法）；
3. 干扰项合理：没读过原文的人会觉得干扰项也可能对（填空题、判断题记 ✓，若判断题的错误说法一眼可知是错的记 ✗）；
4. 值得学：学习小组成员值得记住的内容（讲话的结构、重要提法、法规的核心规定），而不是细枝末节。"""


def draw(items: list[QuizItem], size: int, seed: int) -> list[QuizItem]:
    """Uniform over the generated bank."""
    rng = random.Random(seed)
    pool = sorted((i for i in items if i.source == "generated"), key=lambda i: i.item_id)
    return rng.sample(pool, min(size, len(pool)))


def render(items: list[QuizItem], passages: dict[str, Passage], seed: int) -> str:
    lines = [f"# 题目抽样（种子 {seed}，{len(items)} 题）", "", RUBRIC, ""]
    for n, item in enumerate(items, 1):
        lines += [f"## 第 {n} 题（{KIND_NAMES.get(item.kind, item.kind)}）　编号 {item.item_id}", ""]
        lines += [_quoted(item.question), ""]
        right = item.right_options
        for i, option in enumerate(item.options):
            mark = "✔" if i in right else "　"
            lines.append(f"- {mark} {chr(65 + i)}. {option}")
        if item.options:
            lines.append("")
        key = item.correct_text if item.kind != MULTI else "、".join(item.options[i] for i in sorted(right))
        lines += [f"**答案**：{key}", "", "**出处原文**：", ""]
        for pid in item.cited:
            p = passages.get(pid)
            if p is not None:
                heading = f"{p.heading}\n" if p.heading and p.heading not in p.text else ""
                lines += [f"《{p.doc_title}》{p.location}", "", _quoted(heading + p.text), ""]
        lines += ["评分：可答 □　唯一 □　干扰项合理 □　值得学 □", "", "---", ""]
    return "\n".join(lines)


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().split("\n"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", type=int, default=60)
    parser.add_argument("--out", type=Path, help="write here instead of stdout")
    args = parser.parse_args()

    from corpus.bundled import BUNDLED_DIR
    from index.builder import collect_passages

    passages = collect_passages([BUNDLED_DIR], []).passages
    items = generate_items(passages, GeneratorSettings())
    text = render(draw(items, args.size, args.seed), {p.passage_id: p for p in passages}, args.seed)
    if args.out:
        from index.atomic import write_text_atomic

        write_text_atomic(args.out, text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
