"""What the quiz test modules share about the bank generated from the bundled corpus."""

from __future__ import annotations

from bot.core.quiz.items import QuizItem

PRINCIPLES = frozenset({"高位推动", "系统思维", "守正创新", "合力攻坚"})  # the speech's four 要坚持


def speech(items: list[QuizItem]) -> list[QuizItem]:
    return [i for i in items if "讲话" in i.doc_title]
