"""Items on what the speech says besides its four headings, read from its own enumerations.

Why: a bank built on the four 坚持 alone asks one list in many forms; a study group is also
examined on the speech's diagnosis (一是我们的观念问题……四是我们理念的问题), on where each of its
quoted formulations stands (“天花板”级别的要求 under 高位推动, “一盘棋” under 系统思维, from
“突击型” to “长效型” under 合力攻坚), and on which problems were named at last year's meeting
against those newly exposed. Every answer is the material's own wording, and every wrong option
is a sibling from the same enumeration, so options are of one kind by construction.
"""

from __future__ import annotations

import random
import re

from bot.core.quiz.distract import mixed_kinds
from bot.core.quiz.items import CHOICE, FILL, JUDGE, TRUE_FALSE, QuizItem
from bot.core.quiz.key_phrase import KeyPhrase
from bot.core.quiz.narrowing import illustrative
from bot.core.quiz.phrases import quiz_sentences
from bot.core.quiz.structure import Part, asked, make_item, shuffled, speech_parts
from bot.core.quiz.worth import NUMBERED_FORMULA, SPEECH_WORD
from corpus.model import Passage

LEAD = "县委中心组学习会议讲话"
_CAUSE = re.compile(r"([一二三四五六七八九十])是我们(?:的)?([\u4e00-\u9fff]{1,10}?)的?问题")
_PROBLEM_LIST = re.compile(r"([^,，。；;:：“”]+?)等(?:[\d一二三四五六七八九十]+个方面的)?问题")
_CLAUSE_END = re.compile(r"[,，;；。！？!?]")
QUOTE_MIN = 3  # “天花板”, “一盘棋”, “突击型”
# What a part's body says in its own forms: quotations (“两张皮”), lists (经济、政治、文化、社会、
# 生态), parallel clauses (团结才能胜利，奋斗才会成功); each sentence is asked once anyway.
PLACED = ("quote", "enumeration", "formulation")
PLACED_PER_PART = 8  # generated; one item per sentence keeps fewer, and the bank PLACED_KEPT
PLACED_KEPT = 2  # per part in the bank (the second a quotation too): seed 7 drew 9 in 60, 5 on 系统思维
PLACEMENT = "出自哪一项“要坚持”的部署"
CAUSES_PER_FORM = 1  # the four causes: one fill-in or choice and one 判断 (seed 7: three items on them)
CLAUSE_MIN = 12  # a clause shorter than this gets the clause before it as context


_MAXIM = re.compile(r"才能|才会")  # X才能Y: a saying of cause and effect, true of any part


def sentence_key(passage: Passage, sentence: str) -> str:
    """The key under which the generator counts items per sentence (as key_phrases cuts them)."""
    return passage.passage_id + sentence


def outline_items(
    passages: list[Passage], phrases: list[KeyPhrase], rng: random.Random
) -> list[tuple[QuizItem, str]]:
    """The speech's causes and its quoted formulations' parts, each with its sentence key."""
    speech = [p for p in passages if SPEECH_WORD in p.doc_title]
    parts = speech_parts(speech)
    if len(parts) < 3:
        return []
    return _cause_items(speech, rng) + _which_part_items(parts, phrases, rng)


def problem_lists(passages: list[Passage]) -> list[tuple[Passage, str, list[str], int]]:
    """The speech's lists of problems (……连续性和精准性差、融合度和辨识度低、凝聚力弱等5个方面的
    问题), each as (passage, sentence, items, offset of the first item in the sentence).

    The first item is cut to the length of the second: the clause before it runs into it
    (我就指出了我县存在的连续性和精准性差 → 连续性和精准性差)."""
    found = []
    for p in passages:
        if SPEECH_WORD not in p.doc_title:
            continue
        for sentence in quiz_sentences(p):
            for m in _PROBLEM_LIST.finditer(sentence):
                listed = m.group(1).split("、")
                if len(listed) < 3 or len({len(x) for x in listed[1:]}) > 2:
                    continue
                listed[0] = listed[0][-len(listed[1]) :]
                found.append((p, sentence, listed, m.end(1) - len("、".join(listed))))
    return found


