"""The hand-written question sets in benchmarks/data and how a cited answer is judged.

A question expects one span (`expect`) or several (`expect_all`: a question that needs two
passages, or a list). Retrieval hits at k when every expected span lies in one of the top k
passages; the answer is accurate when its text holds every expected span.
"""

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
    expect_all: tuple[str, ...] = ()  # several spans, all needed (two passages, a list)
    asks: str = ""  # what a near miss asks for (who, where, when, quantity…), when labelled
    line: int = 0  # line in its file (1-based): the provenance in data/README.md is by lines

    @property
    def in_scope(self) -> bool:
        return bool(self.expects)

    @property
    def expects(self) -> tuple[str, ...]:
        return self.expect_all or ((self.expect,) if self.expect else ())

    def answered_by(self, text: str) -> bool:
        """`text` holds every expected span (answer accuracy)."""
        return all(e in text for e in self.expects)


def _read(name: str) -> list[tuple[int, dict]]:
    with open(DATA / name, encoding="utf-8") as handle:
        return [(number, json.loads(line)) for number, line in enumerate(handle, 1) if line.strip()]


def _question(number: int, row: dict, source: str) -> Question:
    return Question(
        q=row["q"],
        kind=row["kind"],
        split=row["split"],
        expect=row.get("expect", ""),
        source=row.get("doc", source),
        expect_all=tuple(row.get("expect_all", ())),
        asks=row.get("asks", ""),
        line=number,
    )


def load_all() -> list[Question]:
    out = [_question(n, r, "speech") for n, r in _read("speech_qa.jsonl")]
    out += [_question(n, r, "policy") for n, r in _read("policy_qa.jsonl")]
    out += [_question(n, r, "out_of_scope") for n, r in _read("out_of_scope.jsonl")]
    return out


def rank_of(expect: str, texts: list[str]) -> int | None:
    """Position of the first cited text containing the expected span."""
    return next((i for i, text in enumerate(texts) if expect in text), None)


def rank_of_all(expects: tuple[str, ...], texts: list[str]) -> int | None:
    """The position by which every expected span has been cited (None if one is missing)."""
    ranks = [rank_of(e, texts) for e in expects]
    if not ranks or any(r is None for r in ranks):
        return None
    return max(r for r in ranks if r is not None)


@dataclass(frozen=True)
class Outcome:
    question: Question
    rank: int | None  # position by which all answering passages are in the top 5, None if not
    features: dict[str, float]
    probability: float
    found: bool
    answer: str = ""  # the answer text `ask` gives (the not-found notice when rejected)

    @property
    def answer_ok(self) -> bool:
        """The answer given holds every expected span (in-scope questions only)."""
        return self.found and self.question.answered_by(self.answer)


def run(assistant, questions: list[Question], answers: bool = True) -> list[Outcome]:
    """Search every question once; judge scope with the assistant's current model.

    With `answers`, each question is also asked the way users ask it, for answer accuracy.
    """
    out = []
    for question in questions:
        result = assistant.retrieve(question.q, k=5)
        texts = [hit.passage.text for hit in result.hits]
        probability = assistant.scope.probability(result, assistant.material_knows)
        out.append(
            Outcome(
                question=question,
                rank=rank_of_all(question.expects, texts) if question.in_scope else None,
                features=assistant.scope.features(result, assistant.material_knows),
                probability=probability,
                found=probability >= assistant.scope.model.threshold,
                answer=assistant.ask(question.q).answer if answers else "",
            )
        )
    return out
