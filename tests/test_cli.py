"""`policybot` as a user runs it: real model, real files.

Logic is tested in-process (`main(argv, environ)`, output captured); a few tests start the real
entry point as a separate process.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.terminal.cli import main
from corpus.bundled import BUNDLED_DIR
from tests.fakes import copy_sqlite

pytestmark = pytest.mark.slow
JSON_KEYS = {"question", "found", "answer", "citations"}
CITATION_KEYS = {"passage_id", "doc_title", "section", "location", "text", "score"}


def policybot(*args: str, stdin: str | None = None, data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, POLICYBOT_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "bot.terminal.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture
def policybot_in_process(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """`policybot ARGS` through `main()` in this process; the result looks like a subprocess's."""

    def run(*args: str, stdin: str | None = None, data_dir: Path) -> subprocess.CompletedProcess:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        capsys.readouterr()
        code = main(list(args), environ=dict(os.environ, POLICYBOT_DATA_DIR=str(data_dir)))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out, err)

    return run


@pytest.fixture(scope="module")
def data_dir(assistant, session_data_dir: Path) -> Path:
    """Reuse the session's bundled index (the `assistant` fixture builds it)."""
    return session_data_dir


def test_ask_json_contract(data_dir: Path) -> None:
    run = policybot("ask", "--json", "创建品牌的主题是什么？", "明天天气怎么样", data_dir=data_dir)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().split("\n")
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert set(first) == JSON_KEYS and set(second) == JSON_KEYS
    assert first["found"] is True and len(first["citations"]) == 5
    assert all(set(c) == CITATION_KEYS for c in first["citations"])
    assert "世界菌乡" in first["citations"][0]["text"]
    assert second["found"] is False and second["citations"] == []
    assert "token" not in run.stderr.lower()


def test_ask_reads_questions_from_stdin_and_k(data_dir: Path, policybot_in_process) -> None:
    run = policybot_in_process(
        "ask", "--json", "-k", "2", "-", stdin="三个大抓\n民族团结进步宣传周是哪一周\n", data_dir=data_dir
    )
    assert run.returncode == 0, run.stderr
    answers = [json.loads(line) for line in run.stdout.strip().split("\n")]
    assert [a["question"] for a in answers] == ["三个大抓", "民族团结进步宣传周是哪一周"]
    assert all(len(a["citations"]) == 2 for a in answers)


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_exits_2(data_dir: Path, question: str, policybot_in_process) -> None:
    run = policybot_in_process("ask", question, data_dir=data_dir)
    assert run.returncode == 2
    assert "问题不能为空" in run.stderr


def test_plain_output_is_chinese_and_cited(data_dir: Path, policybot_in_process) -> None:
    run = policybot_in_process("ask", "三个大抓", data_dir=data_dir)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("问：三个大抓") and "出处：" in run.stdout and "《" in run.stdout


