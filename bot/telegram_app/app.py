"""Building and running the Telegram application: all handler wiring lives here."""

from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)

from bot.core.services import Services
from bot.telegram_app import admin_handlers, handlers, quiz_handlers
from bot.telegram_app.callback_data import pattern
from bot.telegram_app.resilience import ResilientRateLimiter
from bot.telegram_app.state import CONTEXT_TYPES, services_of
from bot.telegram_app.texts import COMMANDS

log = logging.getLogger("policybot.bot")


async def _post_init(application: Application) -> None:
    await application.bot.set_my_commands([BotCommand(c.name, c.menu) for c in COMMANDS])
    await quiz_handlers.resume_after_restart(application)
    log.info("event=started bot=@%s commands=%d", application.bot.username, len(COMMANDS))


async def _post_shutdown(application: Application) -> None:
    await services_of(application).close()
    log.info("event=stopped")


def build_application(services: Services) -> Application:
    """The application over built services (settings → services → this adapter)."""
    config = services.settings
    builder = (
        Application.builder()
        .token(config.require_token())
        .context_types(CONTEXT_TYPES)
        .rate_limiter(ResilientRateLimiter(max_retries=5))
        .concurrent_updates(64)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .get_updates_read_timeout(35)
    )
    if config.base_url:
        builder = builder.base_url(config.base_url)
    if config.base_file_url:
        builder = builder.base_file_url(config.base_file_url)
    application = builder.build()
    application.bot_data.services = services
    _add_handlers(application)
    return application


def _add_handlers(app: Application) -> None:
    """Which handler answers which update, in order (the first match in a group wins)."""
    messages = filters.UpdateType.MESSAGE  # edits of old messages are not new questions
    app.add_handler(TypeHandler(Update, admin_handlers.gate), group=-1)  # allowed chats, before all
    commands = {
        "start": handlers.start,
        "help": handlers.help_command,
        "docs": handlers.docs_command,
        "ask": handlers.ask_command,
        "quiz": quiz_handlers.quiz_command,
        "stop": quiz_handlers.stop_command,
        "score": quiz_handlers.score_command,
        "rank": quiz_handlers.rank_command,
        "review": quiz_handlers.review_command,
        "daily": quiz_handlers.daily_command,
        "remove": admin_handlers.remove_command,
    }
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=messages))
    app.add_handler(PollAnswerHandler(quiz_handlers.receive_poll_answer))
    app.add_handler(CallbackQueryHandler(admin_handlers.confirm_removal, pattern=pattern("rm")))
    app.add_handler(CallbackQueryHandler(quiz_handlers.receive_option_button, pattern=pattern("qa")))
    app.add_handler(CallbackQueryHandler(handlers.on_button))  # p: c: f: and anything forged
    text = messages & filters.TEXT & ~filters.COMMAND
    private = messages & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(text & filters.ChatType.PRIVATE, handlers.private_text))
    app.add_handler(MessageHandler(text & filters.ChatType.GROUPS, handlers.group_text))
    app.add_handler(MessageHandler(private & filters.Document.ALL, admin_handlers.receive_document))
    app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.COMMAND, handlers.non_text))
    app.add_error_handler(handlers.on_error)


def run_bot(services: Services) -> None:
    """Long polling until SIGINT/SIGTERM; network errors are retried by PTB."""
    application = build_application(services)
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
