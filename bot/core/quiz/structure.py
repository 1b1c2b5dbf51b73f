"""Structure items: what a study group is examined on, read from the document's own headings.

The speech's numbered parts ("一、要坚持高位推动，切实解决行动迟缓、工作连续性差的问题。") give
the principle of each part and the problems it solves; a law's chapters give where a rule
stands. Every answer is a heading (or a piece of one) of the cited passages, and every
distractor is a sibling at the same level: another principle, another part's problem,
another chapter of the same law.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from bot.core.quiz.items import CHOICE, JUDGE, MULTI, TRUE_FALSE, QuizItem, cited_fields, item_id
from corpus.model import Passage

_PART = re.compile(r"^([一二三四五六七八九十])、要坚持(.+?)[,，]切实解决(.+?)的问题")
_CHAPTER = re.compile(r"^第([一二三四五六七八九十]+)章\s*(\S.*)$")
ARTICLE_LABEL = re.compile(r"^第[一二三四五六七八九十百零〇]+条\s*")  # "第十五条 " opening an article
STRUCTURE = "structure"
PER_FORM = 2  # items one list of parts gives in one form of question (27 of 49 were on the 坚持)
ORDINALS = 1  # "第二项是要坚持____": three such items were rated near-duplicates (seed 5)


@dataclass(frozen=True)
class Part:
    number: str  # 一, 二 …
    principle: str  # 高位推动
    problems: tuple[str, ...]  # 行动迟缓, 工作连续性差
    passage: Passage  # the passage that opens the part (its heading is in its text)

    @property
    def problem_text(self) -> str:
        return "、".join(self.problems)


def short_title(title: str) -> str:
    """How a document is named inside a question."""
    if "讲话" in title:
        return "县委中心组学习会议讲话"
    return title.removeprefix("中华人民共和国")


def _cited(text: str, passage: Passage) -> str:
    """An explanation that names its source, short enough for a Telegram quiz (200 characters)."""
    where = f"（《{short_title(passage.doc_title)}》{passage.location}）"
    return text[: 150 - len(where)] + where


def speech_parts(passages: list[Passage]) -> list[Part]:
    """The parts of a document whose headings read "N、要坚持X，切实解决Y的问题"."""
    parts: dict[str, Part] = {}
    for p in passages:
        m = _PART.match(p.heading or "")
        if m and m.group(1) not in parts and p.heading in p.text:
            parts[m.group(1)] = Part(m.group(1), m.group(2), tuple(m.group(3).split("、")), p)
    return list(parts.values())


def structure_items(
    passages: list[Passage], rng: random.Random, outsiders: list[tuple[str, Passage]]
) -> list[QuizItem]:
    """Items on every document's numbered parts and chapters.

    `outsiders` are phrases of the same form from the same material that are *not* a part's
    principle (统筹兼顾): the odd one out in "which is not one of the four".
    """
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    items: list[QuizItem] = []
    for doc_passages in by_doc.values():
        parts = speech_parts(doc_passages)
        if len(parts) >= 3:
            items += _part_items(parts, rng, outsiders)
        items += _chapter_items(doc_passages, rng)
    return items


def make_item(kind: str, question: str, answer: str, options: list[str], right: list[int], cited: list[Passage], explanation: str) -> QuizItem:  # fmt: skip
    first = cited[0]
    explanation = _cited(explanation, first)
    return QuizItem(
        item_id=item_id(kind, question, answer),
        kind=kind,
        question=question,
        answer=answer,
        options=options,
        correct=right[0] if kind != MULTI else -1,
        correct_set=sorted(right) if kind == MULTI else [],
        explanation=explanation,
        **cited_fields(first),
        topic=STRUCTURE,
        passage_ids=list(dict.fromkeys(p.passage_id for p in cited)),
    )


def shuffled(right: list[str], wrong: list[str], rng: random.Random) -> tuple[list[str], list[int]]:
    options = right + wrong
    rng.shuffle(options)
    return options, sorted(options.index(r) for r in right)


def asked(parts: list, form: int) -> list:
    """The PER_FORM parts (or principles) one form of question asks, taking turns across forms so
    that every part is asked in some form: form 0 asks parts 1 and 3, form 1 parts 2 and 4 …"""
    n = len(parts)
    picked = dict.fromkeys((form + j * max(1, n // PER_FORM)) % n for j in range(min(PER_FORM, n)))
    return [parts[k] for k in picked]


MAPPING_FORMS = ("problems", "multi", "heading", "judge")  # heading: 一、要坚持____ (generate.py)


def mapping_form(index: int) -> str:
    """The one form in which the index-th part's principle↔problems pairing is asked."""
    return MAPPING_FORMS[index % len(MAPPING_FORMS)]


def _why(part: Part) -> str:
    return f"讲话第{part.number}部分的标题：“要坚持{part.principle}，切实解决{part.problem_text}的问题”"


