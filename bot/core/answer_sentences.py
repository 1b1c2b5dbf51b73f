"""Choosing the sentence that answers, from all of the best passages.

Why: the passage ranked first is often right while its closest sentence is not the answer (asked
what matters most, the closest sentence lists what the work includes; the answer "最重要的就是讲
团结" sits elsewhere), and sometimes the answer sits in the second or third passage. So every
sentence of the top passages is scored on what makes a sentence an answer to *this* question:
its dense similarity, its passage's rank, the question's wording and focus word (最重要, 主线,
目的 …) in it, and whether it holds the kind of answer asked for (a date, a post, a reason …).
The weights are a softmax (conditional logit) model over the candidates of one question, fitted
on the dev questions by benchmarks/calibrate_answers.py and stored as JSON beside this file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bot.core.answer_types import METHOD, REASON, Asked, asked_kind, holds_answer
from index.hybrid import Hit, HybridIndex, passage_sentences
from index.query_plan import translate
from index.ranker import bigram_overlap
from index.tokens import bigrams, content_terms, normalize, term_share

MODEL_FILE = Path(__file__).with_name("answer_model.json")
TOP_PASSAGES = 5  # sentences of this many best passages compete (all cited; 3 before the fifth round)
SHORT_SENTENCE = 24  # an answer sentence shorter than this takes the next sentence along
MOST_SENTENCES = 3  # an unsure answer gives at most this many sentences (a short answer, not a passage)
FEATURES = ("dense", "passage", "first", "words", "pairs", "focus", "kind", "length")

# Words that say what the question is after: a sentence that repeats one is likely the answer.
# Wider than the query plan's words for what matters most (index.query_plan.MATTERS_MOST) and
# counted another way (a share of these found in the sentence): the answer model is fitted on it.
FOCUS_WORDS = tuple(
    """最重要 最关键 关键 核心 根本 首要 主线 主题 标准 号召 目的 目标 原则 要求 问题 原因 根源 根子
    定位 意义 任务 重点 方向 作用 方式 方法 办法 措施 途径 心态 态度 理念 思想 精神 底色 职责 义务
    权利 条件 程序 期限 责任 形式 本质 出发点 落脚点 底线 基础 前提 保障 宗旨 方针 内容""".split()
)
_METHOD_CUES = re.compile(r"要|坚持|必须|应当|通过|建立|加强|推进|着力|切实")


@dataclass(frozen=True)
class Candidate:
    hit_index: int  # which of the result's hits the sentence belongs to
    sentence: str
    features: dict[str, float]


@dataclass(frozen=True)
class AnswerModel:
    weights: tuple[float, ...]
    # The answer gives the best sentences until the model's probability over them reaches this
    # share (at most MOST_SENTENCES): one sentence when it is sure, two or three when unsure.
    mass: float = 0.0

    def score(self, features: dict[str, float]) -> float:
        return sum(w * features[name] for w, name in zip(self.weights, FEATURES))

    def to_json(self) -> str:
        return json.dumps(asdict(self) | {"features": list(FEATURES)}, indent=2)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> AnswerModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError(f"{path} was fitted on other features; rerun calibrate_answers.py")
        return cls(weights=tuple(float(w) for w in data["weights"]), mass=float(data.get("mass", 0.0)))


class SentenceVectors:
    """Each passage's sentence vectors, looked up by passage id (one table per index)."""

    def __init__(self, index: HybridIndex) -> None:
        self.index = index
        self.rows = {p.passage_id: i for i, p in enumerate(index.passages)}

    def of(self, hit: Hit, count: int) -> np.ndarray:
        row = self.rows.get(hit.passage.passage_id)
        if row is None:
            return np.zeros((0, 0), dtype=np.float32)
        start, end = self.index.sentence_offsets[row], self.index.sentence_offsets[row + 1]
        if end - start == count:
            return self.index.sentence_vectors[start:end]
        return self.index.passage_vectors[row : row + 1].repeat(count, axis=0)