def test_build_skips_broken_files_and_answers_from_the_rest(
    tmp_path: Path, data_dir: Path, policybot_in_process
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    law = (BUNDLED_DIR / "policies" / "国歌法(2017-09-01).md").read_bytes()
    (corpus / "国歌法.md").write_bytes(law)
    (corpus / "坏文件.pdf").write_bytes(b"%PDF-1.4 truncated")
    (corpus / "二进制.txt").write_bytes(bytes(range(256)) * 8)
    passages = tmp_path / "extra.jsonl"
    passages.write_text(
        json.dumps(
            {"id": "x-1", "title": "补充材料", "text": "世界菌乡、你我共享是创建品牌的主题。"},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "index"
    run = policybot_in_process(
        "index",
        "build",
        "--corpus",
        str(corpus),
        "--passages",
        str(passages),
        "--out",
        str(out),
        data_dir=data_dir,
    )
    assert run.returncode == 0, run.stderr
    assert "坏文件.pdf" in run.stderr and "二进制.txt" in run.stderr
    assert "已构建索引" in run.stdout
    ask = policybot_in_process(
        "ask", "--index", str(out), "--json", "-k", "1", "国歌的歌词是什么", data_dir=data_dir
    )
    answer = json.loads(ask.stdout)
    assert "国歌" in answer["citations"][0]["doc_title"]
    ask = policybot_in_process("ask", "--index", str(out), "--json", "-k", "1", "品牌主题", data_dir=data_dir)
    assert json.loads(ask.stdout)["citations"][0]["passage_id"] == "x-1"

    (out / "passages.faiss").unlink()
    broken = policybot_in_process("ask", "--index", str(out), "三个大抓", data_dir=data_dir)
    assert broken.returncode == 1 and "重新构建" in broken.stderr

    manifest = json.loads((tmp_path / "index" / "manifest.json").read_text(encoding="utf-8"))
    manifest["model"] = "BAAI/bge-small-zh-v1.5"
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    other = policybot_in_process("ask", "--index", str(out), "三个大抓", data_dir=data_dir)
    assert other.returncode == 1 and "bge-small-zh" in other.stderr and "重新构建" in other.stderr


def test_build_from_a_messy_passages_file_keeps_the_good_lines(
    tmp_path: Path, data_dir: Path, policybot_in_process
) -> None:
    lines = [
        {"id": "a", "title": "", "text": "世界菌乡、你我共享是创建品牌的主题。"},
        {"id": "b", "title": "补充材料", "text": ""},
        {"id": "a", "title": "补充材料", "text": "重复的编号。"},
        {"id": "c", "title": "补充材料", "text": "民族团结进步宣传月在九月。"},
    ]
    messy = tmp_path / "补充.jsonl"
    body = [json.dumps(line, ensure_ascii=False) for line in lines]
    messy.write_text("\n".join([*body[:2], "{坏行", *body[2:]]) + "\n", encoding="utf-8")
    out = tmp_path / "index"
    run = policybot_in_process(
        "index", "build", "--passages", str(messy), "--out", str(out), data_dir=data_dir
    )
    assert run.returncode == 0, run.stderr
    for line in (1, 2, 3, 4):
        assert f"补充.jsonl 第 {line} 行" in run.stderr
    assert run.stdout.strip().splitlines()[-1] == (
        "段落文件：保留 2 段，跳过 3 行（缺少文本 1，不是有效的 JSON 1，编号重复 1）；缺少标题 1 段已用替代标题"
    )
    ask = policybot_in_process("ask", "--index", str(out), "--json", "-k", "1", "品牌主题", data_dir=data_dir)
    citation = json.loads(ask.stdout)["citations"][0]
    assert (citation["passage_id"], citation["doc_title"]) == ("a", "补充")

    nothing = tmp_path / "空.jsonl"
    nothing.write_text("{坏行\n" + json.dumps({"id": "x", "text": " "}) + "\n", encoding="utf-8")
    failed = policybot_in_process(
        "index", "build", "--passages", str(nothing), "--out", str(out), data_dir=data_dir
    )
    assert failed.returncode == 1
    assert "空.jsonl" in failed.stderr and "没有可用的段落" in failed.stderr


def test_eval_prints_the_metrics(tmp_path: Path, data_dir: Path, policybot_in_process) -> None:
    passages = tmp_path / "p.jsonl"
    queries = tmp_path / "q.jsonl"
    rows = [
        ("a", "国歌", "中华人民共和国国歌是《义勇军进行曲》。"),
        ("b", "国旗", "中华人民共和国国旗是五星红旗。"),
        ("c", "宣传周", "每年9月的第四周为民族团结进步宣传周。"),
    ]
    passages.write_text(
        "".join(json.dumps({"id": i, "title": t, "text": x}, ensure_ascii=False) + "\n" for i, t, x in rows),
        encoding="utf-8",
    )
    queries.write_text(
        "".join(
            json.dumps({"q": q, "passage_id": p, "answer": "", "qid": p}, ensure_ascii=False) + "\n"
            for q, p in [("国歌是哪首歌", "a"), ("国旗是什么样的", "b"), ("宣传周在几月", "c")]
        ),
        encoding="utf-8",
    )
    run = policybot_in_process(
        "eval", "--passages", str(passages), "--queries", str(queries), data_dir=data_dir
    )
    assert run.returncode == 0, run.stderr
    for label in ("hit@1: 1.0000", "hit@5: 1.0000", "hit@10", "MRR@10", "latency p50", "latency p95"):
        assert label in run.stdout


def test_first_use_says_it_builds_the_index_and_stays_quiet(tmp_path: Path, data_dir: Path) -> None:
    """A newcomer's first question builds the bundled index: announced once, no library chatter."""
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    copy_sqlite(data_dir / "embeddings.sqlite", fresh / "embeddings.sqlite")  # skip re-embedding
    first = policybot("ask", "创建品牌的主题是什么？", data_dir=fresh)
    assert first.returncode == 0, first.stderr
    assert "首次使用" in first.stderr and "世界菌乡" in first.stdout
    assert "DEBUG" not in first.stderr, first.stderr  # bm25s forces DEBUG on its logger
    again = policybot("ask", "创建品牌的主题是什么？", data_dir=fresh)
    assert again.returncode == 0 and "首次使用" not in again.stderr
