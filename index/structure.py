"""Where each passage sits in its document: which document, numbered part, and how far in.

Questions point at structure ("讲话第二部分", "第十五条", "讲话结尾"); the chunker already wrote
it into each passage's section and location, so this reads it back into arrays the ranker can
compare with a question in one vectorised step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from corpus.chunking import PART_HEADING
from corpus.model import Passage

_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
NUMERAL = "〇零一二三四五六七八九十百两0-9"
# Units of numbered structure in the material: 部分 (the speech's 一、二、…), 章/节/条 (laws).
_SECTION_ORDINAL = re.compile(rf"^第([{NUMERAL}]+)([编章节条])")
_LOCATION_PART = re.compile(rf"第([{NUMERAL}]+)部分")


def chinese_number(text: str) -> int | None:
    """一 → 1, 十五 → 15, 二十三 → 23, 一百零二 → 102, 12 → 12; None when not a number."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def passage_ordinals(passage: Passage) -> dict[str, int]:
    """Numbered units the passage belongs to, e.g. {"部分": 2} or {"章": 2, "条": 15}."""
    out: dict[str, int] = {}
    for part in passage.section.split(" › "):
        part = part.strip()
        match = _SECTION_ORDINAL.match(part)
        if match and (n := chinese_number(match.group(1))) is not None:
            out[match.group(2)] = n
        elif (heading := PART_HEADING.match(part)) and (n := chinese_number(heading.group(1))):
            out["部分"] = n
    located = _LOCATION_PART.search(passage.location)
    if "部分" not in out and located and (n := chinese_number(located.group(1))):
        out["部分"] = n
    return out


@dataclass
class DocumentStructure:
    """Per passage: its document's number, its numbered units and its relative position."""

    doc_of: np.ndarray  # document number of each passage
    doc_ids: list[str]  # document number → doc_id
    titles: list[str]  # document number → title
    position: np.ndarray  # 0.0 for a document's first passage … 1.0 for its last
    ordinals: list[dict[str, int]]
    last_part: np.ndarray  # per passage: the highest 部分 number of its document (0 if none)
    doc_sizes: np.ndarray  # document number → passage count
    part_start: np.ndarray  # per passage: it opens a numbered 部分 (holds the part's heading)

    @classmethod
    def of(cls, passages: list[Passage]) -> DocumentStructure:
        numbers: dict[str, int] = {}
        titles: list[str] = []
        for p in passages:
            if p.doc_id not in numbers:
                numbers[p.doc_id] = len(numbers)
                titles.append(p.doc_title)
        doc_of = np.array([numbers[p.doc_id] for p in passages], dtype=np.int64)
        sizes = np.bincount(doc_of, minlength=len(numbers)) if len(passages) else np.zeros(0, np.int64)
        seen = np.zeros(len(numbers), dtype=np.int64)
        position = np.zeros(len(passages), dtype=np.float32)
        for i, d in enumerate(doc_of):
            position[i] = seen[d] / max(sizes[d] - 1, 1)
            seen[d] += 1
        ordinals = [passage_ordinals(p) for p in passages]
        last = np.zeros(len(numbers), dtype=np.int64)
        part_start = np.zeros(len(passages), dtype=bool)
        opened: set[tuple[int, int]] = set()
        for i, (d, o) in enumerate(zip(doc_of, ordinals)):
            last[d] = max(last[d], o.get("部分", 0))
            if o.get("部分") and (int(d), o["部分"]) not in opened:
                opened.add((int(d), o["部分"]))
                part_start[i] = True
        return cls(doc_of, list(numbers), titles, position, ordinals, last[doc_of], sizes, part_start)
