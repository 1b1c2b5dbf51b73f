"""`policybot serve`: the web page and, when a token is configured, the Telegram bot in one process.

Both front ends get the same services: one model and index in memory, one answer log, one rate
limiter, and a document change made on either reaches both.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from bot.web.config import WebSettings
from bot.web.server import exit_cleanly_on_sigterm, serve
from bot.web.services import open_web_services

log = logging.getLogger("policybot.web")


def run_both(settings: WebSettings, config_file: Path | None) -> int:
    from bot import logging_setup
    from bot.telegram_app.config import ConfigError, MissingTokenError, load_config

    try:
        config = load_config(config_file)
    except MissingTokenError:
        config = None
        print("未设置 TELEGRAM_BOT_TOKEN：只启动学习网页。", file=sys.stderr, flush=True)
    except ConfigError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if config is not None:
        logging_setup.configure(verbose=True, secrets=[config.token])
    print("正在加载模型和索引…", file=sys.stderr, flush=True)
    services = open_web_services(settings)
    exit_cleanly_on_sigterm()
    if config is None:
        asyncio.run(serve(services, settings))
        return 0

    from bot.core.loading import open_quiz_engine
    from bot.telegram_app.app import build_application

    quiz = open_quiz_engine(services.chat.assistant.index.passages, services.db)
    services.quiz = quiz
    application = build_application(config, services.chat, quiz, services.documents)

    async def telegram() -> None:
        async with application:
            if application.post_init is not None:
                await application.post_init(application)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(drop_pending_updates=False)
            log.info("event=bot_started_beside_web")
            try:
                await asyncio.Event().wait()
            finally:
                await application.updater.stop()
                await application.stop()

    asyncio.run(serve(services, settings, beside=telegram))
    return 0
