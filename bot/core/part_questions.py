"""Questions about a document's own parts: all of them, or the N-th one.

Why: asked "讲话分几个部分？" a member wants the speech's numbered parts, though none of the
question's words is in them (so no passage ranks for it); asked "第二部分主要针对哪些问题" or "出
问题的第三个原因是什么", the answer is the heading or item the document itself numbers so ("二、…",
"三是…"), not the sentence closest in wording. The document is the one the question names (讲话,
书记, a law's title — read by index.query_plan), or for an ordinal item, one of the best hits.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.enumerations import (
    Enumeration,
    Item,
    asks_for_directives,
    asks_for_parts,
    names_every_item,
    stated_count,
)
from corpus.model import Passage
from index.hybrid import passage_sentences
from index.query_plan import CLOSING_WORDS, LIST_UNITS, OPENING_WORDS, pointers, words_pattern
from index.tokens import content_terms, held_weight, normalize


def ordinals(question: str) -> list[tuple[str, int]]:
    """Every (unit, number) the question points at, in its order; -1 is the last item.

    Only items of a list ("第二部分", "第三个", "第2点", "最后一个"): 条/章/节 name a law's articles
    and chapters, which retrieval finds by their own headings.
    """
    return [(p.unit, p.number) for p in pointers(question, LIST_UNITS)]


def document_parts(enumerations: list[Enumeration], doc_ids: set[str]) -> Enumeration | None:
    """The numbered parts (一、二、… headings) or else the chapters of the one document named."""
    if len(doc_ids) != 1:
        return None
    for kind in ("parts", "chapters"):
        found = [e for e in enumerations if e.kind == kind and e.items[0].passage.doc_id in doc_ids]
        if found:
            return max(found, key=lambda e: len(e.items))
    return None


def part_answer(
    question: str,
    named_docs: set[str],
    hits: list[Passage],
    enumerations: list[Enumeration],
    overlap: Callable[[str, str], float],
) -> Enumeration | None:
    """The whole list or the items pointed at, as an enumeration to be cited item by item.

    - asks for the parts and names one document that has numbered parts → all of them;
    - points at items (第二部分, 第三个, 最后一个) → those items of the list that the question's
      words tie to best, among the named document's lists and the lists of the best hits
      (a part number needs the document's parts).
    None when nothing fits; the caller then answers as usual. A list with no items means the
    question points past the end of the named document's parts ("第五部分" of four): no answer.
    """
    parts = document_parts(enumerations, named_docs or {p.doc_id for p in hits[:1]})
    if parts is not None and named_docs and asks_for_parts(question):
        return parts
    if parts is not None and parts.kind == "parts" and named_docs and asks_for_directives(question):
        return parts
    pointed = ordinals(question)
    if not pointed:
        return None
    if any(unit == "部分" for unit, _ in pointed):
        chosen = parts
    else:
        chosen = _best_list(question, named_docs | {p.passage_id for p in hits}, enumerations, overlap)
    if chosen is None:
        return None
    size = len(chosen.items)
    wanted = [size - 1 if n == -1 else n - 1 for _, n in pointed]
    if any(not 0 <= i < size for i in wanted):
        past_parts = chosen is parts and bool(named_docs) and max(wanted) >= size
        return Enumeration(chosen.kind, (), "") if past_parts else None
    items = tuple(chosen.items[i] for i in sorted(set(wanted)))
    return Enumeration(chosen.kind, items, "")


def _best_list(
    question: str, places: set[str], enumerations: list[Enumeration], overlap: Callable[[str, str], float]
) -> Enumeration | None:
    """The list whose words the question shares most, in a named document or a best hit (`places`: their ids)."""
    scored = []
    for enumeration in enumerations:
        in_named = enumeration.items[0].passage.doc_id in places
        in_hits = any(p.passage_id in places for p in enumeration.passages)
        if not (in_named or in_hits):
            continue
        if enumeration.kind == "parts" and not _counts_parts(question, enumeration):
            continue
        score = overlap(question, enumeration.words()) + (1.0 if names_every_item(question, enumeration) else 0.0)
        if score > 0.0:
            scored.append((score + (0.1 if in_hits else 0.0), enumeration))
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _counts_parts(question: str, parts: Enumeration) -> bool:
    """"第二个原因" counts causes, not the speech's parts; "四个坚持…第一个" and "第一个坚持" count parts.

    The parts are pointed at with 个 when the question states their number or the word after
    the ordinal is one every heading repeats.
    """
    if stated_count(_QUOTES.sub("", question)) == len(parts.items):
        return True
    first = pointers(question, LIST_UNITS)[:1]
    counted = question[first[0].end : first[0].end + 2] if first else ""
    return len(counted) == 2 and all(counted in item.text for item in parts.items)


_QUOTES = re.compile(r"[“”\"'‘’「」]")

# Words that ask what a part is about ("第二部分主要针对哪些问题", "最后一部分讲了什么"): the
# heading answers those. Any other word of the question that the part's body holds asks inside it.
_ABOUT_A_PART = frozenset("讲话 书记 讲 讲了 主要 针对 内容 标题 主题 问题 关于 围绕 谈 说 分别 部分 最后".split())
# Inside a part pointed at, 开始 and 首先 can only mean its opening ("第二部分首先讲了…"), and
# its close is 最后一句 / 最后一段 (最后 alone points at the last part).
_OPENING = words_pattern((*OPENING_WORDS, "开始", "首先"))
_CLOSING = words_pattern((*CLOSING_WORDS, "最后一句", "最后一段"))


def part_details(question: str, pointed: Enumeration, passages: list[Passage]) -> list[tuple[Item, Passage, str]]:
    """For a question asking *inside* the pointed parts, each part's sentence that answers it.

    Why: "第四部分开头引用了哪句话来讲团结？" or "第二部分的标识设计…" ask for a sentence of the
    part, not its heading. Each pointed part is read with the words between its pointer and the
    next one; the part's sentence holding most of them (IDF-weighted; the earliest on a tie) is
    its answer; a question about the part's opening (开头, 一开始) reads the part's first passage
    only, one about its close (结尾, 收尾) the last passage, taking the last sentence on a tie. Empty when the question asks about the parts themselves.
    """
    if pointed.kind != "parts":
        return []
    spans = [(p.start, p.end) for p in pointers(question, LIST_UNITS)]
    rest = question
    for start, end in reversed(spans):
        rest = rest[:start] + " " + rest[end:]
    # Each pointer's own words run to the next pointer ("第二部分的标识设计和第三部分的创建品牌").
    segments = [question[end : next_start] for (_, end), (next_start, _) in zip(spans, [*spans[1:], (len(question), 0)])]
    if len(segments) != len(pointed.items):
        segments = [rest] * len(pointed.items)
    closing, opening = bool(_CLOSING.search(question)), bool(_OPENING.search(question))
    terms = [t for t in content_terms(rest) if t not in _ABOUT_A_PART]
    found = []
    for item, segment in zip(pointed.items, segments):
        body = sorted(
            (p for p in passages if p.doc_id == item.passage.doc_id and p.section == item.passage.section),
            key=lambda p: p.start,
        )
        if closing or opening:  # asks how the part opens or closes: inside it, whatever the words
            body = body[-1:] if closing else body[:1]
        heading, text = normalize(item.text), normalize("".join(p.text for p in body))
        asked = [t for t in terms if t not in heading]
        if not (closing or opening or any(t in text for t in asked)):
            return []
        found.append(_best_sentence(segment if content_terms(segment) else rest, item, body, closing))
    return found


def _best_sentence(words: str, item: Item, body: list[Passage], latest: bool) -> tuple[Item, Passage, str]:
    """The body sentence (not the heading) holding most of `words`, IDF-weighted.

    On a tie the earliest, or with `latest` (a question about how the part ends) the last.
    """
    terms = content_terms(words)
    best: tuple[float, Passage, str] = (-1.0, item.passage, item.text)
    for passage in body:
        for sentence in passage_sentences(passage):
            if sentence in item.text or item.text in sentence:
                continue
            held = held_weight(terms, normalize(sentence))
            if held > best[0] or (latest and held == best[0]):
                best = (held, passage, sentence)
    return item, best[1], best[2]
