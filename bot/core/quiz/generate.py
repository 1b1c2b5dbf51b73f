"""Quiz items: fill-in (填空), single choice (单选), true/false (判断) and multi-select (多选).

Rules that keep every item correct, unambiguous and worth asking:
- the answer is the phrase exactly as it stands in the cited passage (structure items: a
  heading of the cited passages);
- distractors are of the same kind (distract.py): misremembered forms of a formulation,
  siblings of the same enumeration or structural level, phrases with the same part of speech;
  never one that makes a sentence the material actually says;
- a true/false statement is the original sentence or the sentence with a same-kind sibling
  swapped in;
- every item gets a worth (worth.py); trivia (dates, ordinals, redacted text, fragments that
  lean on "前款") is dropped, and so is anything below MIN_WORTH.
Deterministic for a seed; duplicates (same question and answer) are dropped.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace

from bot.core.quiz.distract import Pools, distractors, last_pos
from bot.core.quiz.items import CHOICE, FILL, JUDGE, MULTI, QuizItem, fold
from bot.core.quiz.making import from_speech, make_item, marked, middle_of_list, multi_item, stem_of
from bot.core.quiz.measures import clause_key
from bot.core.quiz.narrowing import (
    illustrative,
    in_list,
    only_reshuffled,
    stock_triad,
    stock_wordings,
    without_list_elements,
)
from bot.core.quiz.outline import few_placements, outline_items, problem_lists, sentence_key
from bot.core.quiz.phrases import KeyPhrase, key_phrases
from bot.core.quiz.rules import TOPIC, on_study_topic, other_fillings
from bot.core.quiz.structure import mapping_form, structure_items
from bot.core.quiz.worth import MIN_WORTH, passage_centrality, worth, worthless
from corpus.model import Passage
from index.tokens import STOP_WORDS

PER_SENTENCE = 1  # items on one sentence: a second one shows the first one's answer in its stem


@dataclass(frozen=True)
class GeneratorSettings:
    seed: int = 20231
    kinds: tuple[str, ...] = (FILL, CHOICE, JUDGE, MULTI)


def generate_items(passages: list[Passage], settings: GeneratorSettings | None = None) -> list[QuizItem]:
    settings = settings or GeneratorSettings()
    rng = random.Random(settings.seed)
    phrases = [p for p in key_phrases(passages) if _askable(p)]
    pools = Pools.of(phrases, fold("\n".join(p.text for p in passages)))
    documents: dict[str, list[str]] = {}
    for p in passages:
        documents.setdefault(p.doc_id, []).append(p.text)
    texts = ["\n".join(parts) for parts in documents.values()]
    corpus = "\n".join(texts)
    items: list[QuizItem] = []
    sentence_of: dict[str, str] = {}  # item id → the sentence it asks about
    stock = stock_wordings(phrases, from_speech)
    list_elements: set[str] = set()  # a law's list element (“两代表一委员”): gives way in its article
    for phrase in phrases:
        stem = stem_of(phrase)
        if stem is None or phrase.topic == "problem":
            continue  # a part's problems are asked as structure items
        if not on_study_topic(phrase):
            continue  # 宪法: 人民法院……分工负责，互相配合，互相制约 — a law's formulation off the topic
        if phrase.topic == "formulation" and not marked(phrase, texts):
            continue  # neither quoted nor repeated: a turn of phrase (劲往一处使), not a 提法
        if stock_triad(phrase, from_speech(phrase)) or (phrase.topic == "formulation" and phrase.text in stock):
            continue  # 为人民服务，对人民负责，____: filled from the rhythm
        if phrase.topic == TOPIC and other_fillings(phrase, corpus):
            continue  # 各民族都有____的自由: 语言文字 and 风俗习惯 both fit
        if illustrative(phrase):
            continue  # a slogan in an example (就像看见火锅就知道是重庆), not a point the speech makes
        made = multi_item(phrase, pools, rng) if MULTI in settings.kinds else None
        if made is not None:
            items.append(made)
            sentence_of[made.item_id] = _sentence_key(phrase)
        if phrase.topic == "enumeration" and not middle_of_list(phrase):
            continue  # one more item per list: its middle one, pinned down from both sides
        options = distractors(phrase, pools, stem, rng)
        if from_speech(phrase) and only_reshuffled(phrase, [d for d in options if pools.belongs(phrase, d)][:3]):
            continue  # 敢闯敢试 among 敢想敢试 / 敢闯敢干: wording, not content
        # one item per phrase, the most telling kind that works: the same sentence asked three
        # ways is one question three times
        order: tuple[str, ...] = (CHOICE, JUDGE, FILL) if phrase.topic == "formulation" else (CHOICE, FILL, JUDGE)
        if phrase.topic in ("keyline", "rule", "measure"):
            order = (FILL,)  # 以____为主线: the stem pins it down; no list of rival main lines exists
        for kind in (k for k in order if k in settings.kinds):
            made = make_item(kind, phrase, stem, options, pools, rng)
            if made is not None:
                items.append(made)
                sentence_of[made.item_id] = _sentence_key(phrase)
                if phrase.topic == "quote" and not from_speech(phrase) and in_list(phrase):
                    list_elements.add(made.item_id)
                break
    items += [i for i in structure_items(passages, rng, _outsiders(phrases)) if i.kind in settings.kinds]
    if MULTI in settings.kinds:
        for phrase, others in _contrasted_lists(passages):
            made = multi_item(phrase, pools, rng, others)
            if made is not None:
                items.append(made)
                sentence_of[made.item_id] = sentence_key(phrase.passage, phrase.sentence)
    for made, key in outline_items(passages, phrases, rng):
        if made.kind in settings.kinds:
            items.append(made)
            sentence_of[made.item_id] = key
    kept = few_placements(_few_per_form(_few_per_sentence(_worthwhile(_unique(items), passages), sentence_of)))
    return without_list_elements(kept, list_elements)


def _few_per_form(items: list[QuizItem]) -> list[QuizItem]:
    """A part's heading blanked (三、要坚持____，切实解决精准性差、辨识度低的问题) only for the part
    whose pairing `mapping_form` asks that way: each heading's pairing is asked once in the bank."""
    forms: dict[str, list[QuizItem]] = {}
    for item in items:
        if item.topic == "principle":
            forms.setdefault(item.kind, []).append(item)
    kept = {
        i.item_id for group in forms.values() for k, i in enumerate(group) if mapping_form(k) == "heading"
    }
    return [i for i in items if i.topic != "principle" or i.item_id in kept]


