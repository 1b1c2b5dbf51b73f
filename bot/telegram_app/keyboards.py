"""Inline buttons and their callback data (≤ 64 bytes; everything behind them is in SQLite).

Formats: `p:<answer>:<page>` page of citations, `c:<answer>:<n>` source of citation n,
`f:<answer>:<1|0>` feedback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from bot.core.chat import AnswerPage

MAX_DATA = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA


@dataclass(frozen=True)
class ButtonAction:
    kind: str  # "p", "c" or "f"
    answer_id: str
    value: int


def encode(kind: str, answer_id: str, value: int) -> str:
    data = f"{kind}:{answer_id}:{value}"
    if len(data.encode()) > MAX_DATA:
        raise ValueError("callback data too long")
    return data


_DATA = re.compile(r"([pcf]):([A-Za-z0-9_-]{1,32}):(-?[0-9]{1,6})", re.ASCII)


def decode(data: str | None) -> ButtonAction | None:
    """The action behind a button, or None for anything this bot did not make (clients can forge data)."""
    match = _DATA.fullmatch(data or "")
    if match is None:
        return None
    return ButtonAction(match[1], match[2], int(match[3]))


def answer_keyboard(page: AnswerPage) -> InlineKeyboardMarkup:
    aid = page.answer_id
    rows: list[list[InlineKeyboardButton]] = []
    if page.pages > 1:
        nav = []
        if page.page > 0:
            nav.append(InlineKeyboardButton("◀ 上一页", callback_data=encode("p", aid, page.page - 1)))
        if page.page + 1 < page.pages:
            nav.append(InlineKeyboardButton("更多出处 ▶", callback_data=encode("p", aid, page.page + 1)))
        rows.append(nav)
    rows.append(
        [
            InlineKeyboardButton(f"📄 原文 {n}", callback_data=encode("c", aid, n))
            for n in range(page.first_number, page.first_number + len(page.citations))
        ]
    )
    rows.append(
        [
            InlineKeyboardButton("👍 有帮助", callback_data=encode("f", aid, 1)),
            InlineKeyboardButton("👎 没帮助", callback_data=encode("f", aid, 0)),
        ]
    )
    return InlineKeyboardMarkup(rows)
