"""A quiz item and how a typed answer is judged."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, TypedDict

if TYPE_CHECKING:
    from corpus.model import Passage


class ItemKind(StrEnum):
    """What a question asks for; a StrEnum so the bank file and SQLite keep plain strings."""

    FILL = "fill"
    CHOICE = "choice"
    JUDGE = "judge"
    MULTI = "multi"  # several right options (多选); every one of them must be chosen


FILL, CHOICE, JUDGE, MULTI = ItemKind.FILL, ItemKind.CHOICE, ItemKind.JUDGE, ItemKind.MULTI
KINDS = (FILL, CHOICE, JUDGE, MULTI)
KIND_NAMES: dict[str, str] = {FILL: "填空", CHOICE: "单选", JUDGE: "判断", MULTI: "多选"}
OPTION_KINDS = (CHOICE, JUDGE, MULTI)  # answered by picking options, not by typing
BLANK = "____"
TRUE_FALSE = ("正确", "错误")


@dataclass(frozen=True)
class QuizItem:
    item_id: str
    kind: str  # fill | choice | judge | multi
    question: str  # the stem; fill stems and phrase-choice stems contain BLANK
    answer: str  # the key phrase (multi: the right options joined by "、"); verbatim in the passage
    options: list[str] = field(default_factory=list)  # choice/multi: 4–5 options; judge: 正确/错误
    correct: int = -1  # index into options (choice, judge); -1 for multi
    correct_set: list[int] = field(default_factory=list)  # multi: every right option, ascending
    explanation: str = ""
    passage_id: str = ""
    doc_id: str = ""
    doc_title: str = ""
    location: str = ""
    source: str = "generated"  # generated | manual
    topic: str = ""  # what kind of phrase: quote, enumeration, principle, structure, formulation…
    passage_ids: list[str] = field(default_factory=list)  # every cited passage (structure items)
    worth: float = 0.0  # 0–1, how much the item is worth learning; default draws prefer high

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> QuizItem:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["options"] = list(known.get("options") or [])
        correct = known.get("correct", -1)
        if isinstance(correct, str) and "|" in correct:  # a multi item's row from a CSV export
            known["correct_set"], correct = parse_indexes(correct), -1
        known["correct"] = int(correct if correct not in ("", None) else -1)
        known["correct_set"] = sorted(int(i) for i in known.get("correct_set") or [])
        known["passage_ids"] = list(known.get("passage_ids") or [])
        known["worth"] = float(known.get("worth") or 0.0)
        return cls(**known)

    @property
    def correct_text(self) -> str:
        if self.kind == MULTI:
            return "、".join(self.options[i] for i in self.right_options if i < len(self.options))
        return self.options[self.correct] if 0 <= self.correct < len(self.options) else self.answer

    @property
    def right_options(self) -> list[int]:
        """Indexes of the right options: one for choice/judge, the stated set for multi."""
        if self.kind == MULTI:
            return list(self.correct_set)
        return [self.correct] if 0 <= self.correct < len(self.options) else []

    @property
    def correct_options(self) -> frozenset[int]:
        """`right_options` as a set (the name the quiz engine's API first published; the live session uses it)."""
        return frozenset(self.right_options)

    @property
    def cited(self) -> list[str]:
        """Every passage the item is drawn from (the first is `passage_id`)."""
        return self.passage_ids or ([self.passage_id] if self.passage_id else [])

    def correct_field(self) -> str:
        """`correct` as written in a CSV export: indexes joined by "|" for multi."""
        return "|".join(map(str, self.correct_set)) if self.kind == MULTI else str(self.correct)


def parse_indexes(text: str) -> list[int]:
    """Parse "0|2" → [0, 2] (a multi item's right options in a CSV row)."""
    return sorted({int(part) for part in text.split("|") if part.strip()})


def options_right(item: QuizItem, chosen: list[int] | set[int]) -> bool:
    """Picked options are right: exactly the stated set (multi) or the one right option."""
    return set(chosen) == set(item.right_options) and bool(chosen)


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


class CitedFields(TypedDict):
    passage_id: str
    doc_id: str
    doc_title: str
    location: str


def cited_fields(passage: Passage) -> CitedFields:
    """The QuizItem fields that name the passage an item cites (its first, for several)."""
    return CitedFields(
        passage_id=passage.passage_id,
        doc_id=passage.doc_id,
        doc_title=passage.doc_title,
        location=passage.location,
    )