def _unique(items: list[QuizItem]) -> list[QuizItem]:
    """No question twice, and a phrase several laws repeat (“三个代表”) asked from one of them."""
    seen: set[tuple[str, str]] = set()
    asked: set[tuple[str, str]] = set()
    out: list[QuizItem] = []
    for item in items:
        key = (item.kind, fold(item.question))
        phrase = (item.topic, fold(item.answer))
        here = (item.kind, item.passage_id + fold(item.answer))  # found twice: as a slogan and as a pair
        again = item.topic in ("quote", "formulation", "rule") and "讲话" not in item.doc_title and phrase in asked
        if key not in seen and (item.topic == "structure" or here not in seen) and not again:
            seen.update((key, here))
            asked.add(phrase)
            out.append(item)
    return out


def _worthwhile(items: list[QuizItem], passages: list[Passage]) -> list[QuizItem]:
    """Items with their worth; the worthless and the low-worth left out."""
    by_id = {p.passage_id: p for p in passages}
    centrality = passage_centrality(passages)
    scored = [
        replace(item, worth=worth(item, centrality.get(item.passage_id, 0.0)))
        for item in items
        if not worthless(item, by_id.get(item.passage_id))
    ]
    return [i for i in scored if i.worth >= MIN_WORTH]


def _few_per_sentence(items: list[QuizItem], sentence_of: dict[str, str]) -> list[QuizItem]:
    """At most PER_SENTENCE items on one sentence of the material, the most telling: a choice
    or multi-select before 判断 before a fill-in, then a quoted two-part slogan, then the
    worthier. Three blanks in 为人民服务，对人民负责，受人民监督 are one question asked three
    times, and each stem gives away the others' answers. A structure item on a sentence (which
    part a quotation stands in, the n-th cause) is asked only when nothing else is. Order is kept."""
    preference: dict[str, int] = {CHOICE: 0, MULTI: 0, FILL: 1, JUDGE: 2}

    def rank(i: QuizItem) -> tuple:
        slogan = i.topic == "quote" and bool(re.search(r"[、，,]", i.answer))
        fallback = i.topic == "structure"  # “天花板” is too short to blank: ask where it stands
        return (fallback, preference.get(i.kind, 3), not slogan, -i.worth, i.item_id)

    by_sentence: dict[str, list[QuizItem]] = {}
    for item in items:
        if item.item_id in sentence_of:  # structure items cite headings, not one sentence
            by_sentence.setdefault(sentence_of[item.item_id], []).append(item)
    given_away: set[str] = set()
    while True:  # the sentence of an item that gives way asks its next best item instead
        kept = [
            i
            for group in by_sentence.values()
            for i in sorted((g for g in group if g.item_id not in given_away), key=rank)[:PER_SENTENCE]
        ]
        shown = {  # 世界菌乡's stem shows “铸牢中华民族共同体意识主题教育馆”: the item on 铸牢… gives way
            max(a, b, key=rank).item_id
            for a in kept
            for b in kept
            if a is not b and a.passage_id == b.passage_id and b.answer in a.question
        }
        if not shown:
            break
        given_away |= shown
    keep = {i.item_id for i in kept}
    return [i for i in items if i.item_id not in sentence_of or i.item_id in keep]


