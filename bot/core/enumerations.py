"""The lists a document makes itself: numbered parts, "一是…二是…", a law article's (一)(二)….

Why: asked which aspects the creation work must keep to, a member wants the speech's four 坚持,
each with its place, not the one sentence of the best passage. The items are found in the text's
own markers (never guessed from content), in document order, possibly across several passages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from corpus.model import Passage
from index.structure import chinese_number
from index.tokens import content_terms

NUMERALS = "一二三四五六七八九十"
_HEADING = re.compile(rf"^([{NUMERALS}]{{1,2}})、")
_INLINE = re.compile(rf"(?<![{NUMERALS}第])([{NUMERALS}]{{1,2}})是")
_ARTICLE_ITEM = re.compile(rf"^（([{NUMERALS}]{{1,3}})）", re.M)
_CHAPTER = re.compile(rf"^第([{NUMERALS}]{{1,3}})章\s*([^›]*?)\s*(?:›|$)")
_CLAUSE_END = re.compile(r"[,，;；。！？!?:：\n]")
_LINE_END = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[。！？!?\n]")


@dataclass(frozen=True)
class Item:
    passage: Passage
    text: str  # verbatim span of passage.text


@dataclass(frozen=True)
class Enumeration:
    kind: str  # "parts" (一、二、 headings), "inline" (一是…), "article" ((一)(二) of an article),
    # "chapters" (a law's 第一章…: the item is the chapter's heading, from the section, not the text)
    items: tuple[Item, ...]
    lead: str  # the text just before the first item: what is being listed

    @property
    def passages(self) -> list[Passage]:
        seen: dict[str, Passage] = {}
        for item in self.items:
            seen.setdefault(item.passage.passage_id, item.passage)
        return list(seen.values())

    def words(self) -> str:
        return self.lead + "".join(item.text for item in self.items)


def numeral_value(numeral: str) -> int:
    """一 → 1 … 二十三 → 23 (index.structure.chinese_number); 0 when it is not a number."""
    return chinese_number(numeral) or 0


def find_enumerations(passages: list[Passage]) -> list[Enumeration]:
    """Every enumeration of two or more consecutively numbered items in these documents."""
    by_doc: dict[str, list[Passage]] = defaultdict(list)
    for p in passages:
        by_doc[p.doc_id].append(p)
    found: list[Enumeration] = []
    for doc in by_doc.values():
        doc.sort(key=lambda p: p.start)
        found += _runs("parts", _heading_items(doc))
        found += _runs("chapters", _chapter_items(doc))
        found += _runs("inline", _marked_items(doc, _INLINE, _CLAUSE_END))
        for p in doc:
            found += _runs("article", _marked_items([p], _ARTICLE_ITEM, _LINE_END))
    return found


def _heading_items(doc: list[Passage]) -> list[tuple[int, Item, str]]:
    """The first passage of each numbered part, its heading as the item."""
    out: list[tuple[int, Item, str]] = []
    for p in doc:
        match = _HEADING.match(p.text)
        if match and p.section.startswith(match.group(0)):
            end = _SENTENCE_END.search(p.text)
            text = p.text[: end.end() if end else len(p.text)].strip()
            out.append((numeral_value(match.group(1)), Item(p, text), ""))
    return out


def _chapter_items(doc: list[Passage]) -> list[tuple[int, Item, str]]:
    """The first passage of each chapter (第N章 in its section), the chapter's heading as the item."""
    out: list[tuple[int, Item, str]] = []
    for p in doc:
        match = _CHAPTER.match(p.section)
        if match and (not out or out[-1][1].text != match.group(0).rstrip(" ›")):
            out.append((numeral_value(match.group(1)), Item(p, match.group(0).rstrip(" ›")), ""))
    return out


def _marked_items(doc: list[Passage], marker: re.Pattern[str], end: re.Pattern[str]) -> list[tuple[int, Item, str]]:
    """Items opened by a marker, each running to the end of its clause (or line)."""
    out: list[tuple[int, Item, str]] = []
    for p in doc:
        for match in marker.finditer(p.text):
            stop = end.search(p.text, match.end())
            text = p.text[match.start() : stop.start() if stop else len(p.text)].strip()
            out.append((numeral_value(match.group(1)), Item(p, text), _lead(p.text, match.start())))
    return out


def _lead(text: str, at: int) -> str:
    """The sentence (or line) that introduces an item list: "第五条 下列场所…应当每日升挂国旗："."""
    before = text[:at].rstrip("\n")
    ends = [m.end() for m in _SENTENCE_END.finditer(before)]
    return before[ends[-1] if ends else 0 :].strip()


def _runs(kind: str, numbered: list[tuple[int, Item, str]]) -> list[Enumeration]:
    """Split a sequence of numbered items into runs 1, 2, 3 … (a new 1 starts a new list)."""
    runs: list[Enumeration] = []
    current: list[Item] = []
    lead = ""
    for number, item, item_lead in numbered:
        if number == len(current) + 1:
            current.append(item)
            lead = item_lead if number == 1 else lead
            continue
        if len(current) >= 2:
            runs.append(Enumeration(kind, tuple(current), lead))
        current, lead = ([item], item_lead) if number == 1 else ([], "")
    if len(current) >= 2:
        runs.append(Enumeration(kind, tuple(current), lead))
    return runs


