"""`policybot web`, `policybot web add-organiser NAME` and `policybot serve` (web + Telegram bot)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from bot.core.settings import Settings
from bot.web.config import DEFAULT_HOST, DEFAULT_PORT, WebConfigError, WebSettings, web_settings

EXIT_USAGE = 2


def add_commands(commands: argparse._SubParsersAction) -> None:
    web = commands.add_parser("web", help="运行学习网页（手机和电脑浏览器均可使用）")
    _address_arguments(web)
    web.set_defaults(run=run_web)
    web_commands = web.add_subparsers(title="网页命令")
    organiser = web_commands.add_parser(
        "add-organiser", help="创建组织者账号或重设密码（密码从标准输入读取）"
    )
    organiser.add_argument("name", help="组织者用户名")
    organiser.set_defaults(run=add_organiser)

    serve = commands.add_parser("serve", help="同时运行学习网页和 Telegram 机器人（已配置令牌时）")
    _address_arguments(serve)
    serve.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="TOML 配置文件")
    serve.set_defaults(run=run_serve)


def _address_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help=f"监听地址（默认 {DEFAULT_HOST}，或 POLICYBOT_WEB_HOST）")
    parser.add_argument("--port", type=int, help=f"端口（默认 {DEFAULT_PORT}，或 POLICYBOT_WEB_PORT）")
    parser.add_argument("--index", type=Path, help="索引目录（默认使用内置语料和上传资料的索引）")


def _settings(args: argparse.Namespace, core: Settings) -> WebSettings | None:
    """The page's settings, or None after saying in Chinese why it cannot start."""
    from bot.web.server import check_can_start

    try:
        settings = web_settings(core, args.host, args.port, args.index)
        check_can_start(settings)
    except WebConfigError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return None
    return settings


def run_web(args: argparse.Namespace, core: Settings) -> int:
    """The page alone, even when a bot token is configured (`serve` runs both)."""
    from bot.web.serve_both import run_both

    settings = _settings(args, core)
    if settings is None:
        return EXIT_USAGE
    return run_both(settings, core, args.index, with_bot=False)


def add_organiser(args: argparse.Namespace, core: Settings) -> int:
    from bot.core.organisers import AccountError, OrganiserAccounts
    from bot.core.services import build_services

    if sys.stdin.isatty():
        password = getpass.getpass("组织者密码：")
        if getpass.getpass("再输入一次：") != password:
            print("错误：两次输入的密码不一致。", file=sys.stderr)
            return EXIT_USAGE
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    db = build_services(core).state  # the one place that opens the state database
    try:
        created = OrganiserAccounts(db).add(args.name, password)
    except AccountError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        db.close()
    print(f"已{'创建' if created else '更新'}组织者账号：{args.name.strip()}")
    return 0


def run_serve(args: argparse.Namespace, core: Settings) -> int:
    from bot.web.serve_both import run_both

    settings = _settings(args, core)
    if settings is None:
        return EXIT_USAGE
    if not core.token:
        print("未设置 TELEGRAM_BOT_TOKEN：只启动学习网页。", file=sys.stderr, flush=True)
    return run_both(settings, core, args.index, with_bot=bool(core.token))
