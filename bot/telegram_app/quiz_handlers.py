"""Quiz commands and answers in Telegram: each callback makes one engine call and renders its events.

All state is in the QuizEngine (SQLite); these callbacks only translate updates into engine
calls (quiz_render.py shows the results). Timers run on PTB's job queue; a restart ends any
running session with its leaderboard (see `resume_after_restart`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import Application

from bot.core.quiz.engine import DEFAULT_QUESTIONS, QuizError
from bot.core.quiz.events import AnswerRecorded, Event, SessionFinished, first
from bot.core.quiz.items import FILL, MULTI
from bot.core.quiz.model import AskedQuestion, SessionMode, SessionStatus
from bot.core.quiz.replies import parse_reply
from bot.telegram_app.callback_data import decode
from bot.telegram_app.jobs import DAILY, cancel_jobs, job_name
from bot.telegram_app.quiz_render import (
    FINISHED_TITLES,
    ROOM_PREFIX,
    chat_of,
    engine_of,
    leaderboard_html,
    player_of,
    polls_in_flight,
    render,
    room_of,
)
from bot.telegram_app.state import BotContext, services_of
from bot.telegram_app.texts import zone_label

log = logging.getLogger("policybot.quiz")
DAILY_RE = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")
NOT_COUNTED = "这道题已经结束或你已作答。"


async def quiz_command(update: Update, context: BotContext) -> None:
    """/quiz [N] [关键词或文件名]: start a session in this chat."""
    args = list(context.args or [])
    size = DEFAULT_QUESTIONS
    if args and args[0].lstrip("-").isdigit():
        size = int(args.pop(0))
    keyword = " ".join(args) or None
    chat, user = update.effective_chat, update.effective_user
    try:
        events = engine_of(context).start(
            room_of(chat.id), player_of(user).player_id, size, keyword, solo=chat.type == ChatType.PRIVATE
        )
    except QuizError as exc:
        await update.effective_message.reply_text(str(exc))
        return
    log.info("event=quiz_started chat=%s user=%s size=%d keyword=%s", chat.id, user.id, size, keyword)
    await render(context, events, keyword)


async def receive_poll_answer(update: Update, context: BotContext) -> None:
    """A member voted in a question's poll (one option, or several for a multi-select item)."""
    answer = update.poll_answer
    engine = engine_of(context)
    asked = engine.by_poll(answer.poll_id)
    if asked is None:  # its poll may still be on its way back from Telegram
        await polls_in_flight(context).settled()
        asked = engine.by_poll(answer.poll_id)
    if asked is None or not answer.option_ids or answer.user is None:
        return  # an unknown poll, or a vote taken back (only the first vote counts)
    reply = list(answer.option_ids) if asked.item.kind == MULTI else answer.option_ids[0]
    await render(context, engine.answer(asked, player_of(answer.user), reply))


async def receive_option_button(update: Update, context: BotContext) -> None:
    """An option button of a choice question too long for a poll."""
    query = update.callback_query
    action = decode(query.data)
    engine = engine_of(context)
    asked = None
    if action is not None and action.kind == "qa" and action.number(1) >= 0 and action.number(2) >= 0:
        asked = engine.question(action.text(0), action.number(1))
    if action is None or asked is None:
        await query.answer("这道题已失效。")
        return
    events = engine.answer(asked, player_of(query.from_user), action.number(2))
    recorded = first(events, AnswerRecorded)
    if recorded is None:
        await query.answer(NOT_COUNTED)
        return
    await query.answer("✅ 回答正确！" if recorded.correct else "❌ 回答错误。", show_alert=False)
    await render(context, events)