# "Which aspects / how many parts": the question wants the whole list. "哪些" alone is weaker:
# it often asks for the few things one sentence lists ("又冒出了哪些新问题？").
_ASKS_PARTS = re.compile(
    r"哪几|几(?:个)?(?:方面|部分|点|项|类|种|章|个坚持)|分为|分成|包括哪|包含哪|what are the|which (?:parts|aspects)",
    re.I,
)
_ASKS_SOME = re.compile(r"哪些|有什么|包括什么|有哪|都是什么")
_COUNT = re.compile(rf"([{NUMERALS}]{{1,2}}|\d+)(?:个|项|条|点|类|种)?(?:方面|部分|坚持|原因|问题|要求|措施|原则)")
LIST_CANDIDATE_HITS = 5  # an enumeration competes when one of its items is in this many best hits


def asks_for_parts(question: str) -> bool:
    return bool(_ASKS_PARTS.search(question))


# "提出了哪些要求？" about a whole speech: its numbered parts are what it asks of its audience
# (the speech's four "要坚持…" parts). A question that names a narrower topic ("对宣传部提出了哪些要求",
# "对标对表哪些部署") wants the sentence about that topic instead: besides the asking words, a
# question may hold only words naming the speech, its audience or its whole subject.
_ASKS_DIRECTIVES = re.compile(r"(?:哪些|哪几[点条项个]?|什么样的|几点|几条)(?:方面的?)?(?:要求|部署|任务|举措|措施)")
_WHOLE_SPEECH_WORDS = re.compile(
    r"讲话|书记|会议|会上|这次|本次|此次|中心组|学习|大家|我们|同志们|党员|领导干部|干部|全县|我县|"
    r"创建工作|创建|工作|示范县|民族团结进步|提出|提了|作了|作出|部署|安排"
)


def asks_for_directives(question: str) -> bool:
    """Asks what a whole speech requires ("书记在讲话中提出了哪些要求？"), naming no narrower topic."""
    match = _ASKS_DIRECTIVES.search(question)
    if not match:
        return False
    rest = _WHOLE_SPEECH_WORDS.sub(" ", question[: match.start()] + " " + question[match.end() :])
    return not content_terms(rest)


def stated_count(question: str) -> int | None:
    """The number of items a question names ("四个坚持", "五方面问题"), if it names one."""
    match = _COUNT.search(question)
    if not match:
        return None
    number = match.group(1)
    return numeral_value(number)


_CJK_PAIR = re.compile(r"(?=([\u4e00-\u9fff]{2}))")


def names_every_item(question: str, enumeration: Enumeration) -> bool:
    """The question uses a word that every item of the list repeats ("坚持" in 一、要坚持… 四、要坚持…).

    Why: asked "要坚持哪几个方面", the parts' own passages may rank below passages that merely
    mention the creation work; the term the list repeats in each heading is what ties it to the question.
    """
    pairs = {m.group(1) for m in _CJK_PAIR.finditer(question)}
    return any(all(pair in item.text for item in enumeration.items) for pair in pairs)


def best_enumeration(
    question: str, hit_passages: list[Passage], enumerations: list[Enumeration], overlap
) -> Enumeration | None:
    """The document's own list that answers a question about the parts of something, if any.

    `overlap(question, text)` says how much of the question's wording a text holds (0–1). A list
    is chosen when the question asks for parts (or for "哪些" and two of the list's passages are
    among the best hits), the number it names — if any — is the list's length, and the list's
    wording or passages tie it to the question better than any other list.
    """
    count = stated_count(question)
    some_asked, weak = asks_for_parts(question), bool(_ASKS_SOME.search(question))
    if not (some_asked or weak or count):
        return None
    ranks = {p.passage_id: r for r, p in enumerate(hit_passages[:LIST_CANDIDATE_HITS])}
    scored: list[tuple[float, Enumeration]] = []
    for enumeration in enumerations:
        if enumeration.kind == "chapters":
            continue  # a law's chapters answer a question about the law's parts (part_questions)
        # "四个坚持是什么": the list's own count and the word each of its items repeats name it.
        named = count == len(enumeration.items) and names_every_item(question, enumeration)
        strong = some_asked or named
        if not (strong or weak):
            continue
        in_hits = [ranks[p.passage_id] for p in enumeration.passages if p.passage_id in ranks]
        if not in_hits and strong and enumeration.kind == "parts" and names_every_item(question, enumeration):
            in_hits = [LIST_CANDIDATE_HITS]  # named by its own term, though no part ranked high
        if not in_hits or (count is not None and count != len(enumeration.items)):
            continue
        # An article's list must be the best passage ("民族自治地方分为哪几种？" must not list the
        # Constitution's divisions from the second hit); a document's parts span several passages.
        if enumeration.kind == "article" and min(in_hits) > 0:
            continue
        spread = len(in_hits) >= 2 or enumeration.kind == "article"
        if not strong and not (spread and min(in_hits) == 0):
            continue
        words = overlap(question, enumeration.words())
        if words <= 0.0 and not named:  # "四个坚持" may be one word to the tokenizer
            continue
        scored.append((words + 0.5 * len(in_hits) / len(enumeration.passages) - 0.1 * min(in_hits), enumeration))
    return max(scored, key=lambda pair: pair[0])[1] if scored else None
