"""Reading a question for what it says about *where* its answer is.

Members name the text they mean ("讲话里", "书记说", "宪法规定"), point at its structure
("第二部分", "第四个坚持", "开头", "结尾"), use the material's own formulations in short forms
("四个坚持", "铸牢意识"), or ask in English. Plain retrieval reads none of that: "坚持" pulls
questions about the speech to the Constitution's preamble. A QueryPlan carries these cues to
the ranker as features; it never filters, so a wrong cue costs a little score, not the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.structure import NUMERAL, DocumentStructure, chinese_number
from index.tokens import normalize

LEXICON_FILE = Path(__file__).with_name("lexicon_zh.tsv")
GLOSSARY_FILE = Path(__file__).with_name("glossary_en.tsv")

# Words that name a speech (its title says 讲话) rather than a law: who speaks and where.
SPEECH_TITLE = re.compile(r"讲话|发言|会议")
_SPEECH_CUES = re.compile(r"讲话|书记|会议|会上|中心组|集中学习|主持|动员|这次学习|本次学习|讲稿")
_LAW_CUES = re.compile(r"法律|本法|该法|这部法|法条|法规")
_REGULATION_CUES = re.compile(r"条例")
_TITLE_NOISE = re.compile(r"[（(][^（()）]*[)）]|^中华人民共和国|[《》]")
_PROVINCES = re.compile(r"^(?:浙江省|山东省|广东省|北京市)")

# Numbered units a question points at ("第二部分", "第十五条", "最后一个"). 部分/个/点/项/方面 are
# items of a list; 条/章/节 a law's articles and chapters.
LIST_UNITS = ("部分", "个", "点", "项", "方面")
ALL_UNITS = (*LIST_UNITS, "条", "章", "节")
# Words for the opening and the close of a text, in a whole question ("讲话是怎么开头的") and
# inside a part it points at ("第四部分开头…", bot/core/part_questions.py); each reader adds
# the words only it can read so (see where they are used).
OPENING_WORDS = ("开头", "开篇", "一开始")
CLOSING_WORDS = ("结尾", "收尾", "末尾", "结束时")
# Words for "what matters most" (最重要, 主线 …): the passage that says its 最重要的就是… answers,
# however many other words of the question a neighbouring passage repeats. (The answer
# sentences' FOCUS_WORDS are another list: what a question is after, 标准, 目的 …, counted
# the answer model's way, so 最核心 there is 核心 — the model was fitted on that count.)
MATTERS_MOST = ("最重要", "最关键", "最根本", "最核心", "首要", "核心", "主线", "重中之重")


def words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


# A whole question: 开始 and 首先 say when or in which order ("什么时候开始"), and 最后 alone
# closes only when it points at no unit ("最后一部分" is a part, position_of).
_START = words_pattern((*OPENING_WORDS, "开场", "开始时", "开宗明义", "头一句", "起首"))
_END = words_pattern((*CLOSING_WORDS, "结束语", "结语", "最后"))
_LATIN = re.compile(r"[a-z]")
_LAST_WORD = re.compile(r"[a-z]+$")
_FOCUS = words_pattern(MATTERS_MOST)
# Asking for the parts as a whole: how many there are, which they are, how the text is built.
# Asking what a term means: laws answer that in a definition (本法所称…是指…).
_ASKS_DEFINITION = re.compile(r"指什么|指哪些|指的是|是指|什么意思|含义|定义|所称|所说的.{1,12}指")
_PARTS_OVERVIEW = re.compile(r"(?:几|哪几|哪些)个?大?部分|分(?:为|成)?几个?部分|几大块|(?:整体|总体|行文)结构")


@dataclass(frozen=True)
class QueryPlan:
    expansion: str = ""  # the material's wording for the question's short forms (lexicon)
    translation: str = ""  # the material's terms for an English question's words (glossary)
    named_docs: frozenset[int] = field(default_factory=frozenset)  # document numbers
    ordinals: tuple[tuple[str, int], ...] = ()  # ("部分", 2); n = -1 for "the last one"
    position: str = ""  # "start", "end" or ""
    parts_overview: bool = False  # asks how many / which numbered parts (讲话分几个部分？)
    definition: bool = False  # asks what a term means (“散居少数民族”指哪些人？)
    focus: tuple[str, ...] = ()  # asks what matters most (最重要, 主线 …)

    @property
    def ordinal(self) -> tuple[str, int] | None:
        """The first unit pointed at (most questions point at one)."""
        return self.ordinals[0] if self.ordinals else None


@lru_cache(maxsize=1)
def lexicon() -> list[tuple[tuple[str, ...], str]]:
    """(variants, expansion) rows of lexicon_zh.tsv: the material's formulations."""
    rows = []
    for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            variants, expansion = line.split("\t", 1)
            rows.append((tuple(normalize(v) for v in variants.split("|")), expansion.strip()))
    return rows


@lru_cache(maxsize=1)
def lexicon_variants() -> frozenset[str]:
    """Every short form the lexicon knows ("四个坚持"): the material's own terms in other words."""
    return frozenset(v for variants, _ in lexicon() for v in variants)


@lru_cache(maxsize=1)
def glossary() -> list[tuple[re.Pattern[str], str]]:
    """English phrase → the material's Chinese term, longest phrases first."""
    rows = []
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            english, chinese = line.split("\t", 1)
            rows.append((english.strip().lower(), chinese.strip()))
    rows.sort(key=lambda row: -len(row[0]))
    return [(phrase_pattern(e), c) for e, c in rows]


