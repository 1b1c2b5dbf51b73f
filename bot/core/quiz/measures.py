"""What the speech says the work *is* and what it is to build: its statements and measures, as fill-ins.

Why: the bank asked the speech's skeleton (the four 坚持, the causes, the problem lists) and its
quoted slogans, but not what the county is to do and how the speech rates the work — the seed-6
rater's gap. Two forms, found in the speech's own clauses:
- a statement of what the work is, `……是……的Y`: the closing call (创建全国民族团结进步示范县是
  我县各族干部群众要奋力取得的金字招牌), 这项工作是县委政府的中心工作; when Y is a generic head
  (工作, 工程) its modifier is the point (政治性、政策性很强; 整体性);
- the mechanism to build, `建立健全X` (长效机制).
Not a clause that negates (而不是可干可不干的工作), quotes (“再学习”) or is redacted (*); not a
filler head (具体表现, 优秀队伍) or a two-character one (责任).
Who is charged with a task (`请X提前/负责/牵头……`: 请县委宣传部提前思考谋划 the next study
meeting) is not asked: the seed-7 rater marked it an administrative detail, not worth learning.
Each is its own clause of a long sentence, so it is keyed by clause (`clause_key`): a sentence
may give it beside another item when neither stem shows the other's answer.
"""

from __future__ import annotations

import re

from bot.core.quiz.key_phrase import KeyPhrase
from corpus.model import Passage

TOPIC = "measure"
_CLAUSES = re.compile(r"[^，,；;。：:！!？?]+")
_IS = r"(?<![一二三四五别而还就也既只或要总])是"  # not 一是 (a cause), 特别是, 也是 …
_STATEMENT = re.compile(_IS + r"(?:一个|一支)?[^，,。；是]{0,24}?的(?P<answer>[^，,。；的]{3,8})$")
_GENERIC_HEAD = re.compile(_IS + r"(?:一个|一支)?(?P<answer>[^，,。；是的]{3,12})的(?:工作|工程)$")
_MECHANISM = re.compile(r"^建立健全(?P<answer>[^，,。；]{3,8})$")
_FILLER = ("具体", "优秀")


def speech_measures(passage: Passage, sentence: str) -> list[KeyPhrase]:
    """Key phrases of topic `measure` in one sentence of the speech."""
    if "讲话" not in passage.doc_title:
        return []
    found: list[KeyPhrase] = []
    for clause in _CLAUSES.finditer(sentence):
        text = clause.group(0)
        if "不是" in text or "“" in text or "*" in text:
            continue
        for form in (_GENERIC_HEAD, _STATEMENT, _MECHANISM):
            m = form.search(text)
            if m and not m.group("answer").startswith(_FILLER) and m.group("answer") not in ("工作", "工程"):
                start = clause.start() + m.start("answer")
                found.append(KeyPhrase(m.group("answer"), TOPIC, TOPIC, passage, sentence, start))
                break
    return found


def clause_key(phrase: KeyPhrase) -> str:
    """The clause a phrase stands in, as `_few_per_sentence` keys items: one item per clause."""
    return f"{phrase.passage.passage_id}{phrase.sentence}#{phrase.start}"
