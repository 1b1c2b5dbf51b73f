"""What the bot benchmarks share: a seeded data folder, timing one question, the bot's memory."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from tests.fake_telegram import FakeTelegram
from tests.fakes import copy_sqlite


def seed_data_dir(target: Path) -> str:
    """Copy the index and the embedding cache of the usual data folder, when there are any.

    Why: the benchmarked bot gets a folder of its own (its answer log and scores stay out of the
    user's), without embedding the bundled corpus again.
    """
    from bot.core.settings import resolve_settings

    source = resolve_settings().data_dir
    copied = []
    if (source / "embeddings.sqlite").is_file():
        copy_sqlite(source / "embeddings.sqlite", target / "embeddings.sqlite")
        copied.append("embeddings.sqlite")
    if (source / "index" / "manifest.json").is_file():
        shutil.copytree(source / "index", target / "index")
        copied.append("index/")
    return f"{source}: {', '.join(copied) or 'nothing to copy (the bundled corpus will be embedded)'}"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def ask_and_wait(fake: FakeTelegram, chat, user, question: str, timeout: float) -> tuple[float, float | None]:
    """(send time, seconds until the bot's next message in the chat, or None when none came)."""
    before = len(fake.bot_messages(chat.id))
    started = time.monotonic()
    fake.send_message(chat, user, question)
    try:
        fake.wait_for(lambda: len(fake.bot_messages(chat.id)) > before, timeout=timeout)
    except AssertionError:
        return started, None
    return started, time.monotonic() - started
