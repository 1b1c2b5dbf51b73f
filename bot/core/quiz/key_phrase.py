"""What a key phrase is: shared by the finders (phrases, signature) and the distractor pools."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.model import Passage


@dataclass(frozen=True)
class KeyPhrase:
    text: str  # the phrase as written
    topic: str  # quote | enumeration | principle | problem | number | formulation | keyline | rule | measure
    group: str  # distractors come from the same group
    passage: Passage
    sentence: str  # the sentence it stands in
    start: int  # offset of the phrase in the sentence
    value: int | None = None  # numbers: the quantity
    unit: str = ""
    siblings: tuple[str, ...] = ()  # enumerations: the other items
