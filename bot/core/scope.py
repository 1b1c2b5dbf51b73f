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
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.embedding_cache import EmbeddingCache
from index.encoder import Encoder
from index.hybrid import SearchResult
from index.tokens import STOP_WORDS, cjk_share, normalize

MODEL_FILE = Path(__file__).with_name("scope_model.json")
BACKGROUND_FILE = Path(__file__).with_name("background_questions.txt")
FEATURES = (
    "quantity_missing",
    "known_terms_zh",
    "matched_terms_zh",
    "dense_z_zh",
    "words_z_zh",
    "dense_z_other",
    "top_dense_other",
    "background_margin",
    "cjk",
)


# A question asking "how many / when" is answerable only if the cited sentences hold a quantity
# (of the unit asked for, when it names one: 多少公里 needs kilometres, 多少万 needs a real number
# of ten-thousands — the speech's redacted "**万人次" does not count).
_UNITS = "周岁|小时|分钟|公里|年|月|日|号|天|周|次|个|万|亿|%|位|名|届|岁|米|元|人|倍|户|项|条"
_UNIT_ALIASES = {"天": "天|日", "日": "天|日", "号": "号|日", "个": _UNITS}  # 几个人 asks for 人
_ASKS_QUANTITY = re.compile(
    rf"(?:多少|(?<!哪)几)({_UNITS})?|多久|多长|多大|多高|多远|多重|how many|how much|how long", re.I
)
# "When" needs a date: a number of years, months or days, not just any number.
_ASKS_DATE = re.compile(r"哪一?年|哪天|哪一天|什么时候|什么时间|何时|what year|which year|when", re.I)
_DATE_UNITS = "年|月|日|号"
# Not ordinals (第4位); a Chinese numeral right after a redaction (**万人次) is the unit of a
# hidden number, while digits after one (**、**4位) are real.
_NUMBER = r"(?<!第)(?:\d+(?:\.\d+)?|(?<!\*)[〇零一二三四五六七八九十百千万两几]+)"


def _asked_unit(question: str) -> str | None:
    """The units an answer must carry a number of, or None when no quantity or date is asked."""
    if _ASKS_DATE.search(question):
        return _DATE_UNITS
    asked = _ASKS_QUANTITY.search(question)
    if not asked:
        return None
    return _UNIT_ALIASES.get(asked.group(1) or "", asked.group(1) or _UNITS)


def quantity_missing(result: SearchResult) -> float:
    """1 when the question asks for a number or date and none of the best passages has one."""
    unit = _asked_unit(normalize(result.query))  # 幾 → 几, 什麼時候 → 什么时候, full width → half
    if unit is None:
        return 0.0
    pattern = re.compile(f"{_NUMBER}(?:{unit})")
    # Whole passages, not just their best sentence: the number often sits in the sentence after
    # the one that matches the question's wording best.
    texts = [normalize(hit.passage.text) for hit in result.hits[:3]]
    return 0.0 if any(pattern.search(t) for t in texts) else 1.0


# Markup and entities a user may paste (<b>, &amp;) are not words of a question.
_MARKUP = re.compile(r"<[^<>]*>|&#?\w+;")


def too_few_words(question: str) -> bool:
    """A question without Chinese needs two different words of three letters or more.

    Why: e5 places short junk ("asdf", "ok", "<b>&amp;") close to list-like passages with a
    confidence no real question reaches, and without Chinese there are no keywords to check it.
    """
    text = _MARKUP.sub(" ", normalize(question))
    if cjk_share(text) > 0:
        return False
    return len({w for w in re.findall(r"[a-z]{3,}", text) if w not in STOP_WORDS}) < 2


def scope_features(result: SearchResult, background_similarity: float) -> dict[str, float]:
    e = result.evidence
    zh, other = e.cjk, 1.0 - e.cjk
    return {
        "quantity_missing": quantity_missing(result),
        "known_terms_zh": e.known_terms * zh,
        "matched_terms_zh": e.matched_terms * zh,
        "dense_z_zh": e.top_dense_z * zh,
        "words_z_zh": math.log1p(max(e.top_words_z, 0.0)) * zh,
        "dense_z_other": e.top_dense_z * other,
        "top_dense_other": e.top_dense * other,
        "background_margin": background_similarity - e.top_dense,
        "cjk": zh,
    }


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

    def features(self, result: SearchResult) -> dict[str, float]:
        return scope_features(result, self.background_similarity(result.query_vector))

    def probability(self, result: SearchResult) -> float:
        if not result.hits or too_few_words(result.query):
            return 0.0
        return self.model.probability(self.features(result))


def background_questions() -> list[str]:
    lines = BACKGROUND_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def load_scope_judge(encoder: Encoder, cache: EmbeddingCache) -> ScopeJudge:
    """The calibrated model plus the background questions' vectors (embedded once, cached)."""
    texts = background_questions()
    vectors = cache.embed(f"{encoder.name}#query", texts, encoder.encode_queries, encoder.dim)
    return ScopeJudge(ScopeModel.load(), vectors)
