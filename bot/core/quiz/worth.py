"""How much an item is worth learning, and which items are worth nothing.

Why: a bank that blanks every enumeration of every law drowns the speech — the meeting's
subject — in trivia (adoption years, article numbers). The score ranks what a study group
should be examined on: the speech's structure and signature formulations first, the laws'
central passages next, numbers and peripheral lists last. Default sessions draw by it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from bot.core.quiz.items import BLANK, JUDGE, MULTI, QuizItem, fold
from corpus.model import Passage

MIN_WORTH = 0.45  # below this an item is dropped from the generated bank
SPEECH_WORD = "讲话"

_BASE = {  # (topic, from the speech) → base worth
    ("structure", True): 0.95, ("structure", False): 0.15,  # which chapter: rated trivia on the dev sample
    ("principle", True): 0.9, ("problem", True): 0.85,
    ("formulation", True): 0.9, ("formulation", False): 0.5,
    ("quote", True): 0.75, ("quote", False): 0.5,
    ("enumeration", True): 0.65, ("enumeration", False): 0.25,
    ("number", True): 0.45, ("number", False): 0.2,
    ("keyline", True): 0.9, ("keyline", False): 0.6,  # 以铸牢中华民族共同体意识为主线
    ("measure", True): 0.8,  # what the speech says the work is, who does it (measures.py)
    ("rule", False): 0.65,  # a law's core rule on nationalities (rules.py): 中华民族共同体意识是民族团结之本
}  # fmt: skip
_LEANS_ON_ELSEWHERE = re.compile(
    r"前款|前条|前两款|前三款|前项|本条第|上述|依照本条|(本法|本条例|本规定|本办法)第|修改为|增写|增加一|宪法第|第[一二三四五六七八九十]+项|第[一二三四五六七八九十百零]+条(第.+?款)?(规定|所列|所称)"
)
_ORDINAL = re.compile(r"^第[一二三四五六七八九十百零〇\d]+[条款项章节部分次届]?$")
_ADOPTION = re.compile(r"(通过|公布|施行|修正|修订)")
NUMBERED_FORMULA = re.compile(r"^([一二三四五六七八九十两]个|一.两.|一.一.)")  # 三个代表, 一国两制, 一带一路
_NUMERALS = "〇零一二三四五六七八九十百千两0123456789"


def worthless(item: QuizItem, passage: Passage | None) -> str:
    """Why an item teaches nothing ("" if it is fine): dates, ordinals, redactions, fragments."""
    if passage is not None and (passage.section in ("题注", "") and _ADOPTION.search(passage.text)):
        return "法规的通过、施行日期"
    answer = item.answer
    if _ORDINAL.match(answer):
        return "条款序号或序数"
    if "*" in answer or any("*" in o for o in item.options):
        return "答案或选项含被隐去的文字（*）"
    if len(fold(answer)) < 2:
        return "空格只有一个字"
    if item.topic != "structure" and fold(answer) in fold(item.doc_title):
        return "答案就在文件名称里"  # 冠以“景宁畲族自治县”全称: guessed from the title, nothing learnt
    if item.topic != "structure" and _LEANS_ON_ELSEWHERE.search(item.question):
        return "题干依赖未给出的“前款”“前条”等条文"
    if item.topic == "number" and re.fullmatch(
        r"\d{4}年(\d{1,2}月)?(\d{1,2}日)?|\d{1,2}月(\d{1,2}日)?", answer
    ):
        return "年份或日期"  # the year of an event (2021年创建成功) is a detail, in the speech too
    if item.topic == "quote" and NUMBERED_FORMULA.match(answer):
        return "只有名称的数字提法，内容不在题中"  # anyone fills “两个维护”; “三个大抓” is never spelt out
    if item.topic == "number" and _number_in_stem(item.question, answer):
        return "题干已给出这个数（数一数列举的项即可）"
    if item.topic == "number" and _number_is_incidental(item.question):
        return "日期、隐去的统计数字或口号中的数字"
    if item.topic == "number" and re.search(
        r"\d{1,2}月|月\d{1,2}日|\d{4}年\d", item.question.replace("____", "")
    ):
        return "日期"
    return ""


def _number_in_stem(question: str, answer: str) -> bool:
    """The stem gives the number away: it counts the items it lists (精准性差、…、凝聚力弱等____方面;
    国家、区域、产业____层面) or says the number itself (以以上四点为圆心……作____圆 → 四个)."""
    numeral = re.match(f"[{_NUMERALS}]+", answer)
    if numeral is None:
        return False
    from bot.core.quiz.phrases import to_int

    before, _, after = question.partition(BLANK)
    clause = re.split(r"[，,；;。：:]", before)[-1].removesuffix("等")
    listed = [x for x in re.split(r"[、和与及]", clause) if x]
    if len(listed) >= 2 and len(listed) == to_int(numeral.group(0)):
        return True
    others = re.findall(f"[{_NUMERALS}]+", before + after)
    return any(to_int(o) == to_int(numeral.group(0)) for o in others)


def _number_is_incidental(question: str) -> bool:
    """2023年第二季度 (a date), 恢复到____的××% (a redacted statistic), “____大抓” (part of a slogan)."""
    if re.search(r"____(第|季度|年度|上半年|下半年)|“[^”]*____[^“]*”", question):
        return True
    clause = next((c for c in re.split(r"[，,。；;：:]", question) if "____" in c), "")
    return "××" in clause


def worth(item: QuizItem, centrality: float) -> float:
    """0–1: base worth of the item's topic, lifted by how central its passage is."""
    speech = SPEECH_WORD in item.doc_title
    base = _BASE.get((item.topic, speech), 0.5 if speech else 0.3)
    score = base + (0.25 if not speech else 0.05) * centrality
    if item.kind == MULTI:
        score += 0.05  # several facts at once, and no guessing by elimination
    if item.kind == JUDGE:
        score -= 0.05  # a coin toss tells less
    return round(max(0.0, min(1.0, score)), 3)


