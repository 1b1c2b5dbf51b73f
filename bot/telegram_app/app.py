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
from bot.telegram_app.resilience import ResilientRateLimiter

log = logging.getLogger("policybot.bot")

COMMANDS = [
    BotCommand("start", "开始使用与简介"),
    BotCommand("ask", "提问：/ask 问题"),
    BotCommand("docs", "学习资料目录"),
    BotCommand("quiz", "开始答题：/quiz 5 关键词"),
    BotCommand("stop", "结束当前答题"),
    BotCommand("score", "我的答题成绩"),
    BotCommand("rank", "本群答题排行"),
    BotCommand("review", "复习答错的题"),
    BotCommand("daily", "每日一题：/daily 08:30 或 off"),
    BotCommand("remove", "管理员：删除一份学习资料"),
    BotCommand("help", "使用帮助"),
]


async def _post_init(application: Application) -> None:
    await application.bot.set_my_commands(COMMANDS)
    await quiz_handlers.resume_after_restart(application)
    log.info("event=started bot=@%s commands=%d", application.bot.username, len(COMMANDS))


async def _post_shutdown(application: Application) -> None:
    services: Services = application.bot_data["services"]
    await services.close()
    log.info("event=stopped")


def build_application(services: Services) -> Application:
    """The application over built services (settings → services → this adapter)."""
    config = services.settings
    builder = (
        Application.builder()
        .token(config.require_token())
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
    application.bot_data["services"] = services
    # The quiz handlers still read these keys directly.
    application.bot_data["config"] = config
    application.bot_data["quiz"] = services.quiz
    _add_handlers(application)
    return application


def _add_handlers(app: Application) -> None:
    messages = filters.UpdateType.MESSAGE  # edits of old messages are not new questions
    app.add_handler(TypeHandler(Update, admin_handlers.gate), group=-1)
    app.add_handler(CommandHandler("start", handlers.start, filters=messages))
    app.add_handler(CommandHandler("help", handlers.help_command, filters=messages))
    app.add_handler(CommandHandler("docs", handlers.docs_command, filters=messages))
    app.add_handler(CommandHandler("ask", handlers.ask_command, filters=messages))
    for name, callback in [
        ("quiz", quiz_handlers.quiz_command),
        ("stop", quiz_handlers.stop_command),
        ("score", quiz_handlers.score_command),
        ("rank", quiz_handlers.rank_command),
        ("review", quiz_handlers.review_command),
        ("daily", quiz_handlers.daily_command),
    ]:
        app.add_handler(CommandHandler(name, callback, filters=messages))
    app.add_handler(CommandHandler("remove", admin_handlers.remove_command, filters=messages))
    app.add_handler(PollAnswerHandler(quiz_handlers.receive_poll_answer))
    app.add_handler(CallbackQueryHandler(admin_handlers.confirm_removal, pattern=r"^rm:"))
    app.add_handler(CallbackQueryHandler(quiz_handlers.receive_option_button, pattern=r"^qa:"))
    app.add_handler(CallbackQueryHandler(handlers.on_button))
    text = messages & filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(text & filters.ChatType.PRIVATE, handlers.private_text))
    app.add_handler(MessageHandler(text & filters.ChatType.GROUPS, handlers.group_text))
    app.add_handler(
        MessageHandler(
            messages & filters.ChatType.PRIVATE & filters.Document.ALL, admin_handlers.receive_document
        )
    )
    app.add_handler(
        MessageHandler(
            messages & filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND, handlers.non_text
        )
    )
    app.add_error_handler(handlers.on_error)


def run_bot(services: Services) -> None:
    """Long polling until SIGINT/SIGTERM; network errors are retried by PTB."""
    application = build_application(services)
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
