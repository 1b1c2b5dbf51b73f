"""Pre-split passages from a JSONL file (`policybot index build --passages`), one bad line at a time.

Why lenient: such files come from other tools, and one empty field in a file of thousands of
passages should not cost the whole build. A missing title falls back to the file name (or the
id); a line without text, with a repeated id or that is not a JSON object is skipped. Each case
is reported with file and line, and only a file with nothing usable fails.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.encoding import decode_text
from corpus.errors import CorpusError, EmptyDocumentError, UnreadableDocumentError
from corpus.model import Passage

# Why a line was skipped or repaired, as shown in warnings and the summary.
BAD_JSON = "不是有效的 JSON"
NOT_OBJECT = "不是 JSON 对象"
NO_ID = "缺少编号"
NO_TEXT = "缺少文本"
DUPLICATE_ID = "编号重复"
NO_TITLE = "缺少标题"


@dataclass(frozen=True)
class LineIssue:
    path: Path
    line: int
    reason: str  # one of the constants above
    detail: str  # what exactly, in Chinese
    skipped: bool  # False: the line was kept with a fallback

    def warning(self) -> str:
        action = "已跳过" if self.skipped else "已保留"
        return f"警告：{self.path.name} 第 {self.line} 行{self.reason}，{action}（{self.detail}）"


@dataclass
class PassageFileReport:
    """What one or more passage files gave: the passages and every line that needed a word."""

    passages: list[Passage] = field(default_factory=list)
    issues: list[LineIssue] = field(default_factory=list)

    def summary(self) -> str:
        """One line: kept, skipped and why (counts per reason)."""
        skipped = Counter(i.reason for i in self.issues if i.skipped)
        repaired = Counter(i.reason for i in self.issues if not i.skipped)
        text = f"段落文件：保留 {len(self.passages)} 段，跳过 {sum(skipped.values())} 行"
        if skipped:
            text += "（" + "，".join(f"{reason} {n}" for reason, n in skipped.items()) + "）"
        if repaired:
            text += "；" + "，".join(f"{reason} {n} 段已用替代标题" for reason, n in repaired.items())
        return text


def load_passage_file(path: Path, report: PassageFileReport | None = None) -> PassageFileReport:
    """Add the usable passages of `path` to `report`; ids must be unique across all its files."""
    path = Path(path)
    report = report if report is not None else PassageFileReport()
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise CorpusError("找不到段落文件。", path) from exc
    except OSError as exc:
        raise UnreadableDocumentError(f"无法读取段落文件（{exc.strerror}）。", path) from exc
    try:
        lines = decode_text(raw).split("\n")
    except CorpusError as err:
        err.path = path
        raise
    seen = {p.passage_id: p for p in report.passages}
    kept = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        passage = _passage(path, number, line, seen, report.issues)
        if passage is not None:
            seen[passage.passage_id] = passage
            report.passages.append(passage)
            kept += 1
    if not kept:
        raise EmptyDocumentError(
            "文件中没有可用的段落：每行应是一个 JSON 对象，含非空的“id”和“text”（“title”可省略）。", path
        )
    return report


def _passage(
    path: Path, number: int, line: str, seen: dict[str, Passage], issues: list[LineIssue]
) -> Passage | None:
    def skip(reason: str, detail: str) -> None:
        issues.append(LineIssue(path, number, reason, detail, skipped=True))

    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        skip(BAD_JSON, f"第 {err.colno} 列附近")
        return None
    if not isinstance(record, dict):
        skip(NOT_OBJECT, "每行应是一个 JSON 对象")
        return None
    passage_id = _text_field(record, "id", allow_int=True)
    if passage_id is None:
        skip(NO_ID, "“id”应是非空字符串或整数")
        return None
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        skip(NO_TEXT, f"编号“{passage_id}”的“text”为空或缺失")
        return None
    if passage_id in seen:
        skip(DUPLICATE_ID, f"编号“{passage_id}”已在前面出现")
        return None
    title = _text_field(record, "title")
    if title is None:
        title = path.stem or passage_id
        issues.append(LineIssue(path, number, NO_TITLE, f"用“{title}”作标题", skipped=False))
    return Passage(
        passage_id=passage_id,
        doc_id=title,
        doc_title=title,
        section="",
        location="",
        text=text,
        start=0,
        end=len(text),
    )


def _text_field(record: dict[str, Any], key: str, allow_int: bool = False) -> str | None:
    """A non-empty string field (ids may also be integers, kept as their digits); None if unusable."""
    value = record.get(key)
    if allow_int and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def load_passages_jsonl(path: Path) -> list[Passage]:
    """The passages of one file (what was skipped is in `load_passage_file`'s report)."""
    return load_passage_file(path).passages