def passage_centrality(passages: list[Passage]) -> dict[str, float]:
    """How central each passage is (0–1): close to its document's main subject (rank within the
    document) and, for the laws, close to the study topic — the speech (rank among the laws).

    Lexical, so that the bank needs no model: cosine between the passage's words and the whole
    document's words, weighted by how specific a word is across documents.
    """
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.doc_id, []).append(p)
    words = {p.passage_id: Counter(_content_words(p.text)) for p in passages}
    doc_words = {d: sum((words[p.passage_id] for p in ps), Counter()) for d, ps in by_doc.items()}
    spread = Counter(w for counts in doc_words.values() for w in counts)
    idf = {w: math.log((1 + len(by_doc)) / (1 + n)) + 1 for w, n in spread.items()}
    out: dict[str, float] = {}
    for doc, ps in by_doc.items():
        whole = doc_words[doc]
        out |= _ranks({p.passage_id: _cosine(words[p.passage_id], whole, idf) for p in ps})
    topic = sum((doc_words[d] for d, ps in by_doc.items() if SPEECH_WORD in ps[0].doc_title), Counter())
    laws = [p for p in passages if SPEECH_WORD not in p.doc_title]
    if topic:
        relevance = _ranks({p.passage_id: _cosine(words[p.passage_id], topic, idf) for p in laws})
        for pid, rank in relevance.items():
            out[pid] = (out[pid] + rank) / 2
    return out


def _ranks(scores: dict[str, float]) -> dict[str, float]:
    ranked = sorted(scores, key=lambda pid: (scores[pid], pid))
    return {pid: rank / max(1, len(ranked) - 1) for rank, pid in enumerate(ranked)}


def _cosine(a: Counter, b: Counter, idf: dict[str, float]) -> float:
    dot = sum(a[w] * b[w] * idf[w] ** 2 for w in a if w in b)
    na = math.sqrt(sum((a[w] * idf[w]) ** 2 for w in a))
    nb = math.sqrt(sum((b[w] * idf[w]) ** 2 for w in b))
    return dot / (na * nb) if na and nb else 0.0


@lru_cache(maxsize=4096)
def _content_words(text: str) -> tuple[str, ...]:
    import jieba

    from index.tokens import STOP_WORDS

    return tuple(w for w in jieba.cut(text) if len(w) >= 2 and w not in STOP_WORDS and not w.isdigit())
