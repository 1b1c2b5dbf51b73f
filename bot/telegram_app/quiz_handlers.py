"""Quiz sessions in Telegram: native quiz polls, fill-in answers by reply, scores, review, daily.

All state is in the QuizEngine (SQLite); these callbacks only translate. Timers run on PTB's
job queue; a restart closes any running session with its leaderboard (see `resume_after_restart`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode, PollLimit, PollType
from telegram.error import TelegramError
from telegram.ext import Application

from bot.core.quiz.engine import DEFAULT_QUESTIONS, AskedQuestion, QuizEngine, QuizError, Standing
from bot.core.quiz.items import FILL
from bot.telegram_app.admin_handlers import config_of
from bot.telegram_app.callback_data import decode, encode
from bot.telegram_app.jobs import DAILY, QUESTION, cancel_jobs, job_name
from bot.telegram_app.polls import PollsInFlight
from bot.telegram_app.state import BotContext, services_of
from bot.telegram_app.texts import zone_label

log = logging.getLogger("policybot.quiz")
GRACE = 2  # seconds after a poll closes before the next question
DAILY_RE = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")



def engine_of(context: BotContext) -> QuizEngine:
    return context.services.quiz


def polls_in_flight(context: BotContext) -> PollsInFlight:
    return context.state.polls_in_flight


def seconds_of(context: BotContext) -> int:
    return config_of(context).quiz_seconds


async def quiz_command(update: Update, context: BotContext) -> None:
    """/quiz [N] [关键词或文件名]: start a session in this chat."""
    args = list(context.args or [])
    size = DEFAULT_QUESTIONS
    if args and args[0].lstrip("-").isdigit():
        size = int(args.pop(0))
    keyword = " ".join(args) or None
    chat, user = update.effective_chat, update.effective_user
    try:
        asked = engine_of(context).start(chat.id, user.id, size, keyword)
    except QuizError as exc:
        await update.effective_message.reply_text(str(exc))
        return
    scope = f"（范围：{keyword}）" if keyword else ""
    await update.effective_message.reply_text(
        f"📝 答题开始！共 {asked.session.size} 题{scope}，每题 {seconds_of(context)} 秒。"
        "选择题直接点选项；填空题请回复题目消息作答。发送 /stop 可提前结束。"
    )
    log.info(
        "event=quiz_started chat=%s user=%s size=%d keyword=%s", chat.id, user.id, asked.session.size, keyword
    )
    await send_question(context, asked)


async def send_question(context: BotContext, asked: AskedQuestion) -> None:
    item, seconds = asked.item, seconds_of(context)
    chat_id = asked.session.chat_id
    head = asked.heading
    if item.kind != FILL and _fits_poll(head, item):
        async with polls_in_flight(context).sending():
            message = await context.bot.send_poll(
                chat_id,
                f"{head}\n{item.question}",
                item.options,
                type=PollType.QUIZ,
                is_anonymous=False,
                correct_option_ids=[item.correct],
                explanation=item.explanation[: PollLimit.MAX_EXPLANATION_LENGTH],
                open_period=seconds,
            )
            engine_of(context).attach_message(
                asked.session.session_id, asked.position, message.message_id, message.poll.id
            )
    else:
        markup = None
        if item.kind != FILL:
            markup = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            o[:60], callback_data=encode("qa", asked.session.session_id, asked.position, i)
                        )
                    ]
                    for i, o in enumerate(item.options)
                ]  # fmt: skip
            )
        hint = "请回复本消息填写答案" if item.kind == FILL else "请点击选项作答"
        message = await context.bot.send_message(
            chat_id,
            f"<b>{escape(head)}</b>\n{escape(item.question)}\n<i>{hint}（{seconds} 秒）</i>",
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        engine_of(context).attach_message(asked.session.session_id, asked.position, message.message_id, None)
    context.job_queue.run_once(
        question_timeout,
        seconds + GRACE,
        data=(asked.session.session_id, asked.position),
        name=job_name(QUESTION, asked.session.session_id, asked.position),
        chat_id=chat_id,
    )


def _fits_poll(head: str, item) -> bool:
    return (
        len(head) + 1 + len(item.question) <= PollLimit.MAX_QUESTION_LENGTH
        and all(1 <= len(o) <= PollLimit.MAX_OPTION_LENGTH for o in item.options)
        and PollLimit.MIN_OPTION_NUMBER <= len(item.options) <= PollLimit.MAX_OPTION_NUMBER
    )


async def receive_poll_answer(update: Update, context: BotContext) -> None:
    """A member chose an option of a quiz poll."""
    answer = update.poll_answer
    engine = engine_of(context)
    asked = engine.by_poll(answer.poll_id)
    if asked is None:  # its poll may still be on its way back from Telegram
        await polls_in_flight(context).settled()
        asked = engine.by_poll(answer.poll_id)
    if asked is None or not answer.option_ids or answer.user is None:
        return
    result = engine.answer(asked, answer.user.id, answer.user.first_name or "", answer.option_ids[0])
    if result is not None and result.everyone_answered:
        await _close_and_continue(context, asked, stop_poll=True)


async def receive_option_button(update: Update, context: BotContext) -> None:
    """An option button of a choice question too long for a poll."""
    query = update.callback_query
    action = decode(query.data)
    engine = engine_of(context)
    if action is None or action.kind != "qa" or action.number(1) < 0 or action.number(2) < 0:
        await query.answer("这道题已失效。")
        return
    asked = engine.question(action.text(0), action.number(1))
    result = None
    if asked is not None:
        result = engine.answer(asked, query.from_user.id, query.from_user.first_name or "", action.number(2))
    if result is None:
        await query.answer("这道题已经结束或你已作答。")
        return
    await query.answer("✅ 回答正确！" if result.correct else "❌ 回答错误。", show_alert=False)
    if result.everyone_answered:
        await _close_and_continue(context, asked)


async def receive_fill_answer(update: Update, context: BotContext) -> bool:
    """A typed answer to the running fill-in question; False if the text is not one."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    engine = engine_of(context)
    asked = None
    if message.reply_to_message is not None:
        asked = engine.by_message(chat.id, message.reply_to_message.message_id)
    elif chat.type == "private":
        current = engine.current(chat.id)
        asked = current if current is not None and current.item.kind == FILL else None
    if asked is None or asked.item.kind != FILL:
        return False
    result = engine.answer(asked, user.id, user.first_name or "", message.text or "")
    if result is None:
        await message.reply_text("这道题已经结束或你已作答，答案不再计分。")
        return True
    await message.reply_text("✅ 回答正确！" if result.correct else "❌ 回答错误，等公布答案吧。")
    if result.everyone_answered:
        await _close_and_continue(context, asked)
    return True


