"""One in-process broadcast hub: every page watching a live session gets its state pushed.

Messages are whole snapshots of a session (not deltas), so a listener that falls behind loses
nothing by skipping: each listener has a small bounded queue, and when it is full the oldest
message is dropped to make room. Publishing never waits, so a slow or vanished phone cannot
hold up the projector or the other 49 phones. Used from the event loop's thread only.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

QUEUE_SIZE = 4  # snapshots waiting per listener; older ones are superseded by newer ones


@dataclass(eq=False)
class Listener:
    """One open page (an SSE stream) watching one topic."""

    topic: str
    queue: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    skipped: int = 0  # snapshots dropped because this listener was behind

    async def next(self, timeout: float) -> str | None:
        """The next message, or None when nothing came within `timeout` (time for a keep-alive)."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None


class BroadcastHub:
    def __init__(self) -> None:
        self._listeners: dict[str, set[Listener]] = defaultdict(set)

    def subscribe(self, topic: str) -> Listener:
        listener = Listener(topic)
        self._listeners[topic].add(listener)
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        listeners = self._listeners.get(listener.topic)
        if listeners is not None:
            listeners.discard(listener)
            if not listeners:
                del self._listeners[listener.topic]

    def publish(self, topic: str, message: str) -> int:
        """Queue `message` for every listener of `topic` without waiting; returns how many got it."""
        listeners = self._listeners.get(topic, set())
        for listener in listeners:
            if listener.queue.full():
                listener.queue.get_nowait()
                listener.skipped += 1
            listener.queue.put_nowait(message)
        return len(listeners)

    def count(self, topic: str) -> int:
        return len(self._listeners.get(topic, ()))
