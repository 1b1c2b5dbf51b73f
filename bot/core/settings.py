"""All configuration in one immutable object, resolved once at the edge and passed down.

Why one place: a value that travels through the process environment cannot be traced to where
it was set or read. Order, per value: argument → config file (TOML, `--config` or
POLICYBOT_CONFIG; keys are the field names) → environment → default. Every default lives here,
and each resolved value remembers where it came from (`policybot doctor` shows it).

This is the only module that reads `os.environ`; nothing writes it.

To add a setting: add one field to `Settings` with `_setting(default, env=..., parse=...)`; it is
then read from the config file under its field name, from the named environment variable, shown
by `policybot doctor`, and available as `settings.<name>` everywhere the settings are passed.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from index.paths import APP, DEFAULT_MODEL

CONFIG_ENV = "POLICYBOT_CONFIG"
TOKEN_RE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{20,}$")


class ConfigError(ValueError):
    """A configuration problem, explained in Chinese."""


class MissingTokenError(ConfigError):
    """No bot token anywhere (`policybot doctor` suggests the console chat instead)."""


class Source(StrEnum):
    ARGUMENT = "命令行参数"
    CONFIG_FILE = "配置文件"
    ENVIRONMENT = "环境变量"
    DEFAULT = "默认值"


# ------------------------------------------------------------------ parsers (text or TOML value)


def _text(value: object, name: str) -> str:
    return str(value).strip()


def _optional_text(value: object, name: str) -> str | None:
    return str(value).strip() or None


def _path(value: object, name: str) -> Path:
    return Path(str(value)).expanduser()


def _ids(value: object, name: str) -> frozenset[int]:
    items = value if isinstance(value, list) else str(value).split(",")
    try:
        return frozenset(int(str(item).strip()) for item in items if str(item).strip())
    except ValueError as exc:
        raise ConfigError(f"{name} 应为逗号分隔的数字 ID，例如 12345,67890") from exc


def _switch(value: object, name: str) -> bool:
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on", "auto"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} 应为 auto、1 或 0，而不是“{value}”")


def _integer(low: int, high: int) -> Callable[[object, str], int]:
    def parse(value: object, name: str) -> int:
        try:
            number = int(str(value).strip())
        except ValueError as exc:
            raise ConfigError(f"{name} 应为整数，而不是“{value}”") from exc
        return min(max(number, low), high)

    return parse


def _choice(*allowed: str) -> Callable[[object, str], str]:
    def parse(value: object, name: str) -> str:
        text = str(value).strip().lower()
        if text not in allowed:
            raise ConfigError(f"{name} 应为 {'、'.join(allowed)} 之一，而不是“{value}”")
        return text

    return parse


def _zone(value: object, name: str) -> str:
    zone = str(value).strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{name} 不是有效的时区名称：“{zone}”（例如 Asia/Shanghai）") from exc
    return zone


def _setting(
    default: Any = None,
    *,
    env: str,
    parse: Callable[[object, str], Any] = _text,
    secret: bool = False,
    factory: Callable[[], Any] | None = None,
    doc: str = "",
) -> Any:
    meta = {"env": env, "parse": parse, "secret": secret, "doc": doc}
    if factory is not None:
        return field(default_factory=factory, metadata=meta, repr=not secret, compare=True)
    return field(default=default, metadata=meta, repr=not secret)


# ------------------------------------------------------------------------------------ settings


@dataclass(frozen=True)
class Settings:
    """What every front end and the core may be configured with (see README, 配置)."""

    data_dir: Path = _setting(
        env="POLICYBOT_DATA_DIR", parse=_path, factory=lambda: Path(platformdirs.user_data_dir(APP)),
        doc="索引、向量缓存、题库、状态数据库",
    )  # fmt: skip
    cache_dir: Path = _setting(
        env="POLICYBOT_CACHE_DIR", parse=_path, factory=lambda: Path(platformdirs.user_cache_dir(APP)),
        doc="准备好的模型文件夹",
    )  # fmt: skip
    model: str = _setting(DEFAULT_MODEL, env="POLICYBOT_MODEL", doc="嵌入模型名称或路径")
    bf16: bool = _setting(True, env="POLICYBOT_BF16", parse=_switch, doc="CPU 支持时用 bfloat16 计算")
    encoder: str = _setting("auto", env="POLICYBOT_ENCODER", parse=_choice("auto", "onnx", "torch"))
    token: str = _setting("", env="TELEGRAM_BOT_TOKEN", secret=True, doc="Telegram 机器人令牌")
    base_url: str | None = _setting(None, env="TELEGRAM_BASE_URL", parse=_optional_text)
    base_file_url: str | None = _setting(None, env="TELEGRAM_BASE_FILE_URL", parse=_optional_text)
    admin_ids: frozenset[int] = _setting(frozenset(), env="POLICYBOT_ADMIN_IDS", parse=_ids)
    allowed_chats: frozenset[int] = _setting(frozenset(), env="POLICYBOT_ALLOWED_CHATS", parse=_ids)
    questions_per_minute: int = _setting(8, env="POLICYBOT_QUESTIONS_PER_MINUTE", parse=_integer(1, 10_000))
    quiz_seconds: int = _setting(30, env="POLICYBOT_QUIZ_SECONDS", parse=_integer(5, 600))  # Telegram: 5–600
    timezone: str = _setting("Asia/Shanghai", env="POLICYBOT_TIMEZONE", parse=_zone, doc="/daily 的时区")
    web_host: str = _setting("127.0.0.1", env="POLICYBOT_WEB_HOST")
    web_port: int = _setting(8000, env="POLICYBOT_WEB_PORT", parse=_integer(1, 65535))
    web_https: bool = _setting(False, env="POLICYBOT_WEB_HTTPS", parse=_switch, doc="Cookie 仅经 HTTPS 发送")
    web_access_code: str = _setting("", env="POLICYBOT_WEB_ACCESS_CODE", secret=True)
    web_secret: str = _setting("", env="POLICYBOT_WEB_SECRET", secret=True)
    # Where each value came from, and the config file read (not settings themselves).
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False, repr=False)
    config_file: Path | None = field(default=None, compare=False)

    @property
    def token_looks_valid(self) -> bool:
        return bool(TOKEN_RE.match(self.token))

    def require_token(self) -> str:
        if not self.token:
            raise MissingTokenError(
                "未设置 TELEGRAM_BOT_TOKEN：请在环境变量或配置文件中提供机器人令牌（向 @BotFather 申请）。"
                "没有令牌时可以运行 `policybot chat` 在终端中试用。"
            )
        return self.token

    def source_of(self, name: str) -> Source:
        return self.sources.get(name, Source.DEFAULT)

    def describe(self) -> list[tuple[str, str, str, Source]]:
        """(name, environment variable, value as shown — secrets masked, source) per setting."""
        rows = []
        for f in setting_fields():
            value = getattr(self, f.name)
            shown = mask(value) if f.metadata["secret"] else _show(value)
            rows.append((f.name, f.metadata["env"], shown, self.source_of(f.name)))
        return rows

    def secrets(self) -> list[str]:
        """Values a log filter must never let through."""
        return [getattr(self, f.name) for f in setting_fields() if f.metadata["secret"] and getattr(self, f.name)]


def setting_fields() -> list:
    return [f for f in fields(Settings) if "env" in f.metadata]


def mask(secret: str) -> str:
    """Enough to recognise which secret is set, never the secret (a bot token's id part is public)."""
    if not secret:
        return "（未设置）"
    head = secret.split(":", 1)[0] + ":" if ":" in secret else ""
    return f"{head}******（已隐藏，{len(secret)} 个字符）"


def _show(value: object) -> str:
    if value is None or value == frozenset():
        return "（未设置）"
    if isinstance(value, frozenset):
        return ",".join(str(v) for v in sorted(value))
    return str(value)


# ---------------------------------------------------------------------------------- resolution


def resolve_settings(
    arguments: Mapping[str, object | None] | None = None,
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Argument → config file → environment → default; `None` arguments count as not given.

    `environ` defaults to the process environment (the only place it is read); tests pass a dict.
    """
    env = dict(os.environ if environ is None else environ)
    arguments = {k: v for k, v in (arguments or {}).items() if v is not None}
    path = config_file or (Path(env[CONFIG_ENV]) if env.get(CONFIG_ENV) else None)
    file_values = _read_config(path) if path is not None else {}
    known = {f.name for f in setting_fields()}
    unknown = sorted((set(arguments) | set(file_values)) - known)
    if unknown:
        where = "配置文件" if set(unknown) & set(file_values) else "参数"
        raise ConfigError(f"{where}中有未知的设置：{', '.join(unknown)}（可用的键见 README 的“配置”一节）")
    values: dict[str, Any] = {}
    sources: dict[str, Source] = {}
    for f in setting_fields():
        env_name = f.metadata["env"]
        for source, raw in (
            (Source.ARGUMENT, arguments.get(f.name)),
            (Source.CONFIG_FILE, file_values.get(f.name)),
            (Source.ENVIRONMENT, env.get(env_name) or None),  # an empty variable counts as unset
        ):
            if raw is None:
                continue
            name = f.name if source is Source.CONFIG_FILE else env_name
            values[f.name] = raw if source is Source.ARGUMENT else f.metadata["parse"](raw, name)
            sources[f.name] = source
            break
    return Settings(**values, sources=sources, config_file=path)


def _read_config(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"无法读取配置文件 {path}：{exc}") from exc
