"""Export, hand edits, import and rebuilds of the question bank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.quiz.bank import BankError, export_bank, load_bank, merge, parse_items, rebuild, save_bank


def test_round_trip_json_and_csv(passages, tmp_path: Path) -> None:
    bank = rebuild(passages, None)
    for fmt in ("json", "csv"):
        items = parse_items(export_bank(bank, fmt), fmt)
        assert [i.item_id for i in items] == [i.item_id for i in bank.items]
        assert [i.options for i in items] == [i.options for i in bank.items]
    save_bank(bank, tmp_path / "bank.json")
    assert len(load_bank(tmp_path / "bank.json").items) == len(bank.items)


def test_hand_written_items_survive_rebuilds(passages) -> None:
    bank = rebuild(passages, None)
    mine = parse_items(
        json.dumps(
            [{"kind": "fill", "question": "讲话提出要把____学习法作为常态。", "answer": "一线"}],
            ensure_ascii=False,
        ),
        "json",
    )
    edited = merge(bank, mine)
    again = rebuild(passages, edited, seed=99)
    manual = [i for i in again.items if i.source == "manual"]
    assert [i.question for i in manual] == ["讲话提出要把____学习法作为常态。"]


def test_edited_generated_item_replaces_the_original(passages) -> None:
    bank = rebuild(passages, None)
    original = bank.items[0].to_dict()
    original["explanation"] = "组织者修改过的解析"
    merged = merge(bank, parse_items(json.dumps([original], ensure_ascii=False), "json"))
    assert merged.by_id()[original["item_id"]].explanation == "组织者修改过的解析"
    assert merged.by_id()[original["item_id"]].source == "manual"
    assert len(merged.items) == len(bank.items)


@pytest.mark.parametrize(
    "rows, message",
    [
        ('[{"kind": "fill", "question": "x"}]', "缺少"),
        ('[{"kind": "essay", "question": "x", "answer": "y"}]', "题型"),
        ('[{"kind": "choice", "question": "x", "answer": "y", "options": ["y"], "correct": 3}]', "单选"),
        ("{broken", "JSON"),
    ],
)
def test_bad_imports_are_refused_with_the_row(rows: str, message: str) -> None:
    with pytest.raises(BankError, match=message):
        parse_items(rows, "json")


def test_multi_items_export_their_right_options_joined_by_bar() -> None:
    multi = parse_items(
        json.dumps(
            [
                {
                    "kind": "multi",
                    "question": "讲话要求创建工作做到哪些？",
                    "answer": "有形、有感、有效",
                    "options": ["有形", "有力", "有感", "有效"],
                    "correct_set": [0, 2, 3],
                }
            ],
            ensure_ascii=False,
        ),
        "json",
    )
    bank = merge(rebuild([], None), multi)
    text = export_bank(bank, "csv")
    assert "multi" in text and ",0|2|3," in text
    assert text.splitlines()[0].split(",") == [
        "item_id", "kind", "question", "answer", "options", "correct", "explanation",
        "passage_id", "doc_id", "doc_title", "location", "source", "topic",
    ]  # fmt: skip
    again = parse_items(text, "csv")[0]
    assert again.kind == "multi" and again.right_options == [0, 2, 3] and again.correct == -1
    assert again.correct_text == "有形、有感、有效"
    with pytest.raises(BankError, match="多选"):
        parse_items(text.replace(",0|2|3,", ",0|9,"), "csv")


def test_a_bank_file_without_the_new_fields_still_loads(tmp_path: Path) -> None:
    old = {"format": 1, "corpus_hash": "x", "items": [
        {"item_id": "a1", "kind": "choice", "question": "《讲话》：要坚持____", "answer": "系统思维",
         "options": ["高位推动", "系统思维", "守正创新", "合力攻坚"], "correct": 1, "passage_id": "p"}]}  # fmt: skip
    (tmp_path / "bank.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    item = load_bank(tmp_path / "bank.json").items[0]
    assert item.right_options == [1] and item.cited == ["p"] and item.worth == 0.0


def test_a_bank_from_the_previous_generator_is_regenerated_keeping_manual_items(
    passages, tmp_path: Path
) -> None:
    from bot.core.quiz.bank import GENERATOR_VERSION, bank_for
    from index.store import corpus_hash

    manual = {"item_id": "m1", "kind": "fill", "question": "讲话提出要把____学习法作为常态。", "answer": "一线",
              "source": "manual"}  # fmt: skip
    stale = {"item_id": "g1", "kind": "fill", "question": "____4月29日通过", "answer": "2021年"}
    old = {"format": 1, "corpus_hash": corpus_hash(passages), "items": [manual, stale]}
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    bank = bank_for(passages, path)
    assert bank.generator == GENERATOR_VERSION and "m1" in bank.by_id() and "g1" not in bank.by_id()
    assert any(i.kind == "multi" for i in bank.items)
    assert load_bank(path).generator == GENERATOR_VERSION
    assert bank_for(passages, path).items == bank.items  # now current: loaded, not regenerated
