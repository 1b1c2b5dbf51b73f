"""A quiz item and how a typed answer is judged."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache

FILL, CHOICE, JUDGE = "fill", "choice", "judge"
KINDS = (FILL, CHOICE, JUDGE)
KIND_NAMES = {FILL: "填空", CHOICE: "单选", JUDGE: "判断"}
BLANK = "____"
TRUE_FALSE = ("正确", "错误")


@dataclass(frozen=True)
class QuizItem:
    item_id: str
    kind: str  # fill | choice | judge
    question: str  # the stem; fill and choice stems contain BLANK
    answer: str  # the key phrase; verbatim in the cited passage
    options: list[str] = field(default_factory=list)  # choice: 4 options; judge: 正确/错误
    correct: int = -1  # index into options (choice, judge)
    explanation: str = ""
    passage_id: str = ""
    doc_id: str = ""
    doc_title: str = ""
    location: str = ""
    source: str = "generated"  # generated | manual
    topic: str = ""  # what kind of phrase: quote, enumeration, principle, number…

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> QuizItem:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["options"] = list(known.get("options") or [])
        known["correct"] = int(known.get("correct", -1))
        return cls(**known)

    @property
    def correct_text(self) -> str:
        return self.options[self.correct] if 0 <= self.correct < len(self.options) else self.answer


def item_id(kind: str, question: str, answer: str) -> str:
    return hashlib.sha1(f"{kind}\x1f{question}\x1f{answer}".encode()).hexdigest()[:12]


_IGNORED = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Matching form of an answer: width, case, punctuation and spaces do not matter."""
    from index.tokens import normalize

    return _IGNORED.sub("", normalize(unicodedata.normalize("NFKC", text)))


def answer_matches(item: QuizItem, reply: str) -> bool:
    """A typed answer to a fill-in item (or the text of an option) is right."""
    folded = fold(reply)
    return bool(folded) and folded == fold(item.correct_text)
