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
from bot.core.quiz.items import CHOICE, JUDGE, KINDS, MULTI, TRUE_FALSE, QuizItem, item_id, parse_indexes
from corpus.model import Passage
from index.atomic import write_text_atomic
from index.paths import bank_file
from index.store import corpus_hash

CSV_FIELDS = ["item_id", "kind", "question", "answer", "options", "correct", "explanation",
              "passage_id", "doc_id", "doc_title", "location", "source", "topic"]  # fmt: skip


GENERATOR_VERSION = 12  # 2: structure, formulation, multi, worth; 3: marked formulations only, no padding; 4: no bare numbered formulas; 5: one item per sentence, PER_FORM, causes and parts of quotations; 6: named lines, no stock triads/reshuffles/asides; 7: the ethnic-affairs laws' core rules (rules.py); 8: the speech's statements and measures (measures.py); 9: more core-rule forms (工作坚持…的原则, 禁止破坏民族团结…, 共居共学…); 10: no placement of a maxim or of a clause that shares the heading's words; 11: placements capped per part (quotations first), no thesis/loose-list placements, no "who is charged", laws off the topic dropped, causes asked twice; 12: cause stems quote the speech's own wording


BANK_SCOPE = "题库只收值得记住的内容（讲话的结构和重要提法、法规反复出现的提法、民族法规的核心规定），不是每份资料都有题目。"


def bank_path(data_dir: Path) -> Path:
    """Where the question bank lives (hand-written items survive rebuilds there)."""
    return bank_file(data_dir)


class BankError(ValueError):
    """An imported bank file is malformed; the message names the row, in Chinese."""


@dataclass
class QuizBank:
    items: list[QuizItem]
    corpus_hash: str = ""  # the passages the generated items were made from
    generator: int = GENERATOR_VERSION  # the rules that made them: older banks are regenerated

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
    """The stored bank, regenerated (manual items kept) when the material or the rules changed."""
    previous = load_bank(path)
    current = previous is not None and previous.generator == GENERATOR_VERSION
    if previous is not None and current and previous.corpus_hash == corpus_hash(passages):
        return previous
    bank = rebuild(passages, previous)
    save_bank(bank, path)
    return bank


def load_bank(path: Path) -> QuizBank | None:
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    items = [QuizItem.from_dict(row) for row in data["items"]]
    return QuizBank(items, data.get("corpus_hash", ""), int(data.get("generator", 1)))


def save_bank(bank: QuizBank, path: Path) -> None:
    payload = {
        "format": 1,
        "generator": bank.generator,
        "corpus_hash": bank.corpus_hash,
        "items": [i.to_dict() for i in bank.items],
    }
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
        row["correct"] = item.correct_field()
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
        raise BankError(f"第 {number} 条的题型“{kind}”无效，应为 fill、choice、judge 或 multi")
    options = list(row.get("options") or [])
    if kind == JUDGE and not options:
        options = list(TRUE_FALSE)
    raw = row.get("correct")
    try:
        right = _multi_indexes(row) if kind == MULTI else []
        correct = -1 if kind == MULTI or raw in ("", None) else int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise BankError(f"第 {number} 条的正确选项序号无效") from exc
    if kind == MULTI and (len(options) < 3 or not right or right[-1] >= len(options) or right[0] < 0):
        raise BankError(f"第 {number} 条是多选题，正确选项序号应为用“|”分隔的选项序号（如 0|2）")
    if kind == CHOICE and (len(options) < 2 or not 0 <= correct < len(options)):
        raise BankError(f"第 {number} 条是单选题，但选项或正确选项序号不对")
    if kind == JUDGE and correct not in (0, 1):
        raise BankError(f"第 {number} 条是判断题，correct 应为 0（正确）或 1（错误）")
    data = dict(row, kind=kind, options=options, correct=correct, correct_set=right)
    data["source"] = row.get("source") or "manual"
    data["item_id"] = row.get("item_id") or item_id(kind, row["question"], row["answer"])
    return QuizItem.from_dict(data)


def _multi_indexes(row: dict) -> list[int]:
    """A multi item's right options: `correct_set` (JSON) or "0|2" in `correct` (CSV)."""
    if row.get("correct_set"):
        return sorted({int(i) for i in row["correct_set"]})
    raw = row.get("correct")
    return [int(raw)] if isinstance(raw, int) else parse_indexes(str(raw or ""))


def merge(bank: QuizBank, items: list[QuizItem]) -> QuizBank:
    """Imported items replace items with the same id and are kept as manual from now on."""
    imported = {i.item_id: QuizItem.from_dict(i.to_dict() | {"source": "manual"}) for i in items}
    kept = [i for i in bank.items if i.item_id not in imported]
    return QuizBank(list(imported.values()) + kept, bank.corpus_hash, bank.generator)
