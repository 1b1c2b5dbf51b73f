"""The commands that answer, build and evaluate, and the two long-running front ends.

Each takes the parsed arguments and the resolved settings, builds what it needs through
`build_services`, and prints; exit codes as in `bot.terminal.cli`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from bot.core.questions import QuestionError
from bot.core.services import build_services
from bot.core.settings import ConfigError, Settings
from bot.terminal.output import EXIT_USAGE, announce_first_build, error
from index.encoder import MAX_QUERY_CHARS

log = logging.getLogger("policybot")


def index_build(args: argparse.Namespace, settings: Settings) -> int:
    from index.builder import build_index, collect_passages

    if not args.corpus and not args.passages:
        error("请至少指定一个 --corpus 文件夹或 --passages 文件。")
        return EXIT_USAGE
    batch = collect_passages(args.corpus, args.passages)
    for skipped in batch.skipped:
        print(f"警告：已跳过 {skipped.path}：{skipped.reason}", file=sys.stderr)
    for issue in batch.passage_files.issues if batch.passage_files else []:
        print(issue.warning(), file=sys.stderr)
    if not batch.passages:
        error("没有可索引的内容。")
        return 1
    services = build_services(settings)
    encoder = services.encoder
    encoder.show_progress = not args.quiet and sys.stderr.isatty()
    cache = None if args.no_cache else services.embedding_cache
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


def ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.questions import clean_question

    if args.k < 1:
        error("-k 必须是正整数。")
        return EXIT_USAGE
    services = build_services(settings, index_dir=args.index)
    bad = 0
    assistant = None
    for question in _questions(args.questions):
        try:
            if assistant is None:
                clean_question(question)  # refuse bad input before loading the model
                announce_first_build(services)
                assistant = services.assistant
            answer = assistant.ask(question, k=args.k)
        except QuestionError as exc:
            error(str(exc))
            bad += 1
            continue
        if answer.truncated:
            print(f"提示：问题过长，只使用了前 {MAX_QUERY_CHARS} 个字进行检索。", file=sys.stderr)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        else:
            print(render_answer(answer), flush=True)
    return EXIT_USAGE if bad else 0


def render_answer(answer) -> str:
    lines = [f"问：{answer.question}", f"答：{answer.answer}"]
    if not answer.found:
        return "\n".join(lines) + "\n"
    lines.append("出处：")
    for n, c in enumerate(answer.citations, 1):
        lines.append(f"  [{n}] 《{c.doc_title}》 {c.location}")
        lines.append(f"      {c.text.strip()}")
    return "\n".join(lines) + "\n"


def evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from corpus.passage_file import load_passages_jsonl
    from index.evaluation import evaluate as run_evaluation
    from index.evaluation import load_queries
    from index.hybrid import HybridIndex

    passages = load_passages_jsonl(args.passages)
    queries = load_queries(args.queries)
    services = build_services(settings)
    index = HybridIndex.build(passages, services.encoder, cache=services.embedding_cache)
    scores = run_evaluation(index, services.encoder, queries)
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


def chat(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.terminal.console import run_console

    print("正在加载模型和索引…", file=sys.stderr, flush=True)
    services = build_services(settings, index_dir=args.index, rate_limited=False)
    announce_first_build(services)
    services.answers  # noqa: B018 — load now, not at the first question
    asyncio.run(run_console(services))
    return 0


def telegram(args: argparse.Namespace, settings: Settings) -> int:
    from bot import logging_setup
    from bot.telegram_app.app import run_bot

    try:
        settings.require_token()
    except ConfigError as exc:
        error(str(exc))
        return EXIT_USAGE
    logging_setup.configure(verbose=True, secrets=settings.secrets())
    if not settings.token_looks_valid:
        log.warning("event=config_warning detail=token_format_unusual")
    log.info("event=loading data_dir=%s", settings.data_dir)
    services = build_services(settings, index_dir=args.index)
    services.answers  # noqa: B018 — the model and index load before polling starts
    services.quiz  # noqa: B018
    run_bot(services)
    return 0


def model_prepare(args: argparse.Namespace, settings: Settings) -> int:
    from index.model_prep import prepare_e5_small
    from index.onnx_export import export_onnx, is_exported
    from index.paths import prepared_model_dir, prepared_onnx_dir

    path = prepare_e5_small(prepared_model_dir(settings.cache_dir))
    print(f"模型已就绪：{path}")
    if not args.no_onnx:
        onnx_dir = prepared_onnx_dir(settings.cache_dir)
        if not is_exported(path, onnx_dir):  # say so only when the minutes-long export really runs
            print("正在导出 ONNX 模型（只需一次，约一两分钟）……", file=sys.stderr, flush=True)
        onnx = export_onnx(path, onnx_dir)
        print(f"ONNX 模型已就绪：{onnx}")
    return 0
