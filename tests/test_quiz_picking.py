"""Which items a session draws: kinds take turns, worthier items tend to come first, the speech first."""

from __future__ import annotations

import random

from bot.core.quiz.items import CHOICE, FILL, JUDGE, MULTI, QuizItem
from bot.core.quiz.picking import draw, fact_of, varied


def _item(n: int, kind: str = CHOICE, worth: float = 0.0, doc: str = "law") -> QuizItem:
    return QuizItem(f"i{n}", kind, f"问题{n}", f"答案{n}", passage_id=f"p{n}", doc_id=doc, worth=worth)


def test_worthier_items_are_drawn_more_often() -> None:
    pool = [_item(n, worth=1.0 if n < 5 else 0.0) for n in range(10)]
    firsts = [varied(pool, 1, random.Random(seed))[0].worth for seed in range(300)]
    assert sum(w == 1.0 for w in firsts) / len(firsts) > 0.8  # expected 0.92 with these weights
    assert any(w == 0.0 for w in firsts)  # worthless items still come up now and then


def test_kinds_take_turns_and_the_preferred_source_comes_first() -> None:
    pool = [_item(n, CHOICE if n % 2 else FILL, doc="speech" if n < 4 else "law") for n in range(12)]
    picked = draw(pool, 6, random.Random(1), preferred=[i for i in pool if i.doc_id == "speech"])
    assert [i.doc_id for i in picked[:4]] == ["speech"] * 4 and len({i.item_id for i in picked}) == 6
    assert [i.kind for i in picked[:2]] == [CHOICE, FILL]


def test_a_passage_cited_by_a_structure_item_is_not_asked_again_while_others_are_left() -> None:
    structure = QuizItem("s", CHOICE, "四个坚持", "答案", passage_id="p1", passage_ids=["p1", "p2"], worth=1.0)
    same_fact = [QuizItem(f"f{n}", CHOICE, "问题", "答案", passage_id=f"p{n}", worth=1.0) for n in (1, 2)]
    other = QuizItem("o", CHOICE, "问题", "答案", passage_id="p3", worth=0.0)
    draws = [varied([structure, *same_fact, other], 2, random.Random(seed)) for seed in range(40)]
    led = [picked for picked in draws if picked[0] is structure]
    assert led and all(picked[1] is other for picked in led)


def test_a_session_leaves_the_preferred_source_before_it_asks_a_passage_again() -> None:
    """Speech items on two passages, law items on others: a 4-item session asks 4 passages, not
    the speech's two passages twice each (the four 坚持 as 判断 and again as 单选)."""
    speech = [QuizItem(f"s{n}", CHOICE if n % 2 else FILL, "问题", "答案", passage_id=f"sp{n // 2}", doc_id="speech",
                       worth=1.0) for n in range(4)]  # fmt: skip
    laws = [_item(n, worth=0.5) for n in range(10, 14)]
    for seed in range(20):
        picked = draw(speech + laws, 4, random.Random(seed), preferred=speech)
        cited = [p for i in picked for p in i.cited]
        assert len(set(cited)) == len(cited) == 4
        assert [i.doc_id for i in picked[:2]] == ["speech", "speech"]
    picked = draw(speech + laws, 8, random.Random(0), preferred=speech)  # more than there are passages
    assert len({i.item_id for i in picked}) == 8


def test_when_passages_run_out_a_new_fact_comes_before_the_same_fact_asked_again() -> None:
    """One part of the speech asked three ways, and two slogans of one passage: three items ask
    three facts (the part once, each slogan once), never the part twice."""
    part = [QuizItem(f"p{n}", kind, "要坚持高位推动", "高位推动", passage_id="part1", topic="structure", worth=1.0)
            for n, kind in enumerate((CHOICE, JUDGE, MULTI))]  # fmt: skip
    slogans = [QuizItem(f"q{n}", FILL, "“____”", text, passage_id="quotes", topic="quote", worth=0.1)
               for n, text in enumerate(("创则必成", "兵器入库"))]  # fmt: skip
    for seed in range(30):
        picked = draw(part + slogans, 3, random.Random(seed))
        assert len({fact_of(i) for i in picked}) == 3, [i.item_id for i in picked]
        assert sum(i in part for i in picked) == 1
