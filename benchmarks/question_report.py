"""Tables of the hand-written question sets: retrieval, answers and scope, per split and kind.

Usage (question sets only, a minute): .venv/bin/python benchmarks/question_report.py
[--shipped-only] [--new-from SPEECH POLICY OUT_OF_SCOPE]
`--new-from 128 61 117` also prints the tables of the questions from those lines of
speech_qa / policy_qa / out_of_scope.jsonl on (a later batch; provenance in data/README.md).
`retrieval_bench.py` prints the same tables inside its full run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.question_sets import Outcome, Question, load_all, run  # noqa: E402
from index.ranker import LinearRanker  # noqa: E402

SPLITS = ("dev", "test", "all")


def _in_split(o: Outcome, split: str) -> bool:
    return split in (o.question.split, "all")


def _set_of(o: Outcome) -> str:
    if not o.question.in_scope:
        return "out_of_scope"
    return "speech" if o.question.source == "speech" else "policy"


def _mean(rows: list[Outcome], test: Callable[[Outcome], bool]) -> str:
    return f"{np.mean([test(o) for o in rows]):.3f}" if rows else "–"


def in_scope_table(outcomes: list[Outcome]) -> list[str]:
    lines = [
        "| set | split | n | hit@1 | hit@5 | answer accurate | wrongly rejected |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("speech", "policy"):
        for split in SPLITS:
            rows = [o for o in outcomes if _set_of(o) == name and _in_split(o, split)]
            lines.append(
                f"| {name} | {split} | {len(rows)} | {_mean(rows, lambda o: o.rank == 0)} | "
                f"{_mean(rows, lambda o: o.rank is not None)} | {_mean(rows, lambda o: o.answer_ok)} | "
                f"{_mean(rows, lambda o: not o.found)} |"
            )
    return lines


def kind_table(outcomes: list[Outcome], name: str) -> list[str]:
    """hit@1 / hit@5 / answer accuracy per question kind, dev and test side by side."""
    rows = [o for o in outcomes if _set_of(o) == name]
    lines = [
        f"| {name} kind | dev n | dev hit@1 / hit@5 / answer | test n | test hit@1 / hit@5 / answer |",
        "|---|---|---|---|---|",
    ]
    for kind in sorted({o.question.kind for o in rows}):
        cells = []
        for split in ("dev", "test"):
            part = [o for o in rows if o.question.kind == kind and o.question.split == split]
            cells.append(
                f"{len(part)} | {_mean(part, lambda o: o.rank == 0)} / "
                f"{_mean(part, lambda o: o.rank is not None)} / {_mean(part, lambda o: o.answer_ok)}"
            )
        lines.append(f"| {kind} | {' | '.join(cells)} |")
    return lines


def scope_table(outcomes: list[Outcome]) -> list[str]:
    """Out-of-scope questions rejected, per kind (and per asked-for kind of the near misses)."""
    rows = [o for o in outcomes if _set_of(o) == "out_of_scope"]
    groups: list[tuple[str, list[Outcome]]] = [("all", rows)]
    groups += [
        (k, [o for o in rows if o.question.kind == k]) for k in sorted({o.question.kind for o in rows})
    ]
    near = [o for o in rows if o.question.kind == "near_miss"]
    groups += [
        (f"near_miss asks {a or '(unlabelled)'}", [o for o in near if o.question.asks == a])
        for a in sorted({o.question.asks for o in near})
    ]
    lines = [
        "| out of scope | dev n | dev rejected | test n | test rejected | all |",
        "|---|---|---|---|---|---|",
    ]
    for label, part in groups:
        dev = [o for o in part if o.question.split == "dev"]
        test = [o for o in part if o.question.split == "test"]
        lines.append(
            f"| {label} | {len(dev)} | {_mean(dev, lambda o: not o.found)} | {len(test)} | "
            f"{_mean(test, lambda o: not o.found)} | {_mean(part, lambda o: not o.found)} |"
        )
    return lines


def report(outcomes: list[Outcome], title: str) -> None:
    print(f"\n### {title}\n")
    for table in (
        in_scope_table(outcomes),
        kind_table(outcomes, "speech"),
        kind_table(outcomes, "policy"),
        scope_table(outcomes),
    ):
        print("\n".join(table) + "\n")


def misses(outcomes: list[Outcome], split: str = "dev") -> None:
    """The questions of one split that miss at 1, for reading (never for editing them)."""
    for o in outcomes:
        if o.question.in_scope and o.question.split == split and o.rank != 0:
            print(f"  miss rank={o.rank} [{o.question.kind}] {o.question.q}")


def is_new(question: Question, new_from: tuple[int, int, int]) -> bool:
    """The question is at or after its file's first new line (speech, policy, out of scope)."""
    first = dict(zip(("speech", "policy", "out_of_scope"), new_from))
    source = question.source if question.source in ("speech", "out_of_scope") else "policy"
    return question.line >= first[source]


