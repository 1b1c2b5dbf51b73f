"""Quiz events → Telegram messages: questions as polls or text, reveals, leaderboards, timers.

The engine decides what happened; this module only shows it. Single-answer items go out as
native quiz polls, multi-select items as regular multiple-answer polls (the bot scores the
chosen set, Telegram only collects it), anything too long for a poll as text with buttons or
a reply to type.
"""

from __future__ import annotations

import contextlib
import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, User
from telegram.constants import ParseMode, PollLimit, PollType
from telegram.error import TelegramError

from bot.core.quiz.engine import QuizEngine
from bot.core.quiz.events import Event, NextQuestion, QuestionClosed, SessionFinished, SessionStarted
from bot.core.quiz.items import FILL, MULTI, QuizItem
from bot.core.quiz.model import AskedQuestion, CloseReason, Player, SessionMode, SessionStatus, Standing
from bot.telegram_app.callback_data import encode
from bot.telegram_app.jobs import QUESTION, cancel_jobs, job_name
from bot.telegram_app.polls import PollsInFlight
from bot.telegram_app.state import BotContext

log = logging.getLogger("policybot.quiz")
GRACE = 2  # seconds after a poll closes before the next question
ROOM_PREFIX = "tg:"
FINISHED_TITLES = {
    SessionStatus.FINISHED: "🏁 本轮答题结束！",
    SessionStatus.STOPPED: "⏹ 答题已结束。",
    SessionStatus.INTERRUPTED: "⚠️ 机器人重启，上一轮答题已结束，已记录的答案全部保留。",
}


def room_of(chat_id: int) -> str:
    return f"{ROOM_PREFIX}{chat_id}"


def chat_of(room: str) -> int:
    return int(room.removeprefix(ROOM_PREFIX))


def player_of(user: User) -> Player:
    return Player(f"{ROOM_PREFIX}{user.id}", user.first_name or "")


def engine_of(context: BotContext) -> QuizEngine:
    return context.services.quiz


def polls_in_flight(context: BotContext) -> PollsInFlight:
    return context.state.polls_in_flight


async def render(context: BotContext, events: list[Event], keyword: str | None = None) -> None:
    """Show what the engine reported, in order (answers are acknowledged by their handlers)."""
    for event in events:
        if isinstance(event, SessionStarted):
            await context.bot.send_message(chat_of(event.session.room), start_text(context, event, keyword))
        elif isinstance(event, NextQuestion):
            await send_question(context, event.question)
        elif isinstance(event, QuestionClosed):
            await reveal(context, event)
        elif isinstance(event, SessionFinished):
            await post_leaderboard(context, event)


def start_text(context: BotContext, event: SessionStarted, keyword: str | None) -> str:
    session = event.session
    if session.mode == SessionMode.REVIEW:
        return f"🔁 错题复习：共 {session.size} 题。"
    if session.mode == SessionMode.DAILY:
        return "☀️ 每日一题"
    scope = f"（范围：{keyword}）" if keyword else ""
    return (
        f"📝 答题开始！共 {session.size} 题{scope}，每题 {context.settings.quiz_seconds} 秒。"
        "选择题直接点选项（多选题选全后点“投票”）；填空题请回复题目消息作答。发送 /stop 可提前结束。"
    )


async def send_question(context: BotContext, asked: AskedQuestion) -> None:
    item, seconds = asked.item, context.settings.quiz_seconds
    chat_id, head = chat_of(asked.session.room), asked.heading
    if item.kind != FILL and fits_poll(head, item):
        multi = item.kind == MULTI
        async with polls_in_flight(context).sending():
            message = await context.bot.send_poll(
                chat_id,
                f"{head}\n{item.question}",
                item.options,
                is_anonymous=False,
                open_period=seconds,
                **(
                    {"type": PollType.REGULAR, "allows_multiple_answers": True, "allows_revoting": False}
                    if multi
                    else {
                        "type": PollType.QUIZ,
                        "correct_option_ids": list(item.right_options),
                        "explanation": item.explanation[: PollLimit.MAX_EXPLANATION_LENGTH],
                    }
                ),
            )
            engine_of(context).attach_message(asked, message.message_id, message.poll.id)
    else:
        message = await context.bot.send_message(
            chat_id,
            question_html(asked, seconds),
            parse_mode=ParseMode.HTML,
            reply_markup=option_buttons(asked),
        )
        engine_of(context).attach_message(asked, message.message_id, None)
    context.job_queue.run_once(
        question_timeout, seconds + GRACE, data=(asked.session.session_id, asked.position),
        name=job_name(QUESTION, asked.session.session_id, asked.position), chat_id=chat_id,
    )  # fmt: skip


