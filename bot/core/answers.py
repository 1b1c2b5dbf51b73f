"""What an answer is, as passed from the core to the CLI, the console chat and the bot."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    passage_id: str
    doc_title: str
    section: str
    location: str
    text: str
    score: float
    highlight: str = ""  # the sentence of `text` that answers the question (for bold display)

    def to_json(self) -> dict[str, object]:
        return {
            "passage_id": self.passage_id,
            "doc_title": self.doc_title,
            "section": self.section,
            "location": self.location,
            "text": self.text,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    answer: str  # extracted from the cited passages, never written by us; a notice when not found
    citations: list[Citation] = field(default_factory=list)
    truncated: bool = False  # the question was longer than the encoder reads
    confidence: float = 0.0  # probability that the material answers the question

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.answer,
            "citations": [c.to_json() for c in self.citations],
        }