def _cause_items(speech: list[Passage], rng: random.Random) -> list[tuple[QuizItem, str]]:
    """一是我们的观念问题 … 四是我们理念的问题: which cause is the n-th (choice among the causes of
    a like length), and 判断 on a cause with its own or another's number."""
    causes: list[tuple[str, str, Passage, str, str]] = []  # number, cause, passage, sentence, clause
    for p in speech:
        for sentence in quiz_sentences(p):
            for m in _CAUSE.finditer(sentence):
                if m.group(1) not in {c[0] for c in causes}:
                    causes.append((m.group(1), m.group(2), p, sentence, m.group(0)))
    if len(causes) < 3:
        return []
    intro = f"{LEAD}分析创建工作中这些问题出现的原因"
    items: list[tuple[QuizItem, str]] = []
    for _number, cause, passage, sentence, clause in asked(causes, 0)[:CAUSES_PER_FORM]:
        others = [c[1] for c in causes if c[1] != cause and not mixed_kinds([cause, c[1]])]
        # The speech's own wording in quotation marks (一是我们的观念问题, 四是我们理念的问题).
        stem = f"{intro}，“{_with_cause(clause, cause, '____')}”"
        why = f"原文：“{clause}”"
        if len(others) >= 3:
            options, right = shuffled([cause], others[:3], rng)
            made = make_item(CHOICE, f"{stem}，空格处是？", cause, options, right, [passage], why)
        else:  # seed 7: 观念 among only 理念 and 眼界 — three options; the fill-in asks the same
            made = make_item(FILL, f"{stem}。", cause, [], [-1], [passage], why)
        items.append((made, sentence_key(passage, sentence)))
    for k, (_number, cause, passage, sentence, clause) in enumerate(asked(causes, 1)[:CAUSES_PER_FORM]):
        # never a near-synonym swapped in (四是我们观念的问题 for 理念): hair-splitting, not content
        other = next((c for c in causes if c[1] != cause and not set(c[1]) & set(cause)), None)
        shown = cause if k % 2 == 0 or other is None else other[1]
        statement = f"判断：{intro}，指出“{_with_cause(clause, cause, shown)}”。"
        cited = [passage] + ([] if shown == cause or other is None else [other[2]])
        why = f"原文：“{clause}”"
        made = make_item(JUDGE, statement, cause, list(TRUE_FALSE), [0 if shown == cause else 1], cited, why)
        items.append((made, sentence_key(passage, sentence)))
    return items


def _with_cause(clause: str, cause: str, shown: str) -> str:
    """The clause (一是我们的观念问题) with its cause replaced, the number and wording kept."""
    number_and_we = clause.index("我们") + len("我们")
    return clause[:number_and_we] + clause[number_and_we:].replace(cause, shown, 1)


def _which_part_items(
    parts: list[Part], phrases: list[KeyPhrase], rng: random.Random
) -> list[tuple[QuizItem, str]]:
    """“要以‘天花板’级别的要求来抓创建”出自哪一项“要坚持”的部署: the part whose heading stands
    over the quoted formulation. The clause must not name a principle itself."""
    by_heading = {p.passage.heading: p for p in parts}
    principles = [p.principle for p in parts]
    items: list[tuple[QuizItem, str]] = []
    seen: set[str] = set()
    per_part: dict[str, int] = {}
    for phrase in phrases:
        part = by_heading.get(phrase.passage.heading)
        if part is None or phrase.topic not in PLACED or NUMBERED_FORMULA.match(phrase.text):
            continue
        if len(phrase.text) < QUOTE_MIN or illustrative(phrase):
            continue  # 拖“后腿”: a figure of speech, not a formulation to place
        if per_part.get(part.number, 0) >= PLACED_PER_PART:
            continue  # a part's quotations, not the same four options again and again
        clause = _clause(phrase).replace("*", "××")
        if clause in seen or any(p in clause for p in principles):
            continue
        if _MAXIM.search(clause) or len(set(clause) & set(part.principle)) >= 2:
            continue  # seed 6: 团结才能胜利 is a stock maxim; 定位高 gives 高位推动 away by its 高, 位
        seen.add(clause)
        per_part[part.number] = per_part.get(part.number, 0) + 1
        shown = clause.replace("“", "‘").replace("”", "’")
        options, right = shuffled([part.principle], [p for p in principles if p != part.principle], rng)
        question = f"{LEAD}中“{shown}”这句话，{PLACEMENT}？"
        why = f"原文见讲话第{part.number}部分“要坚持{part.principle}”：“{clause}”"
        made = make_item(
            CHOICE, question, part.principle, options, right, [phrase.passage, part.passage], why
        )
        items.append((made, sentence_key(phrase.passage, phrase.sentence)))
    return items


def few_placements(items: list[QuizItem]) -> list[QuizItem]:
    """At most PLACED_KEPT "which 要坚持" placements per part, the speech's own quoted coinages
    first (“两张皮”, “突击型”→“长效型”: only a reader knows where they stand), then the worthier;
    a plain clause only for a part that coins nothing. A plain clause of a part tends to restate
    its heading (团结一致，心往一处想 → 合力攻坚), and the same four options again and again make a
    session repetitive (seed 7: 9 placements in 60 items, 5 on 系统思维). Order is kept."""
    placed = [i for i in items if i.kind == CHOICE and PLACEMENT in i.question]
    ranked = sorted(placed, key=lambda i: (not _coined(i), -i.worth, i.item_id))
    kept: dict[str, list[QuizItem]] = {}
    for item in ranked:
        part = kept.setdefault(item.answer, [])
        if len(part) < PLACED_KEPT and (not part or _coined(item)):
            part.append(item)
    keep = {i.item_id for part in kept.values() for i in part}
    dropped = {i.item_id for i in placed} - keep
    return [i for i in items if i.item_id not in dropped]


def _coined(item: QuizItem) -> bool:
    """The placed clause holds a quotation of the speech's own (shown in ‘…’)."""
    return "‘" in item.question


def _clause(phrase: KeyPhrase) -> str:
    """The clause around a quoted phrase, with the clause before it when it is short."""
    s = phrase.sentence
    ends = [m.start() for m in _CLAUSE_END.finditer(s)]
    start = max([e + 1 for e in ends if e < phrase.start], default=0)
    end = min([e for e in ends if e >= phrase.start + len(phrase.text)], default=len(s))
    while end - start < CLAUSE_MIN and start > 0:
        start = max([e + 1 for e in ends if e < start - 1], default=0)
    return s[start:end].strip()
