"""Key formulations (重要提法), found by their form rather than listed by hand.

Why these rules: what a study group memorises is written so that it can be memorised —
parallel clauses (以商养文，以文促商; 路虽远，行则将至；事虽难，干则必成), slogans in quotation
marks (“创则必成”, “兵器入库、马放南山”). A blank on one half
of such a pair has exactly one right answer, and misremembered forms of the same phrase
(以文养商, 以商促文) are the distractors a reader who has not learnt it finds plausible.
"""

from __future__ import annotations

import re

from bot.core.quiz.key_phrase import KeyPhrase
from corpus.model import Passage

_CJK = "\u4e00-\u9fff"
_CLAUSE = re.compile(rf"[{_CJK}]+")
_QUOTED = re.compile(r"“([^“”]{4,16})”")
_SEPARATORS = "，、；,;"
_LEGAL_MECHANICS = re.compile(r"本法|宪法|条例|第.[项节条款章]|修改|增加|删去")


def formulations(passage: Passage, sentence: str) -> list[KeyPhrase]:
    """Parallel clauses and quoted slogans of a sentence, each a phrase with its siblings."""
    found: list[KeyPhrase] = []
    for group in _parallel_groups(sentence):
        for position, (text, start) in enumerate(group):
            if position == 0 and len(group) == 2 and not _quoted_at(sentence, start):
                continue  # ask for the second half: the first gives the pattern to complete
            siblings = tuple(t for t, _ in group if t != text)
            found.append(
                KeyPhrase(
                    text,
                    "formulation",
                    f"formulation:{len(text)}",
                    passage,
                    sentence,
                    start,
                    siblings=siblings,
                )
            )
    for m in _QUOTED.finditer(sentence):
        halves = re.split(rf"[{_SEPARATORS}]", m.group(1))
        if len(halves) == 2 and all(len(h) == 4 and _CLAUSE.fullmatch(h) for h in halves):
            start = m.start(1) + len(halves[0]) + 1
            found.append(
                KeyPhrase(
                    halves[1], "formulation", "formulation:4", passage, sentence, start, siblings=(halves[0],)
                )
            )
    return [p for p in found if "*" not in p.text]


def _parallel_groups(sentence: str) -> list[list[tuple[str, int]]]:
    """Runs of clauses built alike: equal length and the same character at some position.

    A:B;C:D pairs (路虽远，行则将至；事虽难，干则必成) count when A~C and B~D are parallel.
    """
    clauses = [(m.group(0), m.start()) for m in _CLAUSE.finditer(sentence)]
    groups: list[list[tuple[str, int]]] = []
    i = 0
    while i < len(clauses):
        run = [clauses[i]]
        while i + len(run) < len(clauses) and _joined(sentence, run[-1], clauses[i + len(run)]):
            nxt = clauses[i + len(run)]
            if not _alike(run[0][0], nxt[0]):
                break
            run.append(nxt)
        if len(run) >= 2:
            groups.append(run)
            i += len(run)
            continue
        if i + 3 < len(clauses) and all(
            _joined(sentence, clauses[j], clauses[j + 1]) for j in range(i, i + 3)
        ):
            a, b, c, d = clauses[i : i + 4]
            if _alike(a[0], c[0]) and _alike(b[0], d[0]) and len(b[0]) >= 4:
                groups.append([b, d])
                i += 4
                continue
        i += 1
    return groups


def _joined(sentence: str, left: tuple[str, int], right: tuple[str, int]) -> bool:
    """Two clauses separated by one clause mark only: ，or ；, or 、 inside quotation marks.

    Runs joined by 、 outside quotes are enumerations (人大机关、行政机关), asked elsewhere.
    """
    raw = sentence[left[1] + len(left[0]) : right[1]]
    between = raw.strip("“”‘’ \n")
    if len(between) != 1 or between not in _SEPARATORS:
        return False
    return between != "、" or _quoted_at(sentence, left[1]) or "“" in raw


def _alike(a: str, b: str) -> bool:
    if len(a) != len(b) or not 3 <= len(a) <= 7 or a == b or _LEGAL_MECHANICS.search(a + b):
        return False
    same = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x == y]
    return bool(same) and len(same) <= len(a) - 2 and same != [len(a) - 1]  # 根据宪法/制定本法: no


def _quoted_at(sentence: str, start: int) -> bool:
    return start > 0 and sentence[start - 1] == "“"


def variants(answer: str, siblings: tuple[str, ...]) -> list[str]:
    """Misremembered forms of a parallel clause: its free characters swapped or borrowed.

    以文促商 beside 以商养文 → 以商促文 (swapped), 以文养商 (verb borrowed from the sibling).
    """
    out: list[str] = []
    for sibling in siblings:
        if len(sibling) != len(answer) or not any(x == y for x, y in zip(answer, sibling, strict=True)):
            continue  # not built alike (兵器入库、马放南山): swaps would be nonsense
        free = [i for i, (x, y) in enumerate(zip(answer, sibling, strict=True)) if x != y]
        for i in free:
            for j in free:
                if i < j and answer[i] == sibling[j] and answer[j] == sibling[i]:
                    chars = list(answer)
                    chars[i], chars[j] = chars[j], chars[i]
                    out.append("".join(chars))  # a chiasmus (以文促商) the other way round: 以商促文
        for run in _runs(free):
            out.append(answer[: run[0]] + sibling[run[0] : run[-1] + 1] + answer[run[-1] + 1 :])  # 敢想敢试
    return list(dict.fromkeys(v for v in out if v != answer and v not in siblings))


def _runs(positions: list[int]) -> list[list[int]]:
    """Consecutive positions grouped: [1, 2, 4] → [[1, 2], [4]]."""
    runs: list[list[int]] = []
    for p in positions:
        if runs and runs[-1][-1] == p - 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs
