"""The question bank on disk: generated items plus organisers' own, exported and imported.

Stored as JSON (written atomically). Rebuilding replaces generated items and keeps every
item with source "manual", so hand-written or hand-edited questions survive new material.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from bot.core.quiz.generate import GeneratorSettings, generate_items
from bot.core.quiz.items import CHOICE, JUDGE, KINDS, TRUE_FALSE, QuizItem, item_id
from corpus.model import Passage
from index.atomic import write_text_atomic
from index.paths import bank_file
from index.store import corpus_hash

CSV_FIELDS = ["item_id", "kind", "question", "answer", "options", "correct", "explanation",
              "passage_id", "doc_id", "doc_title", "location", "source", "topic"]  # fmt: skip


def bank_path(data_dir: Path) -> Path:
    """Where the question bank lives (hand-written items survive rebuilds there)."""
    return bank_file(data_dir)


class BankError(ValueError):
    """An imported bank file is malformed; the message names the row, in Chinese."""


@dataclass
class QuizBank:
    items: list[QuizItem]
    corpus_hash: str = ""  # the passages the generated items were made from

    def by_id(self) -> dict[str, QuizItem]:
        return {item.item_id: item for item in self.items}

    def matching(self, keyword: str | None) -> list[QuizItem]:
        """Items whose document title, file name or question mention the keyword."""
        if not keyword:
            return list(self.items)
        k = keyword.strip().lower()
        return [
            i
            for i in self.items
            if k in i.doc_title.lower() or k in i.doc_id.lower() or k in i.question.lower()
        ]


def rebuild(passages: list[Passage], previous: QuizBank | None, seed: int = 20231) -> QuizBank:
    manual = [i for i in (previous.items if previous else []) if i.source == "manual"]
    generated = generate_items(passages, GeneratorSettings(seed=seed))
    taken = {i.item_id for i in manual}
    return QuizBank(manual + [i for i in generated if i.item_id not in taken], corpus_hash(passages))


def bank_for(passages: list[Passage], path: Path) -> QuizBank:
    """The stored bank, regenerated (manual items kept) when the material has changed."""
    previous = load_bank(path)
    if previous is not None and previous.corpus_hash == corpus_hash(passages):
        return previous
    bank = rebuild(passages, previous)
    save_bank(bank, path)
    return bank


def load_bank(path: Path) -> QuizBank | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return QuizBank([QuizItem.from_dict(row) for row in data["items"]], data.get("corpus_hash", ""))


def save_bank(bank: QuizBank, path: Path) -> None:
    payload = {"format": 1, "corpus_hash": bank.corpus_hash, "items": [i.to_dict() for i in bank.items]}
    write_text_atomic(path, json.dumps(payload, ensure_ascii=False, indent=1))


def export_bank(bank: QuizBank, fmt: str) -> str:
    if fmt == "json":
        return json.dumps([i.to_dict() for i in bank.items], ensure_ascii=False, indent=1)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for item in bank.items:
        row = item.to_dict()
        row["options"] = "|".join(item.options)
        writer.writerow({k: row[k] for k in CSV_FIELDS})
    return out.getvalue()


def parse_items(text: str, fmt: str) -> list[QuizItem]:
    """Items from an edited export; rows without an id or source get them (source: manual)."""
    if fmt == "json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BankError(f"JSON 格式错误：{exc}") from exc
        if isinstance(rows, dict):
            rows = rows.get("items", [])
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            row["options"] = [o for o in (row.get("options") or "").split("|") if o]
    return [_validated(row, n) for n, row in enumerate(rows, 1)]


def _validated(row: dict, number: int) -> QuizItem:
    if not isinstance(row, dict) or not row.get("question") or not row.get("answer"):
        raise BankError(f"第 {number} 条缺少题目（question）或答案（answer）")
    kind = row.get("kind") or "fill"
    if kind not in KINDS:
        raise BankError(f"第 {number} 条的题型“{kind}”无效，应为 fill、choice 或 judge")
    options = list(row.get("options") or [])
    if kind == JUDGE and not options:
        options = list(TRUE_FALSE)
    try:
        correct = int(row.get("correct", -1) if row.get("correct") not in ("", None) else -1)
    except ValueError as exc:
        raise BankError(f"第 {number} 条的正确选项序号无效") from exc
    if kind == CHOICE and (len(options) < 2 or not 0 <= correct < len(options)):
        raise BankError(f"第 {number} 条是单选题，但选项或正确选项序号不对")
    if kind == JUDGE and correct not in (0, 1):
        raise BankError(f"第 {number} 条是判断题，correct 应为 0（正确）或 1（错误）")
    data = dict(row, kind=kind, options=options, correct=correct)
    data["source"] = row.get("source") or "manual"
    data["item_id"] = row.get("item_id") or item_id(kind, row["question"], row["answer"])
    return QuizItem.from_dict(data)


def merge(bank: QuizBank, items: list[QuizItem]) -> QuizBank:
    """Imported items replace items with the same id and are kept as manual from now on."""
    imported = {i.item_id: QuizItem.from_dict(i.to_dict() | {"source": "manual"}) for i in items}
    kept = [i for i in bank.items if i.item_id not in imported]
    return QuizBank(list(imported.values()) + kept, bank.corpus_hash)
