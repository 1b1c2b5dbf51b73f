"""The hand-written question sets in benchmarks/data and how a cited answer is judged."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Question:
    q: str
    kind: str
    split: str
    expect: str = ""  # verbatim text inside the answering sentence; empty when out of scope
    source: str = "speech"  # "speech", a policy file name, or "out_of_scope"

    @property
    def in_scope(self) -> bool:
        return bool(self.expect)


def _read(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_all() -> list[Question]:
    out = [Question(r["q"], r["kind"], r["split"], r["expect"]) for r in _read("speech_qa.jsonl")]
    out += [Question(r["q"], r["kind"], r["split"], r["expect"], r["doc"]) for r in _read("policy_qa.jsonl")]
    out += [Question(r["q"], r["kind"], r["split"], "", "out_of_scope") for r in _read("out_of_scope.jsonl")]
    return out


def rank_of(expect: str, texts: list[str]) -> int | None:
    """Position of the first cited text containing the expected span."""
    return next((i for i, text in enumerate(texts) if expect in text), None)


@dataclass(frozen=True)
class Outcome:
    question: Question
    rank: int | None  # position of the answering passage among the top 5, None if absent
    features: dict[str, float]
    probability: float
    found: bool


def run(assistant, questions: list[Question]) -> list[Outcome]:
    """Search every question once; judge scope with the assistant's current model."""
    out = []
    for question in questions:
        result = assistant.index.search(question.q, assistant.encoder, k=5)
        texts = [hit.passage.text for hit in result.hits]
        probability = assistant.scope.probability(result)
        out.append(
            Outcome(
                question=question,
                rank=rank_of(question.expect, texts) if question.in_scope else None,
                features=assistant.scope.features(result),
                probability=probability,
                found=probability >= assistant.scope.model.threshold,
            )
        )
    return out
