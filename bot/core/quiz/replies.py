"""Typed answers → engine replies, one reading for every front end that takes text.

"B", "对", "1,3", "AC", "1 3" and "1、3" mean what a member would expect; anything else to a
fill-in item is the answer text itself.
"""

from __future__ import annotations

import re

from bot.core.quiz.engine import Reply
from bot.core.quiz.items import FILL, JUDGE, MULTI, QuizItem

LETTERS = "ABCDEFGHIJ"
TRUE_WORDS = {"对", "正确", "√", "是", "t", "true"}
FALSE_WORDS = {"错", "错误", "×", "否", "f", "false"}
_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


def parse_reply(item: QuizItem, text: str) -> Reply | None:
    """The reply a typed text means for this item; None if it names no option of a choice item."""
    text = text.strip()
    if item.kind == FILL:
        return text
    if item.kind == JUDGE:
        if text.lower() in TRUE_WORDS:
            return 0
        if text.lower() in FALSE_WORDS:
            return 1
    chosen = option_indexes(text, len(item.options))
    if chosen is None:
        return text if item.kind != MULTI and text else None  # an option's text still counts
    return chosen if item.kind == MULTI else (chosen[0] if len(chosen) == 1 else None)


def option_indexes(text: str, count: int) -> list[int] | None:
    """0-based option indexes from "1,3" / "1 3" / "A C" / "AC" (1-based numbers or letters)."""
    parts = [p for p in _SEPARATORS.split(text.strip().upper()) if p]
    if len(parts) == 1 and parts[0].isalpha() and all(c in LETTERS for c in parts[0]):
        parts = list(parts[0])  # "AC"
    chosen: list[int] = []
    for part in parts:
        if part.isdigit() and 1 <= int(part) <= count:
            chosen.append(int(part) - 1)
        elif len(part) == 1 and part in LETTERS[:count]:
            chosen.append(LETTERS.index(part))
        else:
            return None
    return sorted(set(chosen)) or None