def _sentence_key(phrase: KeyPhrase) -> str:
    """Which sentence an item asks about, for one item per sentence; a measure of the speech
    stands in a clause of its own (建立健全长效机制 beside “突击型”向“长效型”转变)."""
    return clause_key(phrase) if phrase.topic == "measure" else phrase.passage.passage_id + phrase.sentence


def _askable(phrase: KeyPhrase) -> bool:
    text = phrase.text
    return len(fold(text)) >= 2 and text not in STOP_WORDS and "*" not in text


def _outsiders(phrases: list[KeyPhrase]) -> list[tuple[str, Passage]]:
    """Working methods the speech lists as means (以精准考核、跟踪问效……倒逼工作落实): the odd one
    out among the 坚持 must be of their kind. A list of work areas (基层党建、乡村振兴、基层治理)
    was rated spotted without reading: a task among principles."""
    out: list[tuple[str, Passage]] = []
    for p in phrases:
        if "讲话" not in p.passage.doc_title or p.topic != "enumeration" or len(p.text) != 4:
            continue
        starts = [p.sentence.find(x) for x in (p.text, *p.siblings)]
        first = min((k for k in starts if k >= 0), default=p.start)
        means = p.sentence[first - 1 : first] == "以"  # 以精准考核、跟踪问效……倒逼: methods
        negative = any(c in p.text for c in "不差低弱缓")  # a problem (对接不力), not a method
        fresh = p.text not in {text for text, _ in out}
        if fresh and means and not negative and last_pos(p.text) in ("v", "n"):
            out.append((p.text, p.passage))
    return out


def _contrasted_lists(passages: list[Passage]) -> list[tuple[KeyPhrase, list[str]]]:
    """Two lists of problems in one passage (named at last year's meeting; newly exposed): each
    is asked as a multi-select with the other's items as the wrong options — the same kind, and
    only the text tells them apart."""
    lists = problem_lists(passages)
    out: list[tuple[KeyPhrase, list[str]]] = []
    for passage, sentence, listed, start in lists:
        lengths = {len(x) for x in listed}  # 融合度和辨识度低 among 行动迟缓、氛围不浓… stands out
        here = [x for p, _, xs, _ in lists if p.passage_id == passage.passage_id for x in xs]
        others = [x for x in here if x not in listed and len(x) in lengths]
        if others:
            first = KeyPhrase(
                listed[0], "enumeration", "problem-list", passage, sentence, start, siblings=tuple(listed[1:])
            )
            out.append((first, others))
    return out
