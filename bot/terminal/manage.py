"""`policybot quiz …`, `policybot docs …` and `doctor`: organisers' commands for the bank and the material."""

from __future__ import annotations

import argparse
import sys

from bot.core.services import Services, build_services
from bot.core.settings import ConfigError, Settings
from bot.terminal.output import EXIT_USAGE, announce_first_build, error


def _quiz_services(settings: Settings) -> Services:
    """Quizzes need the passages of the managed index and the bank, not the model (unless unbuilt)."""
    services = build_services(settings)
    announce_first_build(services)
    return services


def quiz_console(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal.quiz_console import run_quiz

    return run_quiz(_quiz_services(settings).quiz, args.count, args.keyword)


def quiz_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.quiz.check import check_items, format_report

    services = _quiz_services(settings)
    report = check_items(services.quiz_bank.items, services.passages())
    print(format_report(report))
    return 0 if not report.failures and report.verbatim == report.total else 1


def quiz_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.quiz.bank import export_bank

    bank = _quiz_services(settings).quiz_bank
    text = export_bank(bank, args.format)
    if args.out:
        from index.atomic import write_text_atomic

        write_text_atomic(args.out, text)
        print(f"已导出 {len(bank.items)} 道题到 {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def quiz_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.quiz.bank import BankError, bank_path, merge, parse_items, save_bank

    bank = _quiz_services(settings).quiz_bank
    fmt = "csv" if args.file.suffix.lower() == ".csv" else "json"
    try:
        items = parse_items(args.file.read_text(encoding="utf-8-sig"), fmt)
    except (OSError, UnicodeDecodeError, BankError) as exc:
        error(f"无法导入 {args.file}：{exc}")
        return EXIT_USAGE
    save_bank(merge(bank, items), bank_path(settings.data_dir))
    print(f"已导入 {len(items)} 道题（作为手工题目保留）。")
    return 0


def quiz_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.quiz.bank import bank_path, rebuild, save_bank

    services = _quiz_services(settings)
    fresh = rebuild(services.passages(), services.quiz_bank, seed=args.seed)
    save_bank(fresh, bank_path(settings.data_dir))
    print(
        f"题库已重建：{len(fresh.items)} 道题（手工题目 {sum(i.source == 'manual' for i in fresh.items)} 道）。"
    )
    return 0


def quiz_stats(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.quiz.stats import format_hardest

    minimum = max(args.min_answers, 1)
    print(format_hardest(_quiz_services(settings).quiz.hardest_items(max(args.limit, 1), minimum), minimum))
    return 0


def _documents(settings: Settings):
    manager = build_services(settings).documents
    manager.ensure_index()
    return manager


def docs_add(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.documents import DocumentError

    manager = _documents(settings)
    failed = 0
    for path in args.files:
        try:
            report = manager.add(path.read_bytes(), path.name, user_id=0)
        except (OSError, DocumentError) as exc:
            error(f"{path}：{exc}")
            failed += 1
            continue
        print(f"已添加《{report.title}》（编号 {report.doc_id}）：{report.passages} 个段落")
    return 1 if failed else 0


def docs_list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.library import Library
    from index.store import load_passages

    for d in Library(load_passages(_documents(settings).index_dir)).documents():
        print(f"{d.doc_id}\t《{d.title}》\t{d.passages} 段")
    return 0


def docs_remove(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.documents import DocumentError

    manager = _documents(settings)
    found = manager.find(args.name)
    if len(found) != 1:
        error(f"与“{args.name}”匹配的文件有 {len(found)} 份，请写文件编号。")
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
        error(str(exc))
        return 1
    print(f"已删除《{title}》。")
    return 0


def doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot.terminal.doctor import render, render_settings, run_checks

    checks = run_checks(settings)
    print(render_settings(settings))
    print(render(checks))
    return 0 if all(c.ok for c in checks) else 1


def doctor_config_error(exc: ConfigError) -> int:
    """The settings cannot be resolved: that is the one thing to fix first."""
    from bot.terminal.doctor import Check, render

    print(render([Check("配置", False, str(exc), "修改配置文件或环境变量后再运行 `policybot doctor`")]))
    return 1