async def question_timeout(context: BotContext) -> None:
    """Time is up for a question: reveal, then the next one or the leaderboard."""
    session_id, position = context.job.data
    asked = engine_of(context).question(session_id, position)
    if asked is not None and asked.session.status == "running" and asked.session.position == position:
        await _close_and_continue(context, asked)


async def _close_and_continue(
    context: BotContext, asked: AskedQuestion, stop_poll: bool = False
) -> None:
    engine = engine_of(context)
    if not engine.close_question(asked):
        return  # the timer and the last answer raced; the other one continues
    cancel_jobs(context.job_queue, QUESTION, asked.session.session_id, asked.position)
    chat_id = asked.session.chat_id
    message_id, poll_id = engine.sent_as(asked)
    if poll_id is not None:
        if stop_poll and message_id is not None:
            with contextlib.suppress(TelegramError):  # already closed by its open_period
                await context.bot.stop_poll(chat_id, message_id)
    else:  # polls reveal the answer themselves; text questions get a reveal
        item = asked.item
        await context.bot.send_message(
            chat_id,
            f"第 {asked.number} 题答案：<b>{escape(item.correct_text)}</b>\n{escape(item.explanation)}",
            parse_mode=ParseMode.HTML,
        )
    nxt = engine.advance(asked)
    if nxt is not None:
        await send_question(context, nxt)
    else:
        await post_leaderboard(context, chat_id, asked.session.session_id, "🏁 本轮答题结束！")


async def stop_command(update: Update, context: BotContext) -> None:
    """/stop: end the running session (closing its open poll) and post its leaderboard."""
    engine = engine_of(context)
    current = engine.current(update.effective_chat.id)
    session = engine.stop(update.effective_chat.id)
    if current is not None:
        message_id, poll_id = engine.sent_as(current)
        if poll_id is not None and message_id is not None:
            with contextlib.suppress(TelegramError):
                await context.bot.stop_poll(current.session.chat_id, message_id)
    if session is None:
        await update.effective_message.reply_text("当前没有进行中的答题。发送 /quiz 开始。")
        return
    cancel_jobs(context.job_queue, QUESTION, session.session_id)
    await post_leaderboard(context, session.chat_id, session.session_id, "⏹ 答题已结束。")


