"""Phrases that are worded like key formulations but teach nothing, by form (seed-5 ratings).

Why: each of these passed every mechanical check and was rated "not worth learning" — a blank
that is one part of a stock three-part formula (为人民服务，对人民负责，受人民监督: filled from
its rhythm), options that only reshuffle the answer's characters (敢闯敢试 among 敢想敢试 /
敢闯敢干: wording, not content), and one element of a law's list in a secondary clause
(群团组织、社会组织和“两代表一委员”) when the same article gives a worthier item (枫桥经验).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.quiz.items import QuizItem
from bot.core.quiz.key_phrase import KeyPhrase

LIST_MARKS = "、和及与"
ASIDE = re.compile(r"就像|比如|例如|好比|譬如")


def stock_triad(phrase: KeyPhrase, from_speech: bool) -> bool:
    """A law's formulation of three or more parts built alike: anyone completes the third."""
    return phrase.topic == "formulation" and not from_speech and len(phrase.siblings) >= 2


def stock_wordings(phrases: list[KeyPhrase], from_speech: Callable[[KeyPhrase], bool]) -> set[str]:
    """The parts of every stock triad: 受人民监督 is as stock in 宪法's two-part form."""
    return {w for p in phrases if stock_triad(p, from_speech(p)) for w in (p.text, *p.siblings)}


def only_reshuffled(phrase: KeyPhrase, candidates: list[str]) -> bool:
    """Every wrong form is made of the formulation's own characters (敢闯敢试 → 敢想敢试, 敢闯敢干;
    逢冠必夺 → 逢一必夺): telling them apart tests wording, not content."""
    own = set("".join((phrase.text, *phrase.siblings)))
    return bool(candidates) and all(set(c) <= own for c in candidates)


def illustrative(phrase: KeyPhrase) -> bool:
    """A slogan inside an illustration (就像看见火锅就知道是重庆……“以商养文，以文促商”)."""
    lead_in = re.split(r"[?？!！]", phrase.sentence[: phrase.start])[-1]  # 比如……呢? ends its example
    return phrase.topic in ("quote", "formulation") and ASIDE.search(lead_in) is not None


def in_list(phrase: KeyPhrase) -> bool:
    """The phrase is one element of a 、-list (社会组织和“两代表一委员”、社会工作者)."""
    s, start, end = phrase.sentence, phrase.start, phrase.start + len(phrase.text)
    quoted = s[start - 1 : start] == "“" and s[end : end + 1] == "”"
    before = s[start - 2 : start - 1] if quoted else s[start - 1 : start]
    after = s[end + 1 : end + 2] if quoted else s[end : end + 1]
    return (before != "" and before in LIST_MARKS) or after == "、"


def without_list_elements(items: list[QuizItem], list_elements: set[str]) -> list[QuizItem]:
    """A law's list element gives way when its passage keeps another item: ask the article's
    point, not one of the bodies it lists."""
    others = {i.passage_id for i in items if i.item_id not in list_elements}
    return [i for i in items if i.item_id not in list_elements or i.passage_id not in others]
