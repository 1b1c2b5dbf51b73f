"""The terminal quiz: typed answers (letters, numbers, "1,3" for multi-select) against the real engine."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.database import Database
from bot.core.quiz.bank import QuizBank
from bot.core.quiz.engine import QuizEngine
from bot.core.quiz.items import BLANK, CHOICE, MULTI, QuizItem
from bot.core.quiz.replies import parse_reply
from bot.terminal.quiz_console import run_quiz

CHOICE_ITEM = QuizItem("c1", CHOICE, f"要坚持{BLANK}", "系统思维", ["高位推动", "系统思维", "守正创新", "合力攻坚"], 1,
                       passage_id="p1", doc_id="speech", doc_title="县委讲话")  # fmt: skip
MULTI_ITEM = QuizItem("m1", MULTI, "创建工作要求哪些？", "有形、有感", ["有形", "有钱", "有感", "有名"],
                      correct_set=[0, 2], passage_id="p2", doc_id="speech", doc_title="县委讲话")  # fmt: skip


def play(tmp_path: Path, lines: str) -> str:
    engine = QuizEngine(Database(tmp_path / "s.sqlite"), QuizBank([CHOICE_ITEM, MULTI_ITEM]))
    out = io.StringIO()
    assert run_quiz(engine, 2, None, io.StringIO(lines), out) == 0
    return out.getvalue()


def test_multi_select_typed_as_numbers_scores_the_exact_set(tmp_path: Path) -> None:
    text = play(tmp_path, "B\n甲乙\n3,1\n")  # choice first (kinds take turns), then the multi item
    assert "（多选：" in text and "请写出选项的字母或序号" in text  # "甲乙" names no option: asked again
    assert text.count("✅ 回答正确") == 2 and "答对 2/2 题" in text


def test_a_partial_multi_select_is_wrong_and_end_of_input_stops(tmp_path: Path) -> None:
    text = play(tmp_path, "A\n1\n")
    assert "❌ 回答错误。正确答案：高位推动" not in text and "正确答案：系统思维" in text
    assert "正确答案：有形、有感" in text and "答对 0/2 题" in text
    assert "本轮结束" in play(tmp_path, "B\n")  # input ends mid-session: stopped, scores shown


def test_typed_replies_mean_what_members_expect() -> None:
    assert parse_reply(MULTI_ITEM, "1、3") == [0, 2] and parse_reply(MULTI_ITEM, "a c") == [0, 2]
    assert parse_reply(MULTI_ITEM, "AC") == [0, 2] and parse_reply(MULTI_ITEM, "5") is None
    assert parse_reply(CHOICE_ITEM, "b") == 1 and parse_reply(CHOICE_ITEM, "系统思维") == "系统思维"
    assert parse_reply(CHOICE_ITEM, "1,2") is None


@pytest.mark.slow
def test_terminal_quiz_then_stats_as_an_organiser_runs_them(assistant, session_data_dir: Path) -> None:
    """`policybot quiz` records a wrong answer; `policybot quiz stats` lists that item with its answer."""

    def policybot(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        env = dict(os.environ, POLICYBOT_DATA_DIR=str(session_data_dir))
        return subprocess.run([sys.executable, "-m", "bot.terminal.cli", *args], input=stdin, capture_output=True,
                              text=True, env=env, timeout=600)  # fmt: skip

    played = policybot("quiz", "-n", "1", "-k", "通用语言文字", stdin="不知道\n")
    assert played.returncode == 0, played.stderr
    assert "❌ 回答错误。正确答案：" in played.stdout and "答对 0/1 题" in played.stdout
    question = played.stdout.split("题（", 1)[1].split("\n")[1]
    stats = policybot("quiz", "stats", "-n", "200", "--min-answers", "1")
    assert stats.returncode == 0, stats.stderr
    line = next(i for i, text in enumerate(stats.stdout.splitlines()) if text.strip() == question)
    assert "答对 0/" in stats.stdout.splitlines()[line - 1]
