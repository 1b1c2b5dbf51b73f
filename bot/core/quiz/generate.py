"""Quiz items from key phrases: fill-in (填空), single choice (单选) and true/false (判断).

Rules that keep every item correct and unambiguous:
- the answer is the phrase exactly as it stands in the cited passage;
- distractors come from the same group (other principles, other quoted slogans of similar
  length, items of other enumerations, nearby numbers with the same unit), never contain or are
  contained in the answer, never already stand in the question, and — checked against the whole
  corpus — never make a sentence the material actually says (no second right option);
- a true/false statement is the original sentence or the sentence with one distractor swapped in.
Deterministic for a seed; duplicates (same question and answer) are dropped.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bot.core.quiz.items import BLANK, CHOICE, FILL, JUDGE, TRUE_FALSE, QuizItem, fold, item_id
from bot.core.quiz.phrases import KeyPhrase, format_like, key_phrases
from corpus.model import Passage
from index.tokens import STOP_WORDS

STEM_MAX = 110  # characters of context kept around the blank
EXPLANATION_MAX = 150  # Telegram allows 200 for a quiz explanation; leave room for the citation


@dataclass(frozen=True)
class GeneratorSettings:
    seed: int = 20231
    kinds: tuple[str, ...] = (FILL, CHOICE, JUDGE)


def short_title(title: str) -> str:
    """How a document is named inside a question."""
    if "讲话" in title:
        return "县委中心组学习会议讲话"
    return title.removeprefix("中华人民共和国")


def generate_items(passages: list[Passage], settings: GeneratorSettings | None = None) -> list[QuizItem]:
    settings = settings or GeneratorSettings()
    rng = random.Random(settings.seed)
    phrases = [p for p in key_phrases(passages) if _askable(p)]
    pools = _pools(phrases)
    same_doc = _documents_of(phrases)
    corpus = fold("\n".join(p.text for p in passages))
    items: list[QuizItem] = []
    seen: set[tuple[str, str, str]] = set()
    for phrase in phrases:
        stem = _stem(phrase)
        if stem is None:
            continue
        distractors = _distractors(phrase, pools, same_doc, stem, corpus, rng)
        for kind in settings.kinds:
            item = _make(kind, phrase, stem, distractors, rng)
            if item is None:
                continue
            key = (item.kind, fold(item.question), fold(item.answer))
            if key not in seen:
                seen.add(key)
                items.append(item)
    return items


def _askable(phrase: KeyPhrase) -> bool:
    text = phrase.text
    return len(fold(text)) >= 2 and text not in STOP_WORDS and "*" not in text


def _pools(phrases: list[KeyPhrase]) -> dict[str, list[str]]:
    pools: dict[str, list[str]] = defaultdict(list)
    for phrase in phrases:
        if phrase.text not in pools[phrase.group]:
            pools[phrase.group].append(phrase.text)
    return pools


def _documents_of(phrases: list[KeyPhrase]) -> dict[str, dict[str, set[str]]]:
    """group -> phrase text -> documents it occurs in."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for phrase in phrases:
        out[phrase.group][phrase.text].add(phrase.passage.doc_id)
    return out


def _stem(phrase: KeyPhrase) -> str | None:
    """The sentence around the phrase with the phrase blanked, cut at clause boundaries."""
    s, start, end = phrase.sentence, phrase.start, phrase.start + len(phrase.text)
    if s[start:end] != phrase.text:
        return None
    left, right = s[:start], s[end:]
    left_cut = right_cut = False
    while len(left) + len(right) > STEM_MAX:
        # drop the outermost clause on the longer side (a clause ends at ，；：、)
        marks_left = [m.end() for m in re.finditer(r"[,，;；:：、]", left[:-1])]
        marks_right = [m.start() for m in re.finditer(r"[,，;；:：、]", right) if m.start() > 0]
        if marks_left and (len(left) >= len(right) or not marks_right):
            left, left_cut = left[marks_left[0] :], True
        elif marks_right:
            right, right_cut = right[: marks_right[-1]], True
        else:
            break
    stem = ("……" if left_cut else "") + f"{left}{BLANK}{right}" + ("……" if right_cut else "")
    context = fold(stem.replace(BLANK, ""))
    return stem if len(context) >= 8 else None  # too little context is ambiguous


