"""What every terminal command shares: exit codes and the messages printed to stderr."""

from __future__ import annotations

import sys

from bot.core.services import Services

EXIT_USAGE = 2  # bad input; 1 is everything else that failed


def error(message: str) -> None:
    print(f"错误：{message}", file=sys.stderr)


def announce_first_build(services: Services) -> None:
    """On a fresh machine the first use builds the bundled index (~35 s); say so, not sit silent."""
    if services.first_build_pending():
        print("首次使用：正在为学习资料建立索引，约需半分钟，以后不再需要……", file=sys.stderr, flush=True)
