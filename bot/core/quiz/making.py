"""Items made from one key phrase: its stem, and the item of each kind (填空, 单选, 判断, 多选).

Why a module of its own: the generator (generate.py) decides *which* phrases are asked and how
many per sentence; this module decides *how* one phrase becomes a correct item — the answer
verbatim, distractors of the answer's own kind, a 判断 swap of a same-kind sibling.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from typing import Any

from bot.core.quiz.distract import Pools, distractors, mixed_kinds
from bot.core.quiz.items import (
    BLANK,
    CHOICE,
    FILL,
    JUDGE,
    MULTI,
    TRUE_FALSE,
    QuizItem,
    cited_fields,
    fold,
    item_id,
)
from bot.core.quiz.phrases import KeyPhrase
from bot.core.quiz.structure import ARTICLE_LABEL, short_title

STEM_MAX = 72  # characters of context kept around the blank
EXPLANATION_MAX = 150  # Telegram allows 200 for a quiz explanation; leave room for the citation
FILL_TOPICS = ("formulation", "principle", "problem", "quote", "enumeration", "number", "keyline", "rule", "measure")


def stem_of(phrase: KeyPhrase) -> str | None:
    """The sentence around the phrase with the phrase blanked, cut at clause boundaries."""
    s, start, end = phrase.sentence, phrase.start, phrase.start + len(phrase.text)
    if s[start:end] != phrase.text:
        return None
    left, right = s[:start], s[end:]
    left = ARTICLE_LABEL.sub("", left)  # "第十五条" says where, not what
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
    stem = re.sub(r"\*+", "××", stem)  # the material's redactions, in the usual form
    context = fold(stem.replace(BLANK, ""))
    return stem if len(context) >= 8 else None  # too little context is ambiguous


def make_item(
    kind: str, phrase: KeyPhrase, stem: str, distractors: list[str], pools: Pools, rng: random.Random
) -> QuizItem | None:
    p = phrase.passage
    lead = f"《{short_title(p.doc_title)}》："
    why = explanation(phrase)
    common: dict[str, Any] = dict(
        answer=phrase.text,
        explanation=why,
        **cited_fields(p),
        topic=phrase.topic,
    )
    if phrase.topic == "enumeration" and not from_speech(phrase):
        return None  # one item of a law's list (文明校园) is trivia; the list is asked as multi
    if phrase.topic == "formulation" and not from_speech(phrase) and kind != FILL:
        return None  # a law's wording misremembered (受人民服务) reads as nonsense: ask it as a blank
    if kind == FILL:
        if phrase.topic not in FILL_TOPICS or (phrase.topic == "quote" and len(phrase.text) < 4):
            return None  # a short quote in a blank has many fitting answers
        if phrase.topic == "enumeration" and not parallel(phrase):
            return None  # "普查、____、整理" has many right answers; 有形、____、有效 has one
        question = f"{lead}{stem}"
        return QuizItem(item_id=item_id(FILL, question, phrase.text), kind=FILL, question=question, **common)
    if kind == CHOICE:
        distractors = [d for d in distractors if pools.belongs(phrase, d)]  # of the answer's own kind
        if len(distractors) < 2 or mixed_kinds([phrase.text, *distractors[:3]]):
            return None  # what `quiz check` would flag is not generated
        options = [phrase.text, *distractors[:3]]  # three options when only two are of the kind
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
        swaps = [d for d in distractors if pools.belongs(phrase, d)]
        if not swaps:
            return None  # a swap of another kind is a falsehood anyone spots; only-true is no test
        truthful = rng.random() < 0.5
        filled = phrase.text if truthful else swaps[0]
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


def multi_item(
    phrase: KeyPhrase, pools: Pools, rng: random.Random, others: list[str] | None = None
) -> QuizItem | None:
    """One multi-select item per enumeration: which of these does the blanked list name?
    `others`: the wrong options, when the material gives a list of the same kind."""
    if phrase.topic != "enumeration" or phrase.sentence[phrase.start - 1 : phrase.start] == "、":
        return None  # asked once, from the list's first item
    if not from_speech(phrase):
        return None  # a law's list (财务状况、收支情况、人员变动) was rated a detail, its distractors weak
    listed = [phrase.text, *phrase.siblings]
    whole = replace(phrase, text="、".join(listed))
    stem = stem_of(whole)
    if stem is None:
        return None
    right = listed if len(listed) <= 4 else rng.sample(listed, 3)
    wanted = 2 if len(right) <= 3 else 1
    if others is not None:
        wrong = rng.sample(others, min(wanted, len(others)))
    else:
        wrong = distractors(phrase, pools, stem, rng, wanted=wanted)
        wrong = [w for w in wrong if pools.belongs(phrase, w)]  # 有形 among 经济、政治、文化 stands out
    if not wrong or mixed_kinds(right + wrong):
        return None
    options = right + wrong
    rng.shuffle(options)
    correct_set = sorted(options.index(r) for r in right)
    question = f"《{short_title(phrase.passage.doc_title)}》：{stem}\n空格处原文列举了下列哪些？（多选）"
    p = phrase.passage
    return QuizItem(
        item_id=item_id(MULTI, question, whole.text),
        kind=MULTI,
        question=question,
        answer="、".join(o for o in listed if o in right),
        options=options,
        correct_set=correct_set,
        explanation=explanation(whole),
        **cited_fields(p),
        topic=phrase.topic,
    )


def marked(phrase: KeyPhrase, texts: list[str]) -> bool:
    """A formulation the material itself marks as one: in quotation marks (“以商养文，以文促商”),
    or, in the laws, repeated as a whole by several texts (为人民服务，对人民负责，受人民监督).

    Unmarked pairs were rated badly: idioms anyone completes (心往一处想，劲往一处使), filler
    (你干你的，我干我的), and 既要……也要 pairs whose form gives the answer away; a law's pair
    that only shares a word (保存相关记录，删除相关信息) is one step of a procedure."""
    before = phrase.sentence[: phrase.start]
    if before.count("“") > before.count("”"):
        return True
    whole = (phrase.text, *phrase.siblings)
    return not from_speech(phrase) and sum(all(w in t for w in whole) for t in texts) >= 2


def from_speech(phrase: KeyPhrase) -> bool:
    return "讲话" in phrase.passage.doc_title


def middle_of_list(phrase: KeyPhrase) -> bool:
    """The list item with as many items before it as after it (有形、有感、有效 → 有感)."""
    position = sum(1 for s in phrase.siblings if 0 <= phrase.sentence.find(s) < phrase.start)
    return position == (len(phrase.siblings) + 1) // 2


def parallel(phrase: KeyPhrase) -> bool:
    """Enumeration items built alike (有形、有感、有效) pin the blank down."""
    common = set(phrase.text)
    for sibling in phrase.siblings:
        common &= set(sibling)
    return bool(common)


def explanation(phrase: KeyPhrase) -> str:
    p = phrase.passage
    where = f"《{short_title(p.doc_title)}》{p.location}"
    budget = EXPLANATION_MAX - len(where) - 8
    sentence = phrase.sentence
    if len(sentence) > budget:
        start = max(0, min(phrase.start - budget // 3, len(sentence) - budget))
        sentence = ("…" if start else "") + sentence[start : start + budget] + "…"
    return f"原文：“{sentence}”（{where}）"
