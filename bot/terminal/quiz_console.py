"""`policybot quiz`: a quiz in the terminal with the same engine as the bot; it renders events."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.core.quiz.engine import QuizEngine, QuizError
from bot.core.quiz.events import AnswerRecorded, AnswerRejected, Event, NextQuestion, SessionFinished
from bot.core.quiz.items import FILL, JUDGE, MULTI
from bot.core.quiz.model import AskedQuestion, Player
from bot.core.quiz.replies import LETTERS, parse_reply

CONSOLE_ROOM = "console"
ME = Player("console", "我")
CHOOSE_AGAIN = "请写出选项的字母或序号，例如 A，多选题写 A,C 或 1,3。"


def question_text(asked: AskedQuestion) -> str:
    item = asked.item
    lines = [asked.heading, item.question]
    if item.kind == JUDGE:
        lines.append("  请回答：对 / 错")
    elif item.kind == FILL or not item.options:
        lines.append("  请填写空格处的内容：")
    else:
        lines += [f"  {LETTERS[i]}. {option}" for i, option in enumerate(item.options)]
        if item.kind == MULTI:
            lines.append("  （多选：选出全部正确选项，例如 A,C 或 1,3）")
    return "\n".join(lines)


def run_quiz(engine: QuizEngine, size: int, keyword: str | None,
             stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:  # fmt: skip
    def say(text: str) -> None:
        print(text, file=stdout, flush=True)

    engine.stop(CONSOLE_ROOM)  # a quiz left over from an interrupted run
    try:
        events: list[Event] = engine.start(CONSOLE_ROOM, ME.player_id, size, keyword, solo=True)
    except QuizError as exc:
        say(str(exc))
        return 2
    while events:
        pending, events = events, []
        for event in pending:
            if isinstance(event, NextQuestion):
                events = _ask(engine, event.question, stdin, say)
            elif isinstance(event, AnswerRecorded):
                item = event.question.item
                verdict = "✅ 回答正确！" if event.correct else f"❌ 回答错误。正确答案：{item.correct_text}"
                say(f"{verdict}\n{item.explanation}")
            elif isinstance(event, AnswerRejected):
                say("这道题已经结束，答案不再计分。")
            elif isinstance(event, SessionFinished):
                mine = next((s for s in event.leaderboard if s.player_id == ME.player_id), None)
                if mine:
                    say(f"\n本轮结束：答对 {mine.correct}/{mine.answered} 题，正确率 {mine.accuracy:.0%}。")
                else:
                    say("\n本轮结束。")
    return 0


def _ask(engine: QuizEngine, asked: AskedQuestion, stdin: TextIO, say) -> list[Event]:
    """Show a question and read lines until one is an answer; end of input stops the session."""
    say("\n" + question_text(asked))
    while line := stdin.readline():
        reply = parse_reply(asked.item, line)
        if reply is not None and reply != "":
            return engine.answer(asked, ME, reply)
        say(CHOOSE_AGAIN if asked.item.kind != FILL else "请填写答案：")
    return engine.stop(CONSOLE_ROOM)
