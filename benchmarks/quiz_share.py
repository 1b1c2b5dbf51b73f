"""How much of a default quiz session comes from the speech, and whether a session repeats a fact.

Runs N seeded default sessions (no keyword: the engine's own draw, the speech first) through the
real QuizEngine on the bank generated from the bundled corpus (generation seed 20231, as `policybot
quiz rebuild` makes it), with an in-memory database, for each session size. Prints per size the
median and minimum share of speech items, how many sessions ask a cited passage twice, and how
many ask one fact twice (picking.fact_of: a part of the speech asked as 判断 and again as 单选).
Sessions are seeded, so a run repeats exactly.

    python benchmarks/quiz_share.py --sessions 200
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.database import Database  # noqa: E402
from bot.core.quiz.bank import QuizBank  # noqa: E402
from bot.core.quiz.engine import QuizEngine  # noqa: E402
from bot.core.quiz.generate import GeneratorSettings, generate_items  # noqa: E402
from bot.core.quiz.items import QuizItem  # noqa: E402
from bot.core.quiz.model import DEFAULT_QUESTIONS, MAX_QUESTIONS  # noqa: E402
from bot.core.quiz.picking import fact_of  # noqa: E402

SPEECH_WORD = "讲话"


def session_items(engine: QuizEngine, size: int, seed: int) -> list[QuizItem]:
    room = f"bench:{size}:{seed}"
    events = engine.start(room, "organiser", size, seed=seed)
    session = events[0].session  # type: ignore[attr-defined]
    items = []
    for position in range(session.size):
        asked = engine.question(session.session_id, position)
        assert asked is not None
        items.append(asked.item)
    engine.stop(room)
    return items


def repeats_a_passage(items: list[QuizItem]) -> bool:
    seen: set[str] = set()
    for item in items:
        if not seen.isdisjoint(item.cited):
            return True
        seen.update(item.cited)
    return False


def repeats_a_fact(items: list[QuizItem]) -> bool:
    facts = [fact_of(i) for i in items]
    return len(set(facts)) < len(facts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--sizes", type=int, nargs="+", default=[DEFAULT_QUESTIONS, 10, MAX_QUESTIONS])
    args = parser.parse_args()

    from corpus.bundled import BUNDLED_DIR
    from index.builder import collect_passages

    passages = collect_passages([BUNDLED_DIR], []).passages
    bank = QuizBank(generate_items(passages, GeneratorSettings()))
    speech = sum(SPEECH_WORD in i.doc_title for i in bank.items)
    print(f"bank: {len(bank.items)} items, {speech} from the speech ({speech / len(bank.items):.0%})")
    engine = QuizEngine(Database(None), bank)
    print("| size | sessions | speech share median | speech share min | repeating a passage | repeating a fact |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for size in args.sizes:
        shares, repeating, same_fact = [], 0, 0
        for seed in range(args.sessions):
            items = session_items(engine, size, seed)
            shares.append(sum(SPEECH_WORD in i.doc_title for i in items) / len(items))
            repeating += repeats_a_passage(items)
            same_fact += repeats_a_fact(items)
        print(
            f"| {size} | {args.sessions} | {statistics.median(shares):.0%} | {min(shares):.0%} | {repeating} | {same_fact} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