def phrase_pattern(english: str) -> re.Pattern[str]:
    """The phrase with its last word also in the plural and the -ing form.

    Why: a row is written once ("martyr", "interpret"), questions say "martyrs' names",
    "interpreting the regulations"; -ed forms are left out (called ≠ call → 号召).
    """
    last = _LAST_WORD.search(english)
    if last is None or len(last.group()) < 3:
        return re.compile(rf"\b{re.escape(english)}s?\b")
    head, word = english[: last.start()], last.group()
    if word[-1] == "y" and word[-2] not in "aeiou":
        stem, endings = word[:-1], "(?:y|ies|ying)"
    elif word[-1] == "e" and word[-2] != "e":
        stem, endings = word[:-1], "(?:e|es|ing)"
    else:
        stem, endings = word, "(?:s|es|ing)?"
    return re.compile(rf"\b{re.escape(head + stem)}{endings}\b")


@lru_cache(maxsize=1024)
def translate(text: str) -> str:
    """The Chinese terms of the glossary found in an English question (empty if none)."""
    found = []
    for pattern, chinese in glossary():
        if pattern.search(text):
            found.append(chinese)
            text = pattern.sub(" ", text)
    return " ".join(found)


def expand(text: str) -> str:
    return " ".join(expansion for variants, expansion in lexicon() if any(v in text for v in variants))


def title_stems(title: str) -> list[str]:
    """How a question names a document: its title without dates, brackets or province."""
    stem = _TITLE_NOISE.sub("", normalize(title)).strip()
    short = _PROVINCES.sub("", stem)
    return [s for s in {stem, short} if len(s) >= 2]


def _readings(query: str) -> tuple[str, str, str]:
    """The question normalised, an English one's glossary terms, and both together."""
    text = normalize(query)
    translated = translate(text) if _LATIN.search(text) else ""
    return text, translated, f"{text} {translated}" if translated else text


def cue_text(query: str) -> str:
    """What the structure readers read: the question, and for an English one its glossary's terms.

    Why: "How many parts does the speech have?" names the speech and asks for its parts only
    through the glossary's 讲话 and 几个部分; the answer's list and part readers need them too.
    """
    return _readings(query)[2]


def plan_query(query: str, structure: DocumentStructure) -> QueryPlan:
    text, translated, cued = _readings(query)
    expansion = expand(cued)
    return QueryPlan(
        expansion=expansion,
        translation=translated,
        named_docs=frozenset(named_documents(cued, structure)),
        ordinals=ordinals_of(cued),
        position=position_of(cued),
        parts_overview=bool(_PARTS_OVERVIEW.search(cued)),
        definition=bool(_ASKS_DEFINITION.search(text)),
        focus=tuple(dict.fromkeys(_FOCUS.findall(cued))),
    )


def named_documents(text: str, structure: DocumentStructure) -> set[int]:
    named = set()
    for number, title in enumerate(structure.titles):
        if any(stem in text for stem in title_stems(title)):
            named.add(number)
    speech = _SPEECH_CUES.search(text)
    law = _LAW_CUES.search(text)
    regulation = _REGULATION_CUES.search(text) and not named
    for number, title in enumerate(structure.titles):
        clean = normalize(title)
        if (
            (speech and SPEECH_TITLE.search(clean))
            or (law and _TITLE_NOISE.sub("", clean).endswith("法"))
            or (regulation and "条例" in clean)
        ):
            named.add(number)
    return named


@dataclass(frozen=True)
class Pointer:
    """A numbered unit a question points at, and where it says so."""

    unit: str  # "部分", "个", "条" …
    number: int  # 1-based; -1 for "the last one"
    start: int
    end: int


@lru_cache(maxsize=8)
def _pointer_pattern(form: str, units: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(form.format("|".join(units)))


_NTH = rf"第 ?([{NUMERAL}]+) ?({{}})"  # users type "第 四 部分" too
_FIRST = r"头一({})"
_LAST = r"最后(?:一)?({})"


def pointers(text: str, units: tuple[str, ...] = ALL_UNITS, first_units: tuple[str, ...] = ()) -> list[Pointer]:
    """Every numbered unit of these kinds the text points at, in its order ("第一个和最后一个" → two).

    `first_units`: the units "头一…" points at too (the query plan's; the part questions read none).
    """
    found = []
    for match in _pointer_pattern(_NTH, units).finditer(text):
        if n := chinese_number(match.group(1)):
            found.append(Pointer(match.group(2), n, *match.span()))
    if first_units:
        found += [Pointer(m.group(1), 1, *m.span()) for m in _pointer_pattern(_FIRST, first_units).finditer(text)]
    found += [Pointer(m.group(1), -1, *m.span()) for m in _pointer_pattern(_LAST, units).finditer(text)]
    return sorted(found, key=lambda p: p.start)


def ordinals_of(text: str) -> tuple[tuple[str, int], ...]:
    """Every (unit, number) the question points at, in order, each once."""
    found = pointers(text, ALL_UNITS, first_units=(*ALL_UNITS, "句"))  # 头一句: the first sentence
    return tuple(dict.fromkeys((p.unit, p.number) for p in found))


def position_of(text: str) -> str:
    if _START.search(text):
        return "start"
    if _END.search(text) and not any(p.number == -1 for p in pointers(text)):
        return "end"
    return ""
