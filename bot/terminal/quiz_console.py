"""`policybot quiz`: a quiz in the terminal with the same engine as the bot."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.core.quiz.engine import AskedQuestion, QuizEngine, QuizError
from bot.core.quiz.items import CHOICE, JUDGE

CONSOLE_CHAT = 0
CONSOLE_USER = 0
LETTERS = "ABCD"


def question_text(asked: AskedQuestion) -> str:
    item = asked.item
    lines = [asked.heading, item.question]
    if item.kind == CHOICE:
        lines += [f"  {LETTERS[i]}. {option}" for i, option in enumerate(item.options)]
    elif item.kind == JUDGE:
        lines.append("  请回答：对 / 错")
    else:
        lines.append("  请填写空格处的内容：")
    return "\n".join(lines)


def parse_reply(asked: AskedQuestion, text: str) -> str | int:
    text = text.strip()
    if asked.item.kind == CHOICE and text.upper() in LETTERS[: len(asked.item.options)]:
        return LETTERS.index(text.upper())
    if asked.item.kind == JUDGE:
        if text in {"对", "正确", "√", "是", "T", "t", "true"}:
            return 0
        if text in {"错", "错误", "×", "否", "F", "f", "false"}:
            return 1
    return text


def run_quiz(engine: QuizEngine, size: int, keyword: str | None,
             stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:  # fmt: skip
    def say(text: str) -> None:
        print(text, file=stdout, flush=True)

    engine.stop(CONSOLE_CHAT)  # a quiz left over from an interrupted run
    try:
        asked: AskedQuestion | None = engine.start(CONSOLE_CHAT, CONSOLE_USER, size, keyword)
    except QuizError as exc:
        say(str(exc))
        return 2
    session_id = asked.session.session_id
    while asked is not None:
        say("\n" + question_text(asked))
        line = stdin.readline()
        if not line:
            engine.stop(CONSOLE_CHAT)
            break
        result = engine.answer(asked, CONSOLE_USER, "我", parse_reply(asked, line))
        item = asked.item
        if result is not None:
            right = item.correct_text
            say(
                ("✅ 回答正确！" if result.correct else f"❌ 回答错误。正确答案：{right}")
                + f"\n{item.explanation}"
            )
        engine.close_question(asked)
        asked = engine.advance(asked)
    board = engine.leaderboard(session_id)
    mine = board[0] if board else None
    if mine:
        say(f"\n本轮结束：答对 {mine.correct}/{mine.answered} 题，正确率 {mine.accuracy:.0%}。")
    else:
        say("\n本轮结束。")
    return 0
