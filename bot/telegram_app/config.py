"""Bot configuration: argument → config file → environment (see README)."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from index.paths import data_dir

TOKEN_RE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{20,}$")


class ConfigError(ValueError):
    """A configuration problem, explained in Chinese."""


class MissingTokenError(ConfigError):
    """No bot token anywhere (`policybot doctor` suggests the console chat instead)."""


@dataclass(frozen=True)
class BotConfig:
    token: str = field(repr=False)  # never printed, never logged
    base_url: str | None = None
    base_file_url: str | None = None
    data_dir: Path = field(default_factory=data_dir)
    admin_ids: frozenset[int] = frozenset()
    allowed_chats: frozenset[int] = frozenset()  # empty: every chat
    questions_per_minute: int = 8
    quiz_seconds: int = 30  # how long each quiz question stays open (Telegram allows 5–600)
    timezone: str = "Asia/Shanghai"  # for /daily times

    @property
    def token_looks_valid(self) -> bool:
        return bool(TOKEN_RE.match(self.token))


def _ids(value: str | list | None, name: str) -> frozenset[int]:
    if value is None or value == "":
        return frozenset()
    items = value if isinstance(value, list) else str(value).split(",")
    try:
        return frozenset(int(str(item).strip()) for item in items if str(item).strip())
    except ValueError as exc:
        raise ConfigError(f"{name} 应为逗号分隔的数字 ID，例如 12345,67890") from exc


def load_config(config_file: Path | None = None, env: dict[str, str] | None = None) -> BotConfig:
    env = dict(os.environ if env is None else env)
    path = config_file or (Path(env["POLICYBOT_CONFIG"]) if env.get("POLICYBOT_CONFIG") else None)
    file_values: dict = {}
    if path is not None:
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"无法读取配置文件 {path}：{exc}") from exc

    def pick(key: str, env_key: str) -> str | list | None:
        return file_values[key] if key in file_values else env.get(env_key)

    token = str(pick("token", "TELEGRAM_BOT_TOKEN") or "").strip()
    if not token:
        raise MissingTokenError(
            "未设置 TELEGRAM_BOT_TOKEN：请在环境变量或配置文件中提供机器人令牌（向 @BotFather 申请）。"
            "没有令牌时可以运行 `policybot chat` 在终端中试用。"
        )
    folder = pick("data_dir", "POLICYBOT_DATA_DIR")
    per_minute = pick("questions_per_minute", "POLICYBOT_QUESTIONS_PER_MINUTE")
    return BotConfig(
        token=token,
        base_url=str(pick("base_url", "TELEGRAM_BASE_URL") or "") or None,
        base_file_url=str(pick("base_file_url", "TELEGRAM_BASE_FILE_URL") or "") or None,
        data_dir=Path(str(folder)) if folder else data_dir(),
        admin_ids=_ids(pick("admin_ids", "POLICYBOT_ADMIN_IDS"), "POLICYBOT_ADMIN_IDS"),
        allowed_chats=_ids(pick("allowed_chats", "POLICYBOT_ALLOWED_CHATS"), "POLICYBOT_ALLOWED_CHATS"),
        questions_per_minute=int(per_minute) if per_minute else 8,
        quiz_seconds=_bounded(pick("quiz_seconds", "POLICYBOT_QUIZ_SECONDS"), 30, 5, 600),
        timezone=str(pick("timezone", "POLICYBOT_TIMEZONE") or "Asia/Shanghai"),
    )


def _bounded(value, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value), low), high) if value not in (None, "") else default
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"数值配置“{value}”无效") from exc