async def receive_fill_answer(update: Update, context: BotContext) -> bool:
    """A typed answer to a question sent as text; False if the message is not one."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    engine = engine_of(context)
    asked = None
    if message.reply_to_message is not None:
        asked = engine.by_message(room_of(chat.id), message.reply_to_message.message_id)
    elif chat.type == ChatType.PRIVATE:
        asked = engine.current(room_of(chat.id))
    if asked is None or not _typed(context, asked):
        return False
    reply = parse_reply(asked.item, message.text or "")
    if reply is None:
        await message.reply_text("请写出全部正确选项的序号，例如 1,3。")
        return True
    events = engine.answer(asked, player_of(user), reply)
    recorded = first(events, AnswerRecorded)
    if recorded is None:
        await message.reply_text("这道题已经结束或你已作答，答案不再计分。")
        return True
    await message.reply_text("✅ 回答正确！" if recorded.correct else "❌ 回答错误，等公布答案吧。")
    await render(context, events)
    return True


def _typed(context: BotContext, asked: AskedQuestion) -> bool:
    """Fill-in questions, and multi-select ones sent as text, are answered by typing."""
    _, poll_id = engine_of(context).sent_as(asked)
    return asked.item.kind == FILL or (asked.item.kind == MULTI and poll_id is None)


async def stop_command(update: Update, context: BotContext) -> None:
    """/stop: end the running session (closing its open poll) and post its leaderboard."""
    events = engine_of(context).stop(room_of(update.effective_chat.id))
    if not events:
        await update.effective_message.reply_text("当前没有进行中的答题。发送 /quiz 开始。")
        return
    await render(context, events)


async def score_command(update: Update, context: BotContext) -> None:
    """/score: the member's own totals and accuracy."""
    user = update.effective_user
    engine, player = engine_of(context), player_of(user)
    totals = engine.player_totals(player.player_id)
    if not totals.answered:
        await update.effective_message.reply_text("你还没有答过题。发送 /quiz 开始答题。")
        return
    due = engine.review_due(player.player_id)
    review = f"\n有 {due} 道错题待复习，发送 /review 开始。" if due else ""
    await update.effective_message.reply_text(
        f"{user.first_name or '你'}的成绩：共答 {totals.answered} 题，答对 {totals.correct} 题，"
        f"正确率 {totals.accuracy:.0%}。{review}"
    )


async def rank_command(update: Update, context: BotContext) -> None:
    """/rank: this chat's all-time leaderboard."""
    board = engine_of(context).room_ranking(room_of(update.effective_chat.id))
    await update.effective_message.reply_html(
        leaderboard_html("本群答题总排行", board, empty="本群还没有人答过题，发送 /quiz 开始。")
    )


async def review_command(update: Update, context: BotContext) -> None:
    """/review: re-ask the member's due wrong answers."""
    try:
        events = engine_of(context).start_review(
            room_of(update.effective_chat.id), player_of(update.effective_user)
        )
    except QuizError as exc:
        await update.effective_message.reply_text(str(exc))
        return
    if not events:
        await update.effective_message.reply_text("目前没有需要复习的错题，继续保持！")
        return
    await render(context, events)


async def daily_command(update: Update, context: BotContext) -> None:
    """/daily HH:MM schedules a daily question here; /daily off cancels it."""
    arg = " ".join(context.args or []).strip()
    chat_id = update.effective_chat.id
    engine = engine_of(context)
    if arg.lower() in {"off", "关闭", "取消"}:
        engine.set_daily(room_of(chat_id), None)
        _unschedule_daily(context.application, chat_id)
        await update.effective_message.reply_text("已取消每日一题。")
        return
    match = DAILY_RE.match(arg)
    if not match:
        await update.effective_message.reply_text("用法：/daily 08:30 设置每日一题时间；/daily off 取消。")
        return
    hhmm = f"{int(match.group(1)):02d}:{match.group(2)}"
    engine.set_daily(room_of(chat_id), hhmm)
    schedule_daily(context.application, chat_id, hhmm)
    await update.effective_message.reply_text(f"已设置每日一题：每天 {hhmm}（{zone_label(context.settings.timezone)}）在本群出一道题。")


def schedule_daily(application: Application, chat_id: int, hhmm: str) -> None:
    _unschedule_daily(application, chat_id)
    hour, minute = (int(x) for x in hhmm.split(":"))
    zone = ZoneInfo(services_of(application).settings.timezone)
    application.job_queue.run_daily(
        daily_question, dt.time(hour, minute, tzinfo=zone), name=job_name(DAILY, chat_id), chat_id=chat_id
    )


def _unschedule_daily(application: Application, chat_id: int) -> None:
    cancel_jobs(application.job_queue, DAILY, chat_id)


async def daily_question(context: BotContext) -> None:
    try:
        chat_id = context.job.chat_id  # positive ids are private chats: one participant
        events = engine_of(context).start(room_of(chat_id), "", 1, mode=SessionMode.DAILY, solo=chat_id > 0)
    except QuizError:
        return  # a session is running here; today's question is skipped
    await render(context, events)


async def resume_after_restart(application: Application) -> None:
    """End sessions a restart interrupted (answers are kept) and re-arm daily questions."""
    engine = services_of(application).quiz
    events: list[Event] = engine.finish_interrupted(ROOM_PREFIX)
    for finished in (e for e in events if isinstance(e, SessionFinished)):
        try:
            await application.bot.send_message(
                chat_of(finished.session.room),
                leaderboard_html(FINISHED_TITLES[SessionStatus.INTERRUPTED], list(finished.leaderboard)),
                parse_mode=ParseMode.HTML,
            )
        except TelegramError:
            log.warning("event=quiz_resume_notice_failed room=%s", finished.session.room)
    for room, hhmm in engine.dailies():
        if room.startswith(ROOM_PREFIX):
            schedule_daily(application, chat_of(room), hhmm)
