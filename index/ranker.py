"""A learned linear ranker over the retrievers' evidence and the question's cues.

The fused ranking of issue 2 weighs four standardised retrievers with hand-picked weights. This
adds what a reader uses to find a passage — is it in the document the question names, in the
part it points at, at the start or end it asks about, does it hold the material's wording of
the question's short form — and learns all weights at once with pairwise logistic regression
on the dev splits (benchmarks/fit_ranker.py). The model is a small JSON file that records the
embedding model it was fitted with; with another model the tuned fusion is used instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.fusion import FusionWeights
from index.query_plan import SPEECH_TITLE, QueryPlan
from index.structure import DocumentStructure

MODEL_FILE = Path(__file__).with_name("ranker_model.json")
BASE_FEATURES = ("dense_z", "sentence_z", "words_z", "bigrams_z")
FEATURES = (
    *BASE_FEATURES,
    "expansion_z",  # BM25 of the material's wording of the question's short forms (lexicon)
    "translation_z",  # BM25 of the material's terms for an English question's words (glossary)
    "named_doc",  # the passage is in a document the question names
    "title_overlap",  # share of the question's character pairs in the document title
    "part_match",  # the passage is in the numbered part the question points at
    "enumeration_match",  # the passage holds the enumerated item asked for (二是…)
    "position_match",  # at or near the start/end the question asks about
    "part_overview",  # opens a numbered part, when the question asks for the parts as a whole
    "answer_near",  # among the fusion's best: holds an answer of the asked kind (多少 → a number)
    "log_length",
    "definition_match",  # holds a definition (所称, 是指) when the question asks what a term means
    "speech_doc",  # the passage is in a speech (the core text members ask about), named or not
    "focus_match",  # says what matters most in the question's own word (最重要的就是…)
)
ANSWER_CHECK_TOP = 10  # candidates (by fusion) checked for an answer of the asked kind
# (question, passage texts) → per text: holds an answer of the kind asked, next to its words.
AnswerCheck = Callable[[str, list[str]], list[bool]]
_ENUMERATION = "一二三四五六七八九十"
_DEFINITION = re.compile(r"所称|是指|指的是")
# Units that name the document's own numbering; "第二个/第二点" may also mean a listed 二是….
_STRUCTURE_UNITS = ("部分", "章", "节", "条")


@dataclass(frozen=True)
class LinearRanker:
    weights: tuple[float, ...]
    features: tuple[str, ...] = FEATURES
    model: str = ""  # the embedding model it was fitted with
    trained_on: str = ""

    def score(self, columns: dict[str, np.ndarray]) -> np.ndarray:
        return sum((w * columns[f] for f, w in zip(self.features, self.weights) if w), np.zeros(1))

    @classmethod
    def from_fusion(cls, weights: FusionWeights) -> LinearRanker:
        """The issue-2 fusion as a ranker: the four retrievers only."""
        return cls((weights.dense, weights.sentence, weights.words, weights.bigrams), BASE_FEATURES)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> LinearRanker:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = tuple(data["features"])
        if not set(features) <= set(FEATURES) or len(features) != len(data["weights"]):
            raise ValueError(f"{path} was fitted on other features; rerun benchmarks/fit_ranker.py")
        return cls(tuple(float(w) for w in data["weights"]), features, data["model"], data["trained_on"])


@lru_cache(maxsize=4)
def shipped_ranker(model: str) -> LinearRanker | None:
    """The fitted ranker when it was fitted with this embedding model, else None (use fusion)."""
    if not MODEL_FILE.is_file():
        return None
    ranker = LinearRanker.load()
    return ranker if ranker.model == model else None


def answer_near(query: str, texts: list[str], fused: np.ndarray, check: AnswerCheck | None) -> np.ndarray:
    """1 for the fusion's best candidates that hold an answer of the asked kind, else 0.

    `check` is the bot core's answer-kind test (bot.core.answer_cue; the index layer cannot
    import it), passed in by the caller; None turns the cue off. Only the best few are read (the
    check tags words, too slow for every candidate), which is where it matters: it reorders the
    top, it cannot lift a passage from far down.
    """
    out = np.zeros(len(texts), dtype=np.float32)
    if check is None or not texts:
        return out
    top = np.argsort(-fused, kind="stable")[:ANSWER_CHECK_TOP]
    flags = check(query, [texts[i] for i in top])
    out[top[np.array(flags, dtype=bool)]] = 1.0
    return out


def bigram_overlap(query_pairs: set[str], text_pairs: set[str]) -> float:
    return len(query_pairs & text_pairs) / len(query_pairs) if query_pairs else 0.0


def cue_features(
    plan: QueryPlan,
    rows: np.ndarray,
    structure: DocumentStructure,
    texts: list[str],
    title_overlap: np.ndarray,
) -> dict[str, np.ndarray]:
    """The question-cue columns for candidate `rows` (texts: their passage texts)."""
    docs = structure.doc_of[rows]
    n = len(rows)
    named = np.isin(docs, list(plan.named_docs)).astype(np.float32) if plan.named_docs else np.zeros(n)
    part = np.zeros(n, dtype=np.float32)
    enumeration = np.zeros(n, dtype=np.float32)
    for unit, number in plan.ordinals:  # a passage matching any unit pointed at counts
        for i, row in enumerate(rows):
            ordinals = structure.ordinals[row]
            wanted = int(structure.last_part[row]) if number == -1 else number
            if unit in ordinals:
                part[i] = max(part[i], float(ordinals[unit] == wanted))
            elif "部分" in ordinals:
                part[i] = max(part[i], float(ordinals["部分"] == wanted and wanted > 0))
            if (
                unit not in _STRUCTURE_UNITS
                and 0 < wanted <= len(_ENUMERATION)
                and f"{_ENUMERATION[wanted - 1]}是" in texts[i]
            ):
                enumeration[i] = 1.0
    position = np.zeros(n, dtype=np.float32)
    if plan.position:
        # Passages counted from the asked-for edge: 1 at the edge, about a third two passages in.
        sizes = structure.doc_sizes[docs] - 1
        from_start = np.rint(structure.position[rows] * sizes)
        steps = from_start if plan.position == "start" else sizes - from_start
        # A document of one passage has no start or end to point at.
        position = np.exp(-steps / 2.0) * (sizes > 0)
    overview = structure.part_start[rows].astype(np.float32) if plan.parts_overview else np.zeros(n)
    speech = {d: bool(SPEECH_TITLE.search(structure.titles[d])) for d in set(docs.tolist())}
    definition = np.array([bool(_DEFINITION.search(t)) for t in texts], np.float32) * plan.definition
    return {
        "named_doc": named,
        "title_overlap": title_overlap,
        "part_match": part,
        "enumeration_match": enumeration,
        "position_match": position.astype(np.float32),
        "part_overview": overview,
        "definition_match": definition,
        "speech_doc": np.array([speech[d] for d in docs.tolist()], np.float32),
        "focus_match": np.array([any(w in t for w in plan.focus) for t in texts], np.float32),
        "log_length": np.log1p([len(t) for t in texts]).astype(np.float32) - 5.0,
    }