def compare(
    assistant,
    show_misses: bool = False,
    shipped_only: bool = False,
    new_from: tuple[int, int, int] | None = None,
) -> None:
    """The issue-2 fusion (main before issue 12) and the shipped ranking, in one run."""
    index = assistant.index
    if not shipped_only:
        shipped = index.ranker
        index.ranker = LinearRanker.from_fusion(index.weights)
        try:
            report(
                run(assistant, load_all()),
                "baseline: issue-2 fusion (dense 0.3, sentence 0.5, words 0.1, bigrams 0.1)",
            )
        finally:
            index.ranker = shipped
    outcomes = run(assistant, load_all())
    title = f"shipped ranking ({', '.join(index.ranking().features)})"
    report(outcomes, title)
    if new_from is not None:
        lines = ", ".join(str(n) for n in new_from)
        report(
            [o for o in outcomes if is_new(o.question, new_from)],
            f"{title}, new questions only (lines {lines} on)",
        )
    if show_misses:
        misses(outcomes)


def ranking_latency(assistant, repeats: int = 3) -> None:
    """Search time per question (query already encoded) with the fusion and the shipped ranking.

    Encoding is the same for both, so this is what the ranking adds to a warm `ask`.
    """
    import time

    from bot.core.answer_cue import answer_near_flags
    from index.hybrid import cut_query

    index = assistant.index
    texts = [cut_query(q.q)[0] for q in load_all()]
    vectors = assistant.encoder.encode_queries(texts)
    for label, ranker in (("issue-2 fusion", LinearRanker.from_fusion(index.weights)), ("shipped", None)):
        times = []
        for _ in range(repeats):
            for text, vector in zip(texts, vectors):
                started = time.perf_counter()
                index.search_vector(text, vector, 5, ranker=ranker, answer_check=answer_near_flags)
                times.append((time.perf_counter() - started) * 1000)
        print(
            f"search after encoding, {label}: p50 {np.median(times):.2f} ms, p95 {np.percentile(times, 95):.2f} ms"
        )


def main() -> int:
    import argparse

    from bot.core.services import build_services
    from bot.core.settings import resolve_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list the dev questions missed at 1")
    parser.add_argument("--latency-only", action="store_true", help="only time the ranking")
    parser.add_argument("--shipped-only", action="store_true", help="skip the issue-2 fusion tables")
    parser.add_argument(
        "--new-from",
        nargs=3,
        type=int,
        metavar=("SPEECH", "POLICY", "OUT_OF_SCOPE"),
        help="also report the questions from these lines of the three files on",
    )
    args = parser.parse_args()
    services = build_services(resolve_settings())
    assistant = services.assistant
    ranking_latency(assistant)
    if not args.latency_only:
        compare(assistant, args.misses, args.shipped_only, tuple(args.new_from) if args.new_from else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
