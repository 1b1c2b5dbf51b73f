"""Key phrases worth asking about, found in the passages by their form.

Why these forms: they are what study groups memorise — quoted formulations (“世界菌乡、你我共享”),
enumerations (有形、有感、有效), the speech's four principles ("要坚持X，切实解决Y的问题") and
numbers with their units (每届任期五年). Each phrase carries its group: choice distractors are
drawn from the same group, so they are of the same kind and length.
"""

from __future__ import annotations

import re

from bot.core.quiz.key_phrase import KeyPhrase
from bot.core.quiz.measures import speech_measures
from bot.core.quiz.rules import core_rules
from bot.core.quiz.signature import formulations
from corpus.chunking import split_sentences
from corpus.model import Passage

_CJK = "\u4e00-\u9fff"
_QUOTE = re.compile(r"“([^“”]{2,16})”")
_PRINCIPLE = re.compile(rf"^[一二三四五六七八九十]、要坚持([{_CJK}]{{2,6}})[,，]切实解决(.+?)的问题")
# The first item must start a word: after punctuation or a function character, so that the
# equal-length rule does not cut a longer first item (作有形 → 有形 is fine, 数字经济 is not).
_ITEM_START = rf"(?:(?<![{_CJK}])|(?<=[的是为括了和与及把将对在即作等以从向到由于含：:]))"
_NUMERAL = "〇零一二三四五六七八九十百千两"
_UNITS = "周岁|个月|小时|分钟|年|个|次|日|天|周|位|名|人|倍|岁|项|条|户|%"
# What the material itself names as the main line or the aim of the work (以铸牢中华民族共同体
# 意识为主线; 以群众得到更多实惠为出发点和落脚点): its key formulations, stated outright. Not
# 以X为导向: 以解决问题为导向 is filled from the stock phrase 问题导向.
_NAMED_LINE = re.compile(rf"以([{_CJK}“”]{{4,20}}?)为(?:工作)?(?:主线|出发点和落脚点|根本遵循)")
_NUMBER = re.compile(rf"(?<![第\d{_NUMERAL}.])(\d{{1,4}}|[{_NUMERAL}]{{1,5}})({_UNITS})(?!之)")


def quiz_sentences(passage: Passage) -> list[str]:
    """A passage's sentences as the quiz cuts them (a greeting line before one is not context);
    items are counted per sentence under these (outline.sentence_key)."""
    return [raw.strip().split("\n")[-1].strip() for raw in split_sentences(passage.text)]


def key_phrases(passages: list[Passage]) -> list[KeyPhrase]:
    out: list[KeyPhrase] = []
    for passage in passages:
        for sentence in quiz_sentences(passage):
            if len(sentence) < 12:
                continue
            out += _quotes(passage, sentence)
            out += formulations(passage, sentence)
            out += _principles(passage, sentence)
            out += _enumerations(passage, sentence)
            out += _numbers(passage, sentence)
            out += _named_lines(passage, sentence)
            out += core_rules(passage, sentence)
            out += speech_measures(passage, sentence)
    return out


def _quotes(passage: Passage, sentence: str) -> list[KeyPhrase]:
    found = []
    quoted = [m for m in _QUOTE.finditer(sentence)]
    for m in quoted:
        text = m.group(1)
        if "*" in text or "（" in text or "下列" in text or len(re.sub(rf"[^{_CJK}A-Za-z0-9]", "", text)) < 2:
            continue
        others = tuple(o.group(1) for o in quoted if o.group(1) != text)  # “再学习”“再安排”“再部署”
        group = _length_group("quote", text)
        found.append(KeyPhrase(text, "quote", group, passage, sentence, m.start(1), siblings=others))
    return found


def _principles(passage: Passage, sentence: str) -> list[KeyPhrase]:
    m = _PRINCIPLE.match(sentence)
    if not m:
        return []
    return [
        KeyPhrase(m.group(1), "principle", "principle", passage, sentence, m.start(1)),
        KeyPhrase(m.group(2), "problem", "problem", passage, sentence, m.start(2)),
    ]


def _enumerations(passage: Passage, sentence: str) -> list[KeyPhrase]:
    """Runs of three or more items of equal length joined by 、 (有形、有感、有效)."""
    found: list[KeyPhrase] = []
    for size in (2, 3, 4):
        pattern = re.compile(
            rf"{_ITEM_START}((?:[{_CJK}]{{{size}}}、){{2,}}[{_CJK}]{{{size}}})(?:(?![{_CJK}])|(?=等))"
        )
        for m in pattern.finditer(sentence):
            items = m.group(1).split("、")
            if len(set(items)) != len(items):
                continue
            offset = m.start(1)
            for item in items:
                siblings = tuple(i for i in items if i != item)
                found.append(
                    KeyPhrase(
                        item, "enumeration", f"enum{size}", passage, sentence, offset, siblings=siblings
                    )
                )
                offset += len(item) + 1
    return found


def _named_lines(passage: Passage, sentence: str) -> list[KeyPhrase]:
    """以X为主线: X is the formulation; the blank keeps 为主线 in the stem, so it is pinned down."""
    found = []
    for m in _NAMED_LINE.finditer(sentence):
        text = m.group(1).strip("“”")
        start = sentence.find(text, m.start(1))
        if "“" not in text and "”" not in text and "*" not in text:
            found.append(KeyPhrase(text, "keyline", "keyline", passage, sentence, start))
    return found


def _numbers(passage: Passage, sentence: str) -> list[KeyPhrase]:
    found = []
    for m in _NUMBER.finditer(sentence):
        digits, unit = m.group(1), m.group(2)
        value = to_int(digits)
        if value is None or value < 2 or "*" in sentence[max(0, m.start() - 1) : m.end() + 1]:
            continue
        if unit == "年" and not (digits.isdigit() and len(digits) == 4) and value > 100:
            continue
        if unit == "日" and sentence[max(0, m.start() - 1) : m.start()] == "月":
            continue  # a day of a date (3月6日) is not a quantity
        found.append(
            KeyPhrase(
                m.group(0), "number", f"number:{unit}", passage, sentence, m.start(), value=value, unit=unit
            )
        )
    return found


def to_int(digits: str) -> int | None:
    if digits.isdigit():
        return int(digits)
    import cn2an  # slow to import: only quiz generation needs it, `ask` does not

    try:
        value = cn2an.cn2an(digits.replace("两", "二"), "strict")
    except (ValueError, KeyError):
        return None
    return int(value) if float(value).is_integer() else None


def format_like(value: int, original: str, unit: str) -> str:
    """A number written the way the original was (Arabic or Chinese numerals)."""
    digits = original[: len(original) - len(unit)]
    if digits.isdigit():
        return f"{value}{unit}"
    import cn2an

    text = cn2an.an2cn(value)
    if text.startswith("一十"):
        text = text[1:]  # 十五, not 一十五
    if value == 2 and unit != "日":
        text = "两"  # 两个、两年; but 二日
    return f"{text}{unit}"


def _length_group(topic: str, text: str) -> str:
    size = len(text)
    band = "short" if size <= 3 else "mid" if size <= 6 else "long"
    return f"{topic}:{band}"
