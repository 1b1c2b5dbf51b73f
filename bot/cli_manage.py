"""`policybot quiz …` and `policybot docs …`: organisers' commands for the bank and the material."""

from __future__ import annotations

import argparse
import sys

from bot.cli import EXIT_USAGE, announce_first_build


def _quiz_parts():
    """Passages of the bundled index and the stored bank (the model is not needed for quizzes)."""
    from bot.core.documents import DocumentManager
    from bot.core.loading import open_state
    from bot.core.quiz.bank import bank_for, bank_path
    from index.builder import managed_index_dir
    from index.encoder import load_encoder
    from index.store import IndexMissingError, load_passages

    try:
        passages = load_passages(managed_index_dir())
    except IndexMissingError:
        announce_first_build(None)
        encoder = load_encoder()
        passages = load_passages(DocumentManager(encoder).ensure_index())
    return passages, bank_for(passages, bank_path()), open_state()


def quiz_console(args: argparse.Namespace) -> int:
    from bot.core.quiz.engine import QuizEngine
    from bot.quiz_console import run_quiz

    _, bank, db = _quiz_parts()
    return run_quiz(QuizEngine(db, bank), args.count, args.keyword)


def quiz_check(args: argparse.Namespace) -> int:
    from bot.core.quiz.check import check_items, format_report

    passages, bank, _ = _quiz_parts()
    report = check_items(bank.items, passages)
    print(format_report(report))
    return 0 if not report.failures and report.verbatim == report.total else 1


def quiz_export(args: argparse.Namespace) -> int:
    from bot.core.quiz.bank import export_bank

    _, bank, _ = _quiz_parts()
    text = export_bank(bank, args.format)
    if args.out:
        from index.atomic import write_text_atomic

        write_text_atomic(args.out, text)
        print(f"已导出 {len(bank.items)} 道题到 {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def quiz_import(args: argparse.Namespace) -> int:
    from bot.core.quiz.bank import BankError, bank_path, merge, parse_items, save_bank

    _, bank, _ = _quiz_parts()
    fmt = "csv" if args.file.suffix.lower() == ".csv" else "json"
    try:
        items = parse_items(args.file.read_text(encoding="utf-8-sig"), fmt)
    except (OSError, UnicodeDecodeError, BankError) as exc:
        print(f"错误：无法导入 {args.file}：{exc}", file=sys.stderr)
        return EXIT_USAGE
    save_bank(merge(bank, items), bank_path())
    print(f"已导入 {len(items)} 道题（作为手工题目保留）。")
    return 0


def quiz_rebuild(args: argparse.Namespace) -> int:
    from bot.core.quiz.bank import bank_path, rebuild, save_bank

    passages, bank, _ = _quiz_parts()
    fresh = rebuild(passages, bank, seed=args.seed)
    save_bank(fresh, bank_path())
    print(
        f"题库已重建：{len(fresh.items)} 道题（手工题目 {sum(i.source == 'manual' for i in fresh.items)} 道）。"
    )
    return 0


def quiz_stats(args: argparse.Namespace) -> int:
    from bot.core.quiz.engine import QuizEngine
    from bot.core.quiz.stats import format_hardest

    _, bank, db = _quiz_parts()
    minimum = max(args.min_answers, 1)
    print(format_hardest(QuizEngine(db, bank).hardest_items(max(args.limit, 1), minimum), minimum))
    return 0


def _documents():
    from bot.core.documents import DocumentManager
    from index.encoder import load_encoder

    manager = DocumentManager(load_encoder())
    manager.ensure_index()
    return manager


def docs_add(args: argparse.Namespace) -> int:
    from bot.core.documents import DocumentError

    manager = _documents()
    failed = 0
    for path in args.files:
        try:
            report = manager.add(path.read_bytes(), path.name, user_id=0)
        except (OSError, DocumentError) as exc:
            print(f"错误：{path}：{exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"已添加《{report.title}》（编号 {report.doc_id}）：{report.passages} 个段落")
    return 1 if failed else 0


def docs_list(args: argparse.Namespace) -> int:
    from bot.core.library import Library
    from index.store import load_passages

    for d in Library(load_passages(_documents().index_dir)).documents():
        print(f"{d.doc_id}\t《{d.title}》\t{d.passages} 段")
    return 0


def docs_remove(args: argparse.Namespace) -> int:
    from bot.core.documents import DocumentError

    manager = _documents()
    found = manager.find(args.name)
    if len(found) != 1:
        print(f"错误：与“{args.name}”匹配的文件有 {len(found)} 份，请写文件编号。", file=sys.stderr)
        return EXIT_USAGE
    doc_id, title = found[0]
    if not args.yes:
        reply = input(f"确认删除《{title}》？输入 y 确认：").strip().lower()
        if reply not in {"y", "yes", "是"}:
            print("已取消。")
            return 0
    try:
        manager.remove(doc_id)
    except DocumentError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"已删除《{title}》。")
    return 0


def doctor(args: argparse.Namespace) -> int:
    from bot.doctor import render, run_checks

    checks = run_checks()
    print(render(checks))
    return 0 if all(c.ok for c in checks) else 1
