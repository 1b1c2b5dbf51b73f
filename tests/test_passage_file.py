"""`index build --passages`: one bad line costs that line, with a warning naming file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.errors import CorpusError, EmptyDocumentError
from corpus.passage_file import (
    BAD_JSON,
    DUPLICATE_ID,
    NO_ID,
    NO_TEXT,
    NO_TITLE,
    NOT_OBJECT,
    PassageFileReport,
    load_passage_file,
)

GOOD = {"id": "p1", "title": "国歌法", "text": "国歌是《义勇军进行曲》。"}


def write_jsonl(folder: Path, name: str, *lines: object) -> Path:
    path = folder / name
    body = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize("title", [None, "", "   "])
def test_missing_or_empty_title_falls_back_to_the_file_name(tmp_path: Path, title: str | None) -> None:
    record = {"id": "p2", "text": "第二段正文。"} | ({} if title is None else {"title": title})
    path = write_jsonl(tmp_path, "宪法摘录.jsonl", GOOD, record)
    report = load_passage_file(path)
    assert [p.passage_id for p in report.passages] == ["p1", "p2"]
    assert (report.passages[1].doc_title, report.passages[1].doc_id) == ("宪法摘录", "宪法摘录")
    (issue,) = report.issues
    assert (issue.reason, issue.line, issue.skipped) == (NO_TITLE, 2, False)
    assert "宪法摘录.jsonl 第 2 行" in issue.warning()
    assert "已保留" in issue.warning()


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        ("{not json", BAD_JSON),
        ('["a", "b"]', NOT_OBJECT),
        ('{"title": "t", "text": "正文"}', NO_ID),
        ('{"id": true, "title": "t", "text": "正文"}', NO_ID),
        ('{"id": "x", "title": "t"}', NO_TEXT),
        ('{"id": "x", "title": "t", "text": "  "}', NO_TEXT),
        ('{"id": "x", "title": "t", "text": 5}', NO_TEXT),
        ('{"id": "p1", "title": "t", "text": "另一段"}', DUPLICATE_ID),
    ],
)
def test_bad_line_is_skipped_with_file_and_line(tmp_path: Path, bad_line: str, reason: str) -> None:
    path = write_jsonl(tmp_path, "data.jsonl", GOOD, bad_line, {"id": 7, "title": "t", "text": "第三段。"})
    report = load_passage_file(path)
    assert [p.passage_id for p in report.passages] == ["p1", "7"]
    assert report.passages[0].text == GOOD["text"]  # the first of two equal ids is the one kept
    (issue,) = report.issues
    assert (issue.reason, issue.line, issue.skipped) == (reason, 2, True)
    assert issue.warning().startswith("警告：data.jsonl 第 2 行")
    assert "已跳过" in issue.warning()


def test_summary_counts_kept_skipped_and_why(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path,
        "mixed.jsonl",
        GOOD,
        "",
        "{broken",
        {"id": "p1", "title": "t", "text": "重复"},
        {"id": "p3", "title": "t", "text": ""},
        {"id": "p4", "title": "t", "text": "   "},
        {"id": "p5", "text": "无标题的段落。"},
    )
    report = load_passage_file(path)
    assert report.summary() == (
        f"段落文件：保留 2 段，跳过 4 行（{BAD_JSON} 1，{DUPLICATE_ID} 1，{NO_TEXT} 2）；{NO_TITLE} 1 段已用替代标题"
    )


def test_ids_are_unique_across_files(tmp_path: Path) -> None:
    report = PassageFileReport()
    load_passage_file(write_jsonl(tmp_path, "a.jsonl", GOOD), report)
    load_passage_file(
        write_jsonl(tmp_path, "b.jsonl", GOOD, {"id": "p9", "title": "t", "text": "新段落。"}), report
    )
    assert [p.passage_id for p in report.passages] == ["p1", "p9"]
    assert [(i.path.name, i.reason) for i in report.issues] == [("b.jsonl", DUPLICATE_ID)]


@pytest.mark.parametrize(
    "lines",
    [(), ("",), ("{broken", '{"id": "a", "title": "t", "text": ""}'), ('["just", "a", "list"]',)],
)
def test_a_file_with_nothing_usable_fails_in_chinese(tmp_path: Path, lines: tuple[str, ...]) -> None:
    path = write_jsonl(tmp_path, "nothing.jsonl", *lines)
    with pytest.raises(EmptyDocumentError) as excinfo:
        load_passage_file(path)
    assert "没有可用的段落" in str(excinfo.value)
    assert "nothing.jsonl" in str(excinfo.value)


def test_a_missing_file_fails_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(CorpusError) as excinfo:
        load_passage_file(tmp_path / "absent.jsonl")
    assert "找不到段落文件" in str(excinfo.value)