async def post_leaderboard(context, chat_id: int, session_id: str, title: str) -> None:
    board = engine_of(context).leaderboard(session_id)
    await context.bot.send_message(chat_id, leaderboard_html(title, board), parse_mode=ParseMode.HTML)
    log.info("event=quiz_finished chat=%s session=%s participants=%d", chat_id, session_id, len(board))


def leaderboard_html(title: str, board: list[Standing], empty: str = "本轮没有人作答。") -> str:
    if not board:
        return f"{escape(title)}\n{escape(empty)}"
    medals = ["🥇", "🥈", "🥉"]
    lines = [f"<b>{escape(title)}</b>", "排行榜："]
    for i, s in enumerate(board):
        mark = medals[i] if i < 3 else f"{i + 1}."
        lines.append(f"{mark} {escape(s.first_name)}：答对 {s.correct} 题（共答 {s.answered} 题）")
    return "\n".join(lines)


async def score_command(update: Update, context: BotContext) -> None:
    """/score: the member's own totals and accuracy."""
    user = update.effective_user
    engine = engine_of(context)
    totals = engine.user_totals(user.id)
    if not totals.answered:
        await update.effective_message.reply_text("你还没有答过题。发送 /quiz 开始答题。")
        return
    due = engine.review_due(user.id)
    review = f"\n有 {due} 道错题待复习，发送 /review 开始。" if due else ""
    await update.effective_message.reply_text(
        f"{user.first_name or '你'}的成绩：共答 {totals.answered} 题，答对 {totals.correct} 题，"
        f"正确率 {totals.accuracy:.0%}。{review}"
    )


async def rank_command(update: Update, context: BotContext) -> None:
    """/rank: this chat's all-time leaderboard."""
    board = engine_of(context).chat_ranking(update.effective_chat.id)
    await update.effective_message.reply_html(
        leaderboard_html("本群答题总排行", board, empty="本群还没有人答过题，发送 /quiz 开始。")
    )


async def review_command(update: Update, context: BotContext) -> None:
    """/review: re-ask the member's due wrong answers."""
    try:
        asked = engine_of(context).start_review(update.effective_chat.id, update.effective_user.id)
    except QuizError as exc:
        await update.effective_message.reply_text(str(exc))
        return
    if asked is None:
        await update.effective_message.reply_text("目前没有需要复习的错题，继续保持！")
        return
    await update.effective_message.reply_text(f"🔁 错题复习：共 {asked.session.size} 题。")
    await send_question(context, asked)


async def daily_command(update: Update, context: BotContext) -> None:
    """/daily HH:MM schedules a daily question here; /daily off cancels it."""
    arg = " ".join(context.args or []).strip()
    chat_id = update.effective_chat.id
    engine = engine_of(context)
    if arg.lower() in {"off", "关闭", "取消"}:
        engine.set_daily(chat_id, None)
        _unschedule_daily(context.application, chat_id)
        await update.effective_message.reply_text("已取消每日一题。")
        return
    match = DAILY_RE.match(arg)
    if not match:
        await update.effective_message.reply_text("用法：/daily 08:30 设置每日一题时间；/daily off 取消。")
        return
    hhmm = f"{int(match.group(1)):02d}:{match.group(2)}"
    engine.set_daily(chat_id, hhmm)
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
    engine = engine_of(context)
    try:
        asked = engine.start(context.job.chat_id, 0, 1, mode="daily")
    except QuizError:
        return  # a session is running here; today's question is skipped
    await context.bot.send_message(context.job.chat_id, "☀️ 每日一题")
    await send_question(context, asked)


async def resume_after_restart(application: Application) -> None:
    """Close sessions a restart interrupted (answers are kept) and re-arm daily questions."""
    engine = services_of(application).quiz
    for session in engine.interrupted_sessions():
        engine.stop(session.chat_id, status="interrupted")
        board = engine.leaderboard(session.session_id)
        try:
            await application.bot.send_message(
                session.chat_id,
                leaderboard_html("⚠️ 机器人重启，上一轮答题已结束，已记录的答案全部保留。", board),
                parse_mode=ParseMode.HTML,
            )
        except TelegramError:
            log.warning("event=quiz_resume_notice_failed chat=%s", session.chat_id)
    for chat_id, hhmm in engine.dailies():
        schedule_daily(application, chat_id, hhmm)
