"""One callback per user action; each translates an update into a ChatService call and back."""

from __future__ import annotations

import contextlib
import logging

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError

from bot.core import texts
from bot.core.chat import RateLimited
from bot.core.questions import QuestionError
from bot.telegram_app import callback_data, keyboards, quiz_handlers, render
from bot.telegram_app import texts as bot_texts
from bot.telegram_app.state import BotContext

log = logging.getLogger("policybot.bot")


async def start(update: Update, context: BotContext) -> None:
    """/start: what the bot knows and how to ask."""
    documents = context.services.answers.documents()
    study = [d.title for d in documents if d.study_text]
    summary = "、".join(f"《{t}》" for t in study) or "学习材料"
    others = len(documents) - len(study)
    if others:
        summary += f" 及 {others} 份相关政策法规"
    await _reply(update, bot_texts.WELCOME.format(documents=summary), html=False)


async def help_command(update: Update, context: BotContext) -> None:
    """/help: every command, from the same table as the command menu."""
    await _reply(update, bot_texts.help_text(), html=False)


async def docs_command(update: Update, context: BotContext) -> None:
    """/docs: the documents with their passage counts."""
    for part in render.documents_text(context.services.answers.documents()):
        await _reply(update, part)


async def ask_command(update: Update, context: BotContext) -> None:
    """/ask 问题 (also /ask@botname in groups)."""
    question = " ".join(context.args or [])
    if not question.strip():
        await _reply(update, bot_texts.ASK_USAGE, html=False)
        return
    await answer_question(update, context, question)


async def private_text(update: Update, context: BotContext) -> None:
    """Any text in a private chat is a question (or the answer to a running fill-in)."""
    if await quiz_handlers.receive_fill_answer(update, context):
        return
    await answer_question(update, context, update.effective_message.text or "")


async def group_text(update: Update, context: BotContext) -> None:
    """In groups only a mention of the bot or a reply to the bot is a question."""
    message = update.effective_message
    if message.reply_to_message is not None and await quiz_handlers.receive_fill_answer(update, context):
        return
    question = addressed_question(message, context.bot.username, context.bot.id)
    if question is None:
        return
    if not question.strip():
        await _reply(update, bot_texts.ASK_USAGE, html=False)
        return
    await answer_question(update, context, question)


def addressed_question(message: Message, username: str, bot_id: int) -> str | None:
    """The question text if the message is for this bot, else None."""
    text = message.text or ""
    mention = f"@{username}".lower()
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if value.lower() == mention:  # parse_entities counts offsets in UTF-16, as Telegram does
            return _without_entity(text, entity)
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        return text
    return None


def _without_entity(text: str, entity: MessageEntity) -> str:
    """The text with one entity cut out; entity offsets are UTF-16 code units."""
    raw = text.encode("utf-16-le")
    start, end = 2 * entity.offset, 2 * (entity.offset + entity.length)
    return (raw[:start] + raw[end:]).decode("utf-16-le").strip()


async def non_text(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice… in a private chat: say what the bot can do."""
    await _reply(update, bot_texts.NOT_TEXT, html=False)


async def answer_question(update: Update, context: BotContext, question: str) -> None:
    chat, user = update.effective_chat, update.effective_user
    service = context.services.answers
    with contextlib.suppress(TelegramError):  # the typing hint is a courtesy; the answer still goes out
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
    try:
        page = await service.ask(question, chat.id, user.id if user else chat.id)
    except QuestionError as exc:
        await _reply(update, str(exc), html=False)
        return
    except RateLimited as exc:
        await _reply(update, texts.TOO_FAST.format(seconds=max(1, round(exc.retry_in))), html=False)
        return
    log.info(
        "event=answer chat=%s user=%s found=%s confidence=%.2f citations=%d",
        chat.id,
        user.id if user else None,
        page.answer.found,
        page.answer.confidence,
        len(page.answer.citations),
    )
    if not page.answer.found:
        await _reply(update, render.not_found_text(service.topics()))
        return
    await _reply(update, render.page_message(page), markup=keyboards.answer_keyboard(page))


async def on_button(update: Update, context: BotContext) -> None:
    """Inline buttons: more citations, the source in context, feedback."""
    query = update.callback_query
    action = callback_data.decode(query.data)
    service = context.services.answers
    if action is None or action.kind not in {"p", "c", "f"}:
        await query.answer(texts.STALE_BUTTON)
        return
    answer_id, value = action.text(0), action.number(1)
    if action.kind == "f":
        ok = service.feedback(answer_id, query.from_user.id, bool(value))
        await query.answer(texts.FEEDBACK_THANKS if ok else texts.STALE_BUTTON)
        log.info("event=feedback user=%s answer=%s helpful=%s", query.from_user.id, answer_id, bool(value))
        return
    page = service.page(answer_id, 0 if action.kind == "c" else value)
    if page is None:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    if action.kind == "p":
        await _edit_page(query.message, page)
        return
    index = value - 1
    if not 0 <= index < len(page.answer.citations):
        return
    ctx = service.context(page.answer.citations[index].passage_id)
    if ctx is None:
        await query.message.reply_text(texts.STALE_BUTTON)
        return
    for part in render.pack(render.context_blocks(ctx)):
        await query.message.reply_html(part)


async def _edit_page(message: Message | None, page) -> None:
    if message is None:
        return
    text = render.page_message(page)
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboards.answer_keyboard(page))
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():  # a double tap on the same page is harmless
            raise


async def _reply(update: Update, text: str, html: bool = True, markup=None) -> None:
    message = update.effective_message
    quote = update.effective_chat.type != ChatType.PRIVATE
    await message.reply_text(
        text,
        parse_mode=ParseMode.HTML if html else None,
        reply_markup=markup,
        do_quote=quote,
        disable_web_page_preview=True,
    )


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler: log with traceback, tell the user briefly, never crash."""
    chat_id = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
    log.error(
        "event=handler_error chat=%s error=%s", chat_id, type(context.error).__name__, exc_info=context.error
    )
    if chat_id is None or isinstance(context.error, TelegramError):
        return  # Telegram itself failed (blocked, network…): a reply would fail the same way
    try:
        await context.bot.send_message(chat_id, texts.ERROR)
    except TelegramError:
        log.warning("event=error_reply_failed chat=%s", chat_id)
