"""Does the material answer this question at all? A calibrated decision, not a cosine cut-off.

e5 gives every pair of texts a cosine of 0.80–0.92, related or not, so a fixed threshold cannot
tell "no answer" apart. Instead a logistic model combines:
- how far the best passage stands above the collection (per retriever, in standard deviations);
- how much of the question's specific (high-IDF) vocabulary occurs in the material at all;
- whether the question is closer to everyday "background" questions (weather, food, sport…,
  background_questions.txt) than to the material.
English questions have no Chinese words to match, so word evidence is weighted by the question's
share of Chinese characters and dense evidence by the rest. benchmarks/calibrate_scope.py fits
the weights on the dev split of benchmarks/data and writes scope_model.json.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bot.core.answer_types import (
    DATE,
    LIST,
    PERSON,
    PLACE,
    QUANTITY,
    REASON,
    Asked,
    asked_kind,
    holds_answer,
    holds_answer_near,
    tagged,
)
from bot.core.questions import strip_markup
from index.embedding_cache import EmbeddingCache
from index.encoder import Encoder
from index.hybrid import SearchResult
from index.query_plan import translate
from index.tokens import STOP_WORDS, cjk_share, normalize

MODEL_FILE = Path(__file__).with_name("scope_model.json")
BACKGROUND_FILE = Path(__file__).with_name("background_questions.txt")
FEATURES = (
    "quantity_missing",
    "kind_missing",
    "answer_far",
    "known_terms_zh",
    "matched_terms_zh",
    "dense_z_zh",
    "words_z_zh",
    "dense_z_other",
    "top_dense_other",
    "background_margin",
    "cjk",
    "unknown_entity",
    "reason_far",
)


def quantity_missing(result: SearchResult) -> float:
    """1 when the question asks for a number or date and none of the best passages has one."""
    asked = asked_kind(result.query)  # 幾 → 几, 什麼時候 → 什么时候, full width → half
    return _nothing_held(asked, result) if asked.kind in (QUANTITY, DATE) else 0.0


def kind_missing(result: SearchResult) -> float:
    """1 when a who / where / which-items question finds no person, place or list in the best passages."""
    asked = asked_kind(result.query)
    return _nothing_held(asked, result) if asked.kind in (PERSON, PLACE, LIST) else 0.0


def _nothing_held(asked: Asked, result: SearchResult) -> float:
    """1 when none of the three best passages holds an answer of the asked kind.

    Whole passages, not just their best sentence: the number often sits in the sentence after
    the one that matches the question's wording best.
    """
    return 0.0 if any(holds_answer(asked, hit.passage.text) for hit in result.hits[:3]) else 1.0


def kind_veto(features: dict[str, float], result: SearchResult) -> bool:
    """A who / where / when question whose passages hold no person, place or date near the asked
    thing, or a how-many question whose passages hold no number of the asked unit at all.

    Why a rule and not one more weight: on the dev questions this check never fired on an
    in-scope question that retrieval had found, while it catches most near misses of these kinds
    ("推进组组长是谁？", "全县一共有多少个少数民族？"); as weights the fit spreads them thin, because
    "answer far" alone also fires on in-scope how-many questions whose number sits a clause away.
    A date far from the asked thing is another event's ("“三月三”…最早是从哪一年开始办的？" finds
    the article naming the county's founding day, 六月三十日), so for "when" that alone decides.
    """
    asked = asked_kind(result.query)
    kind = asked.kind
    if kind == DATE:
        return bool(features["answer_far"])
    if kind == QUANTITY:
        # A number of the named thing (多少个垃圾箱) must sit beside it; any number anywhere
        # does for an unnamed one, whose answer often sits a clause away from the question's words.
        return bool(features["answer_far"] and (asked.counted or features["quantity_missing"]))
    if kind not in (PERSON, PLACE):
        return False
    return bool(features["kind_missing"] or features["answer_far"])


def answer_far(result: SearchResult) -> float:
    """1 when the asked kind of answer is nowhere near the question's words in the best passages.

    Why: a near miss borrows the material's words ("归园居在哪个乡镇？"); the passage that has them
    names no township beside them. Questions of other kinds, or with nothing to anchor on, get 0.
    """
    asked = asked_kind(result.query)
    return _nothing_near(asked, result) if asked.checkable else 0.0


def reason_far(result: SearchResult) -> float:
    """1 when a why-question's best passages give no reason (因为, 根子, 导致…) beside its words.

    Why: a near miss asks why about a thing the speech only mentions ("湿地公园为什么要建在高速路
    出口？"); a fitted weight, not a rule, as the speech often gives its reasons without a cue word.
    """
    asked = asked_kind(result.query)
    return _nothing_near(asked, result) if asked.kind == REASON else 0.0


def _nothing_near(asked: Asked, result: SearchResult) -> float:
    """1 when the three best passages hold no answer of the asked kind beside the question's words."""
    texts = [hit.passage.text for hit in result.hits[:3]]
    return 1.0 if holds_answer_near(asked, result.query, texts) is False else 0.0


def too_few_words(question: str) -> bool:
    """A question without Chinese needs two different words of three letters or more.

    Why: e5 places short junk ("asdf", "ok", "<b>&amp;") close to list-like passages with a
    confidence no real question reaches, and without Chinese there are no keywords to check it.
    """
    text = normalize(strip_markup(question))
    if cjk_share(text) > 0:
        return False
    return len({w for w in re.findall(r"[a-z]{3,}", text) if w not in STOP_WORDS}) < 2


BARE_TERM_CHARS = 6  # letters; the shortest dev question that is a whole sentence has 7


def bare_unknown_term(question: str, features: dict[str, float]) -> bool:
    """A Chinese input of a word or two that the material never uses ("粗体", "链接").

    Why: e5 finds some passage for any word, and a lone keyword carries no question the model
    could weigh; a keyword the material never uses has nothing to find. Longer questions whose
    words are all foreign to the material are left to the model: dev has real ones ("这次换了个
    学法 效果到底咋样").
    """
    letters = sum(ch.isalnum() for ch in question)
    return features["cjk"] >= 0.5 and features["known_terms_zh"] == 0 and letters <= BARE_TERM_CHARS


def no_material_terms(question: str) -> bool:
    """A question without Chinese none of whose words the glossary knows ("the best season to visit Kyoto").

    Why: e5 maps any English onto some passage with a confidence like a real question's; the
    glossary holds the English for the material's terms, and every dev in-scope English question
    uses at least one of them.
    """
    text = normalize(strip_markup(question))
    return cjk_share(text) == 0 and not translate(text)


def ruled_out(question: str, features: dict[str, float]) -> bool:
    """Rejected by a rule whatever the fitted model says (`ask` and the calibration agree on this)."""
    return (
        bool(features["kind_veto"])
        or too_few_words(question)
        or bare_unknown_term(question, features)
        or no_material_terms(question)
    )


# jieba's tags for places, organisations, other proper names and Latin words, on words of three
# characters or more: its person tag (nr) also tags everyday words (马虎, 老一套, 关系密切), and
# two-character words get a place tag by mistake (东西).
_ENTITY_TAGS = ("ns", "nt", "nz", "eng")


def unknown_entities(question: str, knows: Callable[[str], bool]) -> list[str]:
    """Names in a Chinese question (a place, an organisation, "GDP") that the material never uses.

    Why: "珠穆朗玛峰有多高？" finds a passage with heights in it, and "我县今年的GDP是多少？" one
    with sums of money; a thing the material never names cannot be what it answers about. On the
    dev questions this fired on no in-scope question, but jieba's tags are noisy, so it is a
    fitted feature, not a rule (English questions are not checked: every word of theirs is
    foreign to the Chinese material).
    """
    if cjk_share(question) < 0.5:
        return []
    words = tagged(normalize(question))
    return [w for w, flag in words if flag in _ENTITY_TAGS and len(w) >= 3 and "*" not in w and not knows(w)]


def scope_features(
    result: SearchResult, background_similarity: float, knows: Callable[[str], bool] | None = None
) -> dict[str, float]:
    e = result.evidence
    zh, other = e.cjk, 1.0 - e.cjk
    features = {
        "quantity_missing": quantity_missing(result),
        "kind_missing": kind_missing(result),
        "answer_far": answer_far(result),
        "known_terms_zh": e.known_terms * zh,
        "matched_terms_zh": e.matched_terms * zh,
        "dense_z_zh": e.top_dense_z * zh,
        "words_z_zh": math.log1p(max(e.top_words_z, 0.0)) * zh,
        "dense_z_other": e.top_dense_z * other,
        "top_dense_other": e.top_dense * other,
        "background_margin": background_similarity - e.top_dense,
        "cjk": zh,
        "unknown_entity": float(bool(knows and unknown_entities(result.query, knows))),
        "reason_far": reason_far(result),
    }
    features["kind_veto"] = float(kind_veto(features, result))  # a rule, not a fitted weight
    return features


@dataclass(frozen=True)
class ScopeModel:
    weights: tuple[float, ...]
    bias: float
    threshold: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    model: str = ""  # the embedding model the calibration was made with
    # A question this much closer to an everyday background question than to any passage is
    # out of scope whatever its words (set just above the largest margin of a dev in-scope one).
    background_veto: float = 1.0

    def probability(self, features: dict[str, float]) -> float:
        if features["background_margin"] >= self.background_veto:
            return 0.0
        x = [(features[name] - m) / s for name, m, s in zip(FEATURES, self.mean, self.scale)]
        z = self.bias + sum(w * v for w, v in zip(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def to_json(self) -> str:
        return json.dumps(asdict(self) | {"features": list(FEATURES)}, ensure_ascii=False, indent=2)

    @classmethod
    def neutral(cls) -> ScopeModel:
        """Answers everything: the starting point when the features changed and a refit is due."""
        n = len(FEATURES)
        return cls((0.0,) * n, 0.0, 0.0, (0.0,) * n, (1.0,) * n)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> ScopeModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError(f"{path} was fitted on other features; rerun calibrate_scope.py")
        return cls(
            weights=tuple(data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            model=data.get("model", ""),
            background_veto=float(data.get("background_veto", 1.0)),
        )


class ScopeJudge:
    """Scores a search result: the probability that the material answers the question."""

    def __init__(self, model: ScopeModel, background: np.ndarray) -> None:
        self.model = model
        self.background = background

    def background_similarity(self, query_vector: np.ndarray) -> float:
        if len(self.background) == 0:
            return 0.0
        return float((self.background @ query_vector).max())

    def features(self, result: SearchResult, knows: Callable[[str], bool] | None = None) -> dict[str, float]:
        """`knows(term)`: does the material use the term anywhere (the index's vocabularies)."""
        return scope_features(result, self.background_similarity(result.query_vector), knows)

    def probability(self, result: SearchResult, knows: Callable[[str], bool] | None = None) -> float:
        if not result.hits or too_few_words(result.query):
            return 0.0
        features = self.features(result, knows)
        if ruled_out(result.query, features):
            return 0.0
        return self.model.probability(features)


def background_questions() -> list[str]:
    lines = BACKGROUND_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def load_scope_judge(encoder: Encoder, cache: EmbeddingCache) -> ScopeJudge:
    """The calibrated model plus the background questions' vectors (embedded once, cached)."""
    texts = background_questions()
    vectors = cache.embed(f"{encoder.name}#query", texts, encoder.encode_queries, encoder.dim)
    return ScopeJudge(ScopeModel.load(), vectors)