def _part_items(
    parts: list[Part], rng: random.Random, outsiders: list[tuple[str, Passage]]
) -> list[QuizItem]:
    lead = "县委中心组学习会议讲话"
    n = len(parts)
    principles = [p.principle for p in parts]
    every = [p.passage for p in parts]
    plan = "；".join(f"{p.number}、要坚持{p.principle}，切实解决{p.problem_text}的问题" for p in parts)
    summary = f"讲话的{n}项部署：{plan}"[:150]
    items: list[QuizItem] = []
    for k, part in enumerate(parts):  # a part's heading pairs one principle with its problems:
        why, form = _why(part), mapping_form(k)  # asked once, a second form would give it away
        if form == "problems":
            options, right = shuffled(
                [part.problem_text], [p.problem_text for p in parts if p is not part], rng
            )
            items.append(make_item(CHOICE, f"{lead}提出“要坚持{part.principle}”，是为了切实解决哪方面的问题？",
                                   part.problem_text, options, right, [part.passage], why))  # fmt: skip
        elif form == "multi" and len(part.problems) >= 2:
            wrong = [q for p in parts if p is not part for q in p.problems if q not in part.problems]
            rng.shuffle(wrong)
            options, right = shuffled(list(part.problems), wrong[: 5 - len(part.problems)], rng)
            items.append(make_item(MULTI, f"{lead}提出“要坚持{part.principle}”，要切实解决下列哪些问题？（多选）",
                                   part.problem_text, options, right, [part.passage], why))  # fmt: skip
        elif form == "judge":  # with another part's problems: a true one would show the pairing
            shown = rng.choice([p for p in parts if p is not part])
            statement = (
                f"判断：{lead}提出“要坚持{part.principle}”，是为了切实解决“{shown.problem_text}”的问题。"
            )
            items.append(make_item(JUDGE, statement, part.principle, list(TRUE_FALSE), [1],
                                   [part.passage, shown.passage], why))  # fmt: skip
    for part in [p for k, p in enumerate(parts) if mapping_form(k) != "heading"][1:][:ORDINALS]:
        options, right = shuffled([part.principle], [p for p in principles if p != part.principle], rng)
        items.append(make_item(CHOICE, f"{lead}对创建工作作了{n}项部署，其中第{part.number}项是“要坚持____”。",
                               part.principle, options, right, [part.passage], _why(part)))  # fmt: skip
    doc = parts[0].passage.doc_id
    usable = [(o, p) for o, p in outsiders if o not in principles and p.doc_id == doc]
    for i, part in enumerate(parts[:PER_FORM]):
        if i >= len(usable):
            break
        outsider, where = usable[i]
        options, right = shuffled([outsider], [p for p in principles if p != part.principle][:3], rng)
        why = f"{summary[:110]}……“{outsider}”见{where.location}，不是{n}个“坚持”之一。"
        items.append(make_item(CHOICE, f"下列哪一项不是{lead}提出的{n}个“坚持”之一？",
                           outsider, options, right, [*every, where], why))  # fmt: skip
    # not also "which are the four" (多选) over the same list: the same question reversed (seed 5)
    order = "→".join(principles)
    wrong_orders: list[str] = []
    while len(wrong_orders) < 3:
        reordered = principles[:]
        rng.shuffle(reordered)
        candidate = "→".join(reordered)
        if candidate != order and candidate not in wrong_orders:
            wrong_orders.append(candidate)
    options, right = shuffled([order], wrong_orders, rng)
    items.append(
        make_item(
            CHOICE, f"{lead}依次部署的{n}个“要坚持”，顺序正确的是？", order, options, right, every, summary
        )
    )
    return items


def _chapter_items(passages: list[Passage], rng: random.Random) -> list[QuizItem]:
    """Which chapter an article stands in; the other chapters of the law are the distractors."""
    chapters: dict[str, list[Passage]] = {}
    for p in passages:
        m = _CHAPTER.match(p.heading or "")
        title = re.sub(r"\s+", "", m.group(2).split("›")[0]) if m else ""
        if m and ARTICLE_LABEL.match(p.text) and title not in ("附则", "总则") and title[-1] not in "、，,；":
            chapters.setdefault(title, []).append(p)
    titles = [t for t in chapters if t != "总则"]
    titles = [
        t for t in titles if not any(t != u and (t in u or u in t) for u in titles)
    ]  # 宗教活动/宗教活动场所
    if len(titles) < 4:
        return []
    name = passages[0].doc_title.removeprefix("中华人民共和国")
    items: list[QuizItem] = []
    for title in titles:
        article = _defining_article(chapters[title])
        if article is None:
            continue
        rule = ARTICLE_LABEL.sub("", article.text).split("\n")[0]
        rule = re.split(r"[。；]", rule)[0]
        wrong = [t for t in titles if t != title]
        rng.shuffle(wrong)
        options, right = shuffled([title], wrong[:3], rng)
        question = f"《{name}》中，“{rule}”这一规定属于哪一章？"
        why = f"这一规定在《{name}》{article.location}，该章章名为“{title}”。"
        items.append(make_item(CHOICE, question, title, options, right, [article], why))
    return items


def _defining_article(articles: list[Passage]) -> Passage | None:
    """The chapter's article whose first sentence names the chapter's subject best."""
    best: tuple[int, str, Passage] | None = None
    title = articles[0].heading.split("›")[0]
    for a in articles:
        first = re.split(r"[。；]", ARTICLE_LABEL.sub("", a.text).split("\n")[0])[0]
        if not 12 <= len(first) <= 60 or "*" in first or re.search(r"前款|前条|前两款|本条|第.+条", first):
            continue
        overlap = len(set(first) & set(title))
        if best is None or (overlap, a.passage_id) > best[:2]:
            best = (overlap, a.passage_id, a)
    return best[2] if best else None