def _distractors(
    phrase: KeyPhrase,
    pools: dict[str, list[str]],
    same_doc: dict[str, dict[str, set[str]]],
    stem: str,
    corpus: str,
    rng: random.Random,
) -> list[str]:
    if phrase.topic == "number":
        candidates = _nearby_numbers(phrase)
    else:
        candidates = [c for c in pools[phrase.group] if c not in phrase.siblings]
        rng.shuffle(candidates)
        candidates.sort(key=lambda c: -_plausibility(phrase, c, same_doc[phrase.group]))
    answer, stem_folded = fold(phrase.text), fold(stem)
    chosen: list[str] = []
    for candidate in candidates:
        c = fold(candidate)
        if not c or c in answer or answer in c or c in stem_folded:
            continue
        if any(c in fold(o) or fold(o) in c for o in chosen):
            continue
        if phrase.topic != "number" and not _similar_length(phrase.text, candidate):
            continue
        if fold(stem.replace(BLANK, candidate)) in corpus:
            continue  # the material says this too: it would be a second right option
        chosen.append(candidate)
        if len(chosen) == 3:
            break
    return chosen


def _plausibility(phrase: KeyPhrase, candidate: str, docs_of: dict[str, set[str]]) -> int:
    """Prefer distractors from the same document that look like the answer and its siblings."""
    score = 2 if phrase.passage.doc_id in docs_of.get(candidate, ()) else 0
    shape = set(phrase.text).union(*map(set, phrase.siblings)) if phrase.siblings else set(phrase.text)
    return score + len(set(candidate) & shape)


def _similar_length(a: str, b: str) -> bool:
    return abs(len(a) - len(b)) <= max(2, len(a) // 3)


def _nearby_numbers(phrase: KeyPhrase) -> list[str]:
    value = phrase.value or 0
    if phrase.unit == "年" and value > 1900:
        steps = [-1, 1, -2, 2, -3]
    elif value >= 10 and value % 5 == 0:
        steps = [-value // 2, value // 2, value, -5, 5, 10]
    else:
        steps = [-1, 1, 2, -2, 3]
    values = [value + s for s in steps if value + s >= 2 and value + s != value]
    return [format_like(v, phrase.text, phrase.unit) for v in values]


def _make(
    kind: str, phrase: KeyPhrase, stem: str, distractors: list[str], rng: random.Random
) -> QuizItem | None:
    p = phrase.passage
    lead = f"《{short_title(p.doc_title)}》："
    explanation = _explanation(phrase)
    common: dict[str, Any] = dict(
        answer=phrase.text,
        explanation=explanation,
        passage_id=p.passage_id,
        doc_id=p.doc_id,
        doc_title=p.doc_title,
        location=p.location,
        topic=phrase.topic,
    )
    if kind == FILL:
        if phrase.topic == "enumeration" and not _parallel(phrase):
            return None  # "普查、____、整理" has many right answers; 有形、____、有效 has one
        question = f"{lead}{stem}"
        return QuizItem(item_id=item_id(FILL, question, phrase.text), kind=FILL, question=question, **common)
    if kind == CHOICE:
        if len(distractors) < 3:
            return None
        options = [phrase.text, *distractors[:3]]
        rng.shuffle(options)
        question = f"{lead}{stem}"
        return QuizItem(
            item_id=item_id(CHOICE, question, phrase.text),
            kind=CHOICE,
            question=question,
            options=options,
            correct=options.index(phrase.text),
            **common,
        )
    if kind == JUDGE:
        if not distractors:
            return None
        truthful = rng.random() < 0.5
        filled = phrase.text if truthful else distractors[0]
        question = f"判断：{lead}{stem.replace(BLANK, filled, 1)}"
        return QuizItem(
            item_id=item_id(JUDGE, question, phrase.text),
            kind=JUDGE,
            question=question,
            options=list(TRUE_FALSE),
            correct=0 if truthful else 1,
            **common,
        )
    return None


def _parallel(phrase: KeyPhrase) -> bool:
    """Enumeration items built alike (有形、有感、有效) pin the blank down."""
    common = set(phrase.text)
    for sibling in phrase.siblings:
        common &= set(sibling)
    return bool(common)


def _explanation(phrase: KeyPhrase) -> str:
    p = phrase.passage
    where = f"《{short_title(p.doc_title)}》{p.location}"
    budget = EXPLANATION_MAX - len(where) - 8
    sentence = phrase.sentence
    if len(sentence) > budget:
        start = max(0, min(phrase.start - budget // 3, len(sentence) - budget))
        sentence = ("…" if start else "") + sentence[start : start + budget] + "…"
    return f"原文：“{sentence}”（{where}）"
