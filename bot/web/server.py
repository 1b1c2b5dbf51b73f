"""Serving the page with uvicorn: on its own, or beside the Telegram bot in one process."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import uvicorn

from bot.core.access import AccessCode
from bot.core.database import Database
from bot.web.app import create_app
from bot.web.config import WebSettings, check_exposure
from bot.web.services import WebServices

log = logging.getLogger("policybot.web")


def check_can_start(settings: WebSettings) -> None:
    """Refuse (WebConfigError) before loading anything when members would need no code off loopback."""
    db = Database(settings.data_dir / "policybot.sqlite")
    try:
        check_exposure(settings, AccessCode(db, settings.access_code).required)
    finally:
        db.close()


def exit_cleanly_on_sigterm() -> None:
    """uvicorn shuts down gracefully on SIGTERM, then re-raises it: let that end in exit code 0."""
    signal.signal(signal.SIGTERM, lambda signum, frame: None)


def uvicorn_server(services: WebServices, settings: WebSettings) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(services, settings),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        proxy_headers=True,  # behind nginx on the same machine: the member's address for throttling
        timeout_graceful_shutdown=5,
    )
    return uvicorn.Server(config)


async def serve(
    services: WebServices,
    settings: WebSettings,
    beside: Callable[[], Coroutine[Any, Any, None]] | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM; `beside` runs alongside (the Telegram bot) and stops with it."""
    server = uvicorn_server(services, settings)
    task: asyncio.Task[None] | None = asyncio.create_task(beside()) if beside is not None else None
    serving = asyncio.create_task(server.serve())
    while not server.started and not serving.done():
        await asyncio.sleep(0.05)
    if server.started:
        print(f"学习页面已启动：{settings.address}  （按 Ctrl+C 停止）", file=sys.stderr, flush=True)
        log.info("event=web_started address=%s", settings.address)
    try:
        await serving
    finally:
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await services.chat.close()
