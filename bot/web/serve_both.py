"""`policybot web` and `policybot serve`: the web page and, for `serve` with a token, the Telegram bot
beside it in one process.

Both front ends get the same services: one model and index in memory, one answer log, one rate
limiter, and a document change made on either reaches both.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

from bot.core.settings import Settings
from bot.web.config import WebSettings
from bot.web.server import exit_cleanly_on_sigterm, serve
from bot.web.services import open_web_services

log = logging.getLogger("policybot.web")


def run_both(settings: WebSettings, core: Settings, index_dir: Path | None, with_bot: bool) -> int:
    """Serve the page, and with `with_bot` the Telegram bot beside it, until SIGTERM or Ctrl+C."""
    from bot import logging_setup
    from bot.core.services import build_services
    from bot.terminal.output import announce_first_build

    if with_bot:
        logging_setup.configure(verbose=True, secrets=core.secrets())
    print("正在加载模型和索引…", file=sys.stderr, flush=True)
    core_services = build_services(core, index_dir=index_dir)
    announce_first_build(core_services)
    services = open_web_services(settings, core_services)
    exit_cleanly_on_sigterm()
    if not with_bot:
        asyncio.run(serve(services, settings))
        return 0

    from bot.telegram_app.app import build_application

    services.quiz = core_services.quiz
    application = build_application(core_services)

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
