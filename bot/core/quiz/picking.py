"""Which items a session asks: varied kinds and passages, the study topic's document first."""

from __future__ import annotations

import random

from bot.core.quiz.items import CHOICE, FILL, JUDGE, MULTI, QuizItem

KIND_TURNS = (CHOICE, FILL, JUDGE, MULTI)  # kinds take turns in this order; newer kinds follow
WORTH_FLOOR = 0.1  # an item judged worthless is still drawn, just rarely


def draw(
    pool: list[QuizItem], size: int, rng: random.Random, preferred: list[QuizItem] | None = None
) -> list[QuizItem]:
    """`size` items: from `preferred` (the default source, e.g. the speech) while it lasts, then the pool."""
    first = varied(preferred or [], size, rng)
    taken = {i.item_id for i in first}
    rest = [i for i in pool if i.item_id not in taken]
    return first + varied(rest, size - len(first), rng)


def varied(pool: list[QuizItem], size: int, rng: random.Random) -> list[QuizItem]:
    """A varied draw: kinds take turns, and a passage is reused only when no other is left.

    Every passage an item cites counts (a structure item cites several parts): otherwise one
    session asks the same fact — the four 坚持 and their problems — as 判断, 单选 and 多选.
    """
    by_kind: dict[str, list[QuizItem]] = {}
    for item in weighted_order(pool, rng):
        by_kind.setdefault(item.kind, []).append(item)
    order = [k for k in KIND_TURNS if k in by_kind] + sorted(k for k in by_kind if k not in KIND_TURNS)
    picked: list[QuizItem] = []
    used: set[str] = set()
    while len(picked) < size and any(by_kind.values()):
        for kind in order:
            bucket = by_kind[kind]
            if not bucket or len(picked) >= size:
                continue
            fresh = next((i for i in range(len(bucket)) if used.isdisjoint(bucket[i].cited)), 0)
            item = bucket.pop(fresh)
            picked.append(item)
            used.update(item.cited)
    return picked


def weighted_order(pool: list[QuizItem], rng: random.Random) -> list[QuizItem]:
    """A random order in which items worth more to learn tend to come first.

    Weighted sampling without replacement (Efraimidis–Spirakis keys u^(1/w)); items of equal
    worth, e.g. all of an older bank without scores, come in a uniformly random order.
    """
    keys = {item.item_id: rng.random() ** (1.0 / (WORTH_FLOOR + item.worth)) for item in pool}
    return sorted(pool, key=lambda item: keys[item.item_id], reverse=True)
