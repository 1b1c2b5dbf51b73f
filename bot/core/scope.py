"""Does the material answer this question at all? A calibrated decision, not a cosine cut-off.

e5 gives every pair of texts a cosine of 0.80–0.92, related or not, so a fixed threshold cannot
tell "no answer" apart. Instead, a logistic model over how far the best passage stands above the
collection (per retriever, in standard deviations) and how many of the question's words the
material knows at all is fitted on labelled in-scope and out-of-scope questions
(benchmarks/calibrate_scope.py writes scope_model.json).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from index.hybrid import Evidence

MODEL_FILE = Path(__file__).with_name("scope_model.json")
FEATURES = (
    "top_fused",
    "top_dense_z",
    "top_sentence_z",
    "top_words_z",
    "top_dense",
    "known_terms",
    "matched_terms",
)


def features(evidence: Evidence) -> list[float]:
    values = asdict(evidence)
    return [float(values[name]) for name in FEATURES]


@dataclass(frozen=True)
class ScopeModel:
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()
    model: str = ""  # the embedding model the calibration was made with

    def probability(self, evidence: Evidence) -> float:
        x = features(evidence)
        if self.mean:
            x = [(v - m) / s for v, m, s in zip(x, self.mean, self.scale)]
        z = self.bias + sum(w * v for w, v in zip(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def answers(self, evidence: Evidence) -> bool:
        return self.probability(evidence) >= self.threshold

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
            mean=tuple(data.get("mean", ())),
            scale=tuple(data.get("scale", ())),
            model=data.get("model", ""),
        )
