"""Which items a session asks: varied kinds, no fact asked twice, the study topic's document first."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.quiz.items import CHOICE, FILL, JUDGE, MULTI, QuizItem

KIND_TURNS = (CHOICE, FILL, JUDGE, MULTI)  # kinds take turns in this order; newer kinds follow
WORTH_FLOOR = 0.1  # an item judged worthless is still drawn, just rarely


def draw(
    pool: list[QuizItem], size: int, rng: random.Random, preferred: list[QuizItem] | None = None
) -> list[QuizItem]:
    """`size` items: from `preferred` (the default source, e.g. the speech) while it has passages
    not yet asked, then from the rest of the pool; then items on facts not yet asked; a fact
    is asked twice only when the pool has nothing else.

    The four 坚持 and their problems are one passage per part, asked as 判断, 单选 and 多选 alike:
    a session that reused passages would ask one fact several ways.
    """
    first = preferred or []
    firsts = {i.item_id for i in first}
    rest = [i for i in pool if i.item_id not in firsts]
    asked = Asked()
    picked = varied(first, size, rng, asked, Asked.fresh_passages)
    picked += varied(rest, size - len(picked), rng, asked, Asked.fresh_passages)
    taken = {i.item_id for i in picked}
    left = [i for i in [*first, *rest] if i.item_id not in taken]
    picked += varied(left, size - len(picked), rng, asked, Asked.fresh_fact)
    taken = {i.item_id for i in picked}
    return picked + varied([i for i in left if i.item_id not in taken], size - len(picked), rng, asked)


def fact_of(item: QuizItem) -> str:
    """What an item asks about: a part of the speech (its principle and problems, whatever the
    kind of question), a list of parts, or one phrase of a passage (the slogans of one sentence
    are different facts)."""
    if item.topic in ("structure", "principle", "problem"):
        return item.passage_id if len(item.cited) <= 2 else "|".join(sorted(item.cited))
    return f"{item.passage_id}:{item.answer}"


@dataclass
class Asked:
    """The passages and facts a session has asked so far."""

    passages: set[str] = field(default_factory=set)
    facts: set[str] = field(default_factory=set)

    def add(self, item: QuizItem) -> None:
        self.passages.update(item.cited)
        self.facts.add(fact_of(item))

    def fresh_passages(self, item: QuizItem) -> bool:
        return self.passages.isdisjoint(item.cited)

    def fresh_fact(self, item: QuizItem) -> bool:
        return fact_of(item) not in self.facts


def varied(
    pool: list[QuizItem],
    size: int,
    rng: random.Random,
    asked: Asked | None = None,
    allowed: Callable[[Asked, QuizItem], bool] | None = None,
) -> list[QuizItem]:
    """A varied draw: kinds take turns, and a passage is reused only when no other is left.

    Every passage an item cites counts (a structure item cites several parts). `asked` is
    updated; with `allowed`, only items it admits are drawn (none admitted: the draw ends).
    """
    asked = Asked() if asked is None else asked
    by_kind: dict[str, list[QuizItem]] = {}
    for item in weighted_order(pool, rng):
        by_kind.setdefault(item.kind, []).append(item)
    order = [k for k in KIND_TURNS if k in by_kind] + sorted(k for k in by_kind if k not in KIND_TURNS)
    picked: list[QuizItem] = []
    while len(picked) < size:
        before = len(picked)
        for kind in order:
            bucket = by_kind[kind]
            if len(picked) >= size:
                break
            admitted = [n for n, i in enumerate(bucket) if allowed is None or allowed(asked, i)]
            fresh = [n for n in admitted if asked.fresh_passages(bucket[n])] or admitted
            if fresh:
                item = bucket.pop(fresh[0])
                picked.append(item)
                asked.add(item)
        if len(picked) == before:
            break
    return picked


def weighted_order(pool: list[QuizItem], rng: random.Random) -> list[QuizItem]:
    """A random order in which items worth more to learn tend to come first.

    Weighted sampling without replacement (Efraimidis–Spirakis keys u^(1/w)); items of equal
    worth, e.g. all of an older bank without scores, come in a uniformly random order.
    """
    keys = {item.item_id: rng.random() ** (1.0 / (WORTH_FLOOR + item.worth)) for item in pool}
    return sorted(pool, key=lambda item: keys[item.item_id], reverse=True)