def question_html(asked: AskedQuestion, seconds: int) -> str:
    item = asked.item
    lines = [f"<b>{escape(asked.heading)}</b>", escape(item.question)]
    if item.kind == FILL:
        hint = "请回复本消息填写答案"
    elif item.kind == MULTI:
        lines += [f"{i + 1}. {escape(o)}" for i, o in enumerate(item.options)]
        hint = "请回复本消息，写出全部正确选项的序号，如 1,3"
    else:
        hint = "请点击选项作答"
    return "\n".join(lines) + f"\n<i>{hint}（{seconds} 秒）</i>"


def option_buttons(asked: AskedQuestion) -> InlineKeyboardMarkup | None:
    """Buttons for a single-answer item too long for a poll (multi-select ones are typed)."""
    if asked.item.kind in (FILL, MULTI):
        return None
    sid = asked.session.session_id
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(o[:60], callback_data=encode("qa", sid, asked.position, i))]
         for i, o in enumerate(asked.item.options)]
    )  # fmt: skip


def fits_poll(head: str, item: QuizItem) -> bool:
    return (
        len(head) + 1 + len(item.question) <= PollLimit.MAX_QUESTION_LENGTH
        and all(1 <= len(o) <= PollLimit.MAX_OPTION_LENGTH for o in item.options)
        and PollLimit.MIN_OPTION_NUMBER <= len(item.options) <= PollLimit.MAX_OPTION_NUMBER
        and bool(item.right_options)
    )


async def reveal(context: BotContext, event: QuestionClosed) -> None:
    """Close the poll if it is still open; quiz polls reveal themselves, the rest get a message."""
    asked = event.question
    cancel_jobs(context.job_queue, QUESTION, asked.session.session_id, asked.position)
    chat_id = chat_of(asked.session.room)
    message_id, poll_id = engine_of(context).sent_as(asked)
    if poll_id is not None and message_id is not None and event.reason != CloseReason.TIMEOUT:
        with contextlib.suppress(TelegramError):  # already closed by its open_period
            await context.bot.stop_poll(chat_id, message_id)
    quiz_poll = poll_id is not None and asked.item.kind != MULTI
    if quiz_poll or event.reason == CloseReason.STOPPED:
        return
    item = asked.item
    await context.bot.send_message(
        chat_id,
        f"第 {asked.number} 题答案：<b>{escape(item.correct_text)}</b>\n{escape(item.explanation)}",
        parse_mode=ParseMode.HTML,
    )


async def question_timeout(context: BotContext) -> None:
    """Time is up for a question: the engine closes it and says what comes next."""
    session_id, position = context.job.data
    await render(context, engine_of(context).timeout(session_id, position))


async def post_leaderboard(context: BotContext, event: SessionFinished) -> None:
    session = event.session
    cancel_jobs(context.job_queue, QUESTION, session.session_id)
    title = FINISHED_TITLES.get(session.status, FINISHED_TITLES[SessionStatus.FINISHED])
    await context.bot.send_message(
        chat_of(session.room), leaderboard_html(title, list(event.leaderboard)), parse_mode=ParseMode.HTML
    )
    log.info("event=quiz_finished room=%s session=%s participants=%d", session.room, session.session_id,
             len(event.leaderboard))  # fmt: skip


def leaderboard_html(title: str, board: list[Standing], empty: str = "本轮没有人作答。") -> str:
    if not board:
        return f"{escape(title)}\n{escape(empty)}"
    medals = ["🥇", "🥈", "🥉"]
    lines = [f"<b>{escape(title)}</b>", "排行榜："]
    for i, s in enumerate(board):
        mark = medals[i] if i < 3 else f"{i + 1}."
        lines.append(f"{mark} {escape(s.name)}：答对 {s.correct} 题（共答 {s.answered} 题）")
    return "\n".join(lines)
