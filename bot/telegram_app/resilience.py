"""Outgoing requests survive Telegram's bad moments: 429 (PTB's limiter waits), 5xx and timeouts.

PTB's AIORateLimiter already honours RetryAfter. A 502 or a timeout on sendMessage would
otherwise drop that answer, so those are retried with exponential backoff. Long polling
(getUpdates) has its own retry loop in PTB and is left alone; a BadRequest is our mistake and is
never retried. Chat actions bypass the message budget.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger("policybot.bot")


class ResilientRateLimiter(AIORateLimiter):
    def __init__(self, attempts: int = 4, first_delay: float = 0.5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._attempts = attempts
        self._first_delay = first_delay

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[override]
        if endpoint == "sendChatAction":
            # "typing…" is not a message: it must not halve the ~30 messages/s budget for answers.
            return await callback(*args, **kwargs)
        delay = self._first_delay
        for attempt in range(1, self._attempts + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except NetworkError as exc:
                if isinstance(exc, BadRequest) or endpoint == "getUpdates" or attempt == self._attempts:
                    raise
                log.warning(
                    "event=retry endpoint=%s attempt=%d error=%s", endpoint, attempt, type(exc).__name__
                )
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")
