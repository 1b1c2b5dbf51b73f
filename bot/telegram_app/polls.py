"""Quiz polls sent but not yet attached to their question (shared bot state, see state.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

POLL_SEND_WAIT = 15.0  # seconds an answer to an unknown poll waits for polls still being sent


class PollsInFlight:
    """Why: Telegram shows a poll to members as soon as it exists, so an answer can reach the bot
    before send_poll has returned the poll's id; that answer waits for the send, not dropped.
    """

    def __init__(self) -> None:
        self._sending = 0
        self._changed = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def sending(self) -> AsyncIterator[None]:
        async with self._changed:
            self._sending += 1
        try:
            yield
        finally:
            async with self._changed:
                self._sending -= 1
                self._changed.notify_all()

    async def settled(self, timeout: float = POLL_SEND_WAIT) -> None:
        with contextlib.suppress(TimeoutError):
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(lambda: self._sending == 0), timeout)
