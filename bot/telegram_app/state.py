"""Typed bot state: what handlers share, as attributes mypy can check instead of string keys.

PTB creates `BotState` as the application's `bot_data` and passes a `BotContext` to every
handler and job, so a handler writes `context.services.answers` and a typo fails the type check.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.core.services import Services
from bot.core.settings import Settings
from bot.telegram_app.polls import PollsInFlight


@dataclass
class BotState:
    """The application's shared state; `services` is set once when the application is built."""

    services: Services | None = None
    told_not_allowed: set[int] = field(default_factory=set)  # chats told once that they are not served
    pending_removals: dict[str, str] = field(default_factory=dict)  # button key → doc_id
    documents_lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one rebuild at a time
    polls_in_flight: PollsInFlight = field(default_factory=PollsInFlight)


class BotContext(CallbackContext[ExtBot, dict, dict, BotState]):
    """The context every handler and job receives."""

    @property
    def state(self) -> BotState:
        return self.bot_data

    @property
    def services(self) -> Services:
        return services_of(self.application)

    @property
    def settings(self) -> Settings:
        return self.services.settings


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotState)
BotApplication = Application[ExtBot, BotContext, dict, dict, BotState, Any]


def services_of(application: Application) -> Services:
    """The services of an application built by `build_application` (for post_init and jobs)."""
    services = application.bot_data.services
    if services is None:
        raise RuntimeError("the application was not built by bot.telegram_app.app.build_application")
    return services
