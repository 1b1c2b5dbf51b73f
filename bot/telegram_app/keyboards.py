"""The inline keyboards under answers and removal requests (their data: callback_data.py)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.chat import AnswerPage
from bot.telegram_app.callback_data import encode


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


def removal_keyboard(key: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("确认删除", callback_data=encode("rm", key)),
          InlineKeyboardButton("取消", callback_data=encode("rm", "-"))]]
    )  # fmt: skip
