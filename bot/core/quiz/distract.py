"""Distractors of the same kind as the answer, and never a second right answer.

Order of preference: misremembered forms of a parallel formulation (以商促文 for 以文促商);
then phrases of the same group (other items of enumerations, other quoted slogans) from the same document, with the same part of speech (jieba) and the same shape
as the answer. A candidate is refused when it contains or is contained in the answer, already
stands in the question, or turns the stem into a sentence the material actually says.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from bot.core.quiz.items import BLANK, fold
from bot.core.quiz.key_phrase import KeyPhrase
from bot.core.quiz.phrases import format_like
from bot.core.quiz.signature import variants
from index.jieba_dictionary import posseg


@dataclass
class Pools:
    """Every phrase text by group, and the documents each text occurs in."""

    texts: dict[str, list[str]]
    docs: dict[str, dict[str, set[str]]]
    corpus: str  # the folded text of all passages

    @classmethod
    def of(cls, phrases: list[KeyPhrase], corpus: str) -> Pools:
        texts: dict[str, list[str]] = defaultdict(list)
        docs: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for phrase in phrases:
            for group in _groups_of(phrase):
                if phrase.text not in texts[group]:
                    texts[group].append(phrase.text)
                docs[group][phrase.text].add(phrase.passage.doc_id)
        return cls(texts, docs, corpus)

    def belongs(self, phrase: KeyPhrase, candidate: str) -> bool:
        """A candidate of the phrase's own kind: a misremembered form of it, or a principle for a
        principle. Only these make a false 判断 statement or a distractor that someone who has
        not read the text might believe. Dictionary words built like a list's items (有形、有感、
        有效 → 有所, 有害) were rated implausible: a shared character is not a shared meaning."""
        if phrase.topic in ("number", "principle", "problem"):
            return True
        return candidate in variants(phrase.text, phrase.siblings)


def _groups_of(phrase: KeyPhrase) -> list[str]:
    """A formulation half and a quoted slogan of four characters can stand in for each other."""
    if phrase.topic in ("formulation", "quote") and len(phrase.text) == 4:
        return [phrase.group, "four"]
    return [phrase.group]


def distractors(phrase: KeyPhrase, pools: Pools, stem: str, rng: random.Random, wanted: int = 3) -> list[str]:
    if phrase.topic == "number":
        candidates = _nearby_numbers(phrase)
    else:
        candidates = variants(phrase.text, phrase.siblings) if phrase.topic == "formulation" else []
        ranked: list[str] = []
        for group in _groups_of(phrase):
            pool = [c for c in pools.texts.get(group, []) if c not in phrase.siblings and c not in ranked]
            if phrase.topic == "enumeration":  # another list's item is plausible only from the same text
                pool = [c for c in pool if phrase.passage.doc_id in pools.docs[group][c]]
            rng.shuffle(pool)
            pool.sort(key=lambda c: -_plausibility(phrase, c, pools.docs[group]))
            ranked += pool
        candidates += ranked
        shared = (
            series_places(phrase.text, phrase.siblings) if phrase.topic in ("enumeration", "quote") else []
        )
        if shared:  # 自治区、自治州、自治县: anything not built alike stands out
            candidates = [
                c
                for c in candidates
                if len(c) == len(phrase.text) and all(c[k] == phrase.text[k] for k in shared)
            ]
    return _acceptable(phrase, candidates, stem, pools.corpus, wanted)


def _acceptable(phrase: KeyPhrase, candidates: list[str], stem: str, corpus: str, wanted: int) -> list[str]:
    answer, stem_folded = fold(phrase.text), fold(stem)
    context = fold(phrase.sentence)
    chosen: list[str] = []
    for candidate in candidates:
        c = fold(candidate)
        if not c or c in answer or answer in c or c in stem_folded or c in context or "*" in candidate:
            continue
        if any(c in fold(o) or fold(o) in c for o in chosen):
            continue
        if phrase.topic != "number" and not _similar_length(phrase.text, candidate):
            continue
        if _two_part(candidate) != _two_part(phrase.text):
            continue  # a two-part slogan among single phrases stands out
        if phrase.topic == "enumeration" and _plausibility(phrase, candidate, {}) < 3.5:
            continue  # an item of another list: only if it looks like this list's items
        if fold(stem.replace(BLANK, candidate)) in corpus:
            continue  # the material says this too: it would be a second right option
        chosen.append(candidate)
        if len(chosen) == wanted:
            break
    return chosen


def _plausibility(phrase: KeyPhrase, candidate: str, docs_of: dict[str, set[str]]) -> float:
    """Same document, same part of speech, same length and shared characters make it plausible."""
    score = 2.0 if phrase.passage.doc_id in docs_of.get(candidate, ()) else 0.0
    if last_pos(candidate) == last_pos(phrase.text):
        score += 2.0
    if len(candidate) == len(phrase.text):
        score += 1.0
    shape = set(phrase.text).union(*map(set, phrase.siblings)) if phrase.siblings else set(phrase.text)
    if any(mark in candidate for mark in "、，,") == any(mark in phrase.text for mark in "、，,"):
        score += 1.0  # a two-part slogan for a two-part slogan
    return score + 0.5 * len(set(candidate) & shape)


@lru_cache(maxsize=65536)
def last_pos(text: str) -> str:
    """The coarse part of speech of a phrase's head (its last word): n, v, a, m, i …"""
    words = [w for w in posseg().cut(text) if w.word.strip()]
    if not words:
        return ""
    flag = words[-1].flag
    if len(words) == 1 and flag in ("i", "l"):
        return "i"
    if flag in ("nr", "ns", "nt", "nz", "nrt"):
        return flag  # names of people and places are a kind of their own
    return "v" if flag.startswith("v") else flag[:1]


def _word_flag(word: str) -> str:
    """jieba's own tag of a dictionary word (its whole tag: 道理 n, 穆罕默德 nr)."""
    return posseg().dt.word_tag_tab.get(word, "")


def series_places(answer: str, siblings: tuple[str, ...]) -> list[int]:
    """Where every item of a list of three or more has the same character (自治区、自治州 → [0, 1])."""
    items = (answer, *(s for s in siblings if len(s) == len(answer)))
    if len(items) < 2:
        return []
    shared = [k for k in range(len(answer)) if len({i[k] for i in items}) == 1]
    return shared if len(shared) < len(answer) else []


def _two_part(text: str) -> bool:
    return bool(re.search(r"[、，,+]", text))


def _similar_length(a: str, b: str) -> bool:
    return abs(len(a) - len(b)) <= max(1, len(a) // 4)


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


def mixed_kinds(options: list[str]) -> bool:
    """Options visibly not of one kind: a number among words, a two-part slogan among single
    phrases, lengths far apart, or dictionary words of different parts of speech.

    jieba's tags of whole slogans (以文促商) are guesses, so parts of speech are compared only
    when every option is a dictionary word with a tag of its own.
    """
    numeric = {bool(re.search(NUMBER_WORD, o)) for o in options}
    two_part = {_two_part(o) for o in options}
    lengths = sorted(len(o) for o in options)
    if len(numeric) > 1 or len(two_part) > 1 or lengths[-1] > 2 * lengths[0] + 1:
        return True
    flags = [_word_flag(o)[:1] for o in options]
    if all(flags):
        return max(flags.count(f) for f in flags) < -(-len(options) * 3 // 5)  # most share a tag
    return False


NUMBER_WORD = r"\d|^[一二三四五六七八九十两百千]+[年个次日天周位名人倍岁项条户]"