def candidates(
    question: str, hits: list[Hit], query_vector: np.ndarray, vectors: SentenceVectors
) -> list[Candidate]:
    """Every sentence of the best passages with the features the answer model weighs."""
    asked = asked_kind(question)
    q = _with_translation(normalize(question))
    terms = content_terms(q)
    pairs = set(bigrams(q))
    focus = [w for w in FOCUS_WORDS if w in q]
    out: list[Candidate] = []
    top_score = hits[0].score if hits else 0.0
    for rank, hit in enumerate(hits[:TOP_PASSAGES]):
        sentences = passage_sentences(hit.passage) or [hit.passage.text.strip()]
        sims = vectors.of(hit, len(sentences)) @ query_vector if len(sentences) else []
        for i, sentence in enumerate(sentences):
            s = normalize(sentence)
            features = {
                "dense": float(sims[i]) if len(sims) else hit.sentence,
                "passage": max(hit.score - top_score, -3.0),
                "first": 1.0 if rank == 0 else 0.0,
                "words": term_share(terms, s),
                "pairs": bigram_overlap(pairs, set(bigrams(s))),
                "focus": sum(1 for w in focus if w in s) / len(focus) if focus else 0.0,
                "kind": _kind_match(asked, sentence),
                "length": math.log(len(sentence)),
            }
            out.append(Candidate(rank, sentence, features))
    if out:
        best = max(c.features["dense"] for c in out)
        for c in out:
            c.features["dense"] -= best
    return out


def _with_translation(question: str) -> str:
    """An English question plus the material's Chinese terms for its words (the glossary).

    Why: with no Chinese words an English question's candidates differ only in their cosine, and
    e5 maps English poorly onto the Chinese sentences; "most important … ethnic unity" names
    最重要 and 民族团结进步, which the answering sentence repeats.
    """
    return f"{question} {translate(question)}" if _LATIN.search(question) else question


_LATIN = re.compile(r"[a-z]{3,}")


def _kind_match(asked: Asked, sentence: str) -> float:
    """1 when the sentence holds the asked kind (a reason: a cue word such as 因为, 根子), read normalised."""
    if asked.checkable or asked.kind == REASON:
        return 1.0 if holds_answer(asked, sentence) else 0.0
    if asked.kind == METHOD:
        return 1.0 if _METHOD_CUES.search(normalize(sentence)) else 0.0
    return 0.0


def choose(model: AnswerModel, found: list[Candidate]) -> Candidate | None:
    return max(found, key=lambda c: model.score(c.features), default=None)


def likely(model: AnswerModel, found: list[Candidate], mass: float | None = None) -> list[Candidate]:
    """The best candidates, best first, until their share of the model's probability reaches `mass`.

    Why: when two or three sentences score alike, the best one is often not the answer (dev: the
    answer is the second or third candidate for a fifth of the questions); giving the likely ones
    — never more than MOST_SENTENCES, each in a cited passage — answers those without pasting a
    passage. The share is fitted on dev by calibrate_answers.py; a sure model gives one sentence.
    """
    if not found:
        return []
    scores = np.array([model.score(c.features) for c in found])
    probability = np.exp(scores - scores.max())
    probability /= probability.sum()
    order = np.argsort(-scores, kind="stable")
    goal = model.mass if mass is None else mass
    chosen: list[Candidate] = []
    total = 0.0
    for i in order[:MOST_SENTENCES]:
        chosen.append(found[i])
        total += float(probability[i])
        if total >= goal:
            break
    return chosen


# A second ask: after a question mark, or the 又 of "既…，又…" / "…，还…".
_ASK_BREAK = re.compile(r"[？?]|[,，;；]\s*(?=又|还)")
_ASKS_SOMETHING = re.compile(r"什么|哪|怎么|怎样|如何|谁|多少|几|吗|是否|\bwhat\b|\bwhich\b|\bhow\b|\bwho\b", re.I)


def separate_asks(question: str) -> list[str]:
    """The asks of a question that asks two or more things, each with a question word of its own."""
    parts = [p.strip() for p in _ASK_BREAK.split(normalize(question)) if p.strip()]
    asks = [p for p in parts if _ASKS_SOMETHING.search(p)]
    return asks if len(asks) >= 2 else []


def with_short_successor(hit: Hit, sentence: str) -> str:
    """A very short sentence ("团结才能胜利,奋斗才会成功。") takes the next one along."""
    sentences = passage_sentences(hit.passage)
    if len(sentence) >= SHORT_SENTENCE or sentence not in sentences:
        return sentence
    index = sentences.index(sentence)
    if index + 1 >= len(sentences):
        return sentence
    text = hit.passage.text
    start = text.find(sentence)
    end = text.find(sentences[index + 1], start + len(sentence))
    if start < 0 or end < 0 or text[start + len(sentence) : end].strip():
        return sentence  # not next along: an editor's note ("(——待完毕)") stands between
    return text[start : end + len(sentences[index + 1])].strip()
