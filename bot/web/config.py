"""What the web page is told at start: address, access code, secret, limits.

Resolved once at the edge (the CLI passes the environment in) and handed down, so nothing in
the web package reads the process environment itself.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.settings import Settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
SESSION_SECONDS = 14 * 24 * 3600


class WebConfigError(ValueError):
    """The page must not start like this; the message says why, in Chinese."""


@dataclass(frozen=True)
class WebSettings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_dir: Path = field(default_factory=lambda: Settings().data_dir)
    access_code: str | None = field(default=None, repr=False)
    secret: str | None = field(default=None, repr=False)  # None: generated into data_dir
    questions_per_minute: int = 8  # the bot's setting: one limit for every front end
    session_seconds: int = SESSION_SECONDS
    https_only: bool = False  # cookies marked Secure (behind an HTTPS proxy)
    index_dir: Path | None = None

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def web_settings(
    settings: Settings, host: str | None = None, port: int | None = None, index_dir: Path | None = None
) -> WebSettings:
    """The page's settings: the command line's host and port, else the resolved settings."""
    return WebSettings(
        host=host or settings.web_host,
        port=port or settings.web_port,
        data_dir=settings.data_dir,
        access_code=settings.web_access_code or None,
        secret=settings.web_secret or None,
        questions_per_minute=settings.questions_per_minute,
        https_only=settings.web_https,
        index_dir=index_dir,
    )


def check_exposure(settings: WebSettings, code_required: bool) -> None:
    """Study material is not public: off loopback, members must need a code."""
    if not settings.loopback and not code_required:
        raise WebConfigError(
            f"拒绝在 {settings.host} 上启动：没有设置成员访问码，学习资料会对网络上的任何人公开。"
            "请设置环境变量 POLICYBOT_WEB_ACCESS_CODE，或只监听 127.0.0.1。"
        )
