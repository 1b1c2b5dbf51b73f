"""`policybot chat`: the same conversation in a terminal, for trying the bot without a token."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.core import texts
from bot.core.chat import AnswerPage, ChatService, RateLimited
from bot.core.questions import QuestionError
from bot.core.services import Services

CONSOLE_USER = 0
PROMPT = "问> "
HELP = "输入问题直接提问；/more 更多出处，/source N 查看第 N 条出处的原文上下文，/docs 资料目录，/quit 退出。"


def render_page(page: AnswerPage) -> str:
    answer = page.answer
    lines = [f"答：{answer.answer}"]
    if answer.truncated:
        lines.append(texts.TRUNCATED)
    last = page.first_number + len(page.citations) - 1
    lines.append(f"出处（第 {page.first_number}–{last} 条，共 {len(answer.citations)} 条）：")
    for n, c in enumerate(page.citations, page.first_number):
        text = c.text.strip()
        if c.highlight and c.highlight in text:
            text = text.replace(c.highlight, f"【{c.highlight}】", 1)
        lines.append(f"  [{n}] 《{c.doc_title}》{c.location}")
        lines.append(f"      {text}")
    if page.page + 1 < page.pages:
        lines.append("（输入 /more 查看更多出处）")
    return "\n".join(lines)


async def run_console(services: Services, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
    service = services.answers

    def say(text: str) -> None:
        print(text, file=stdout, flush=True)

    titles = [d.title for d in service.documents()]
    say(f"理论学习助手（终端版）。资料：{texts.topics_hint(titles)}。\n{HELP}")
    last: AnswerPage | None = None
    while True:
        print(PROMPT, end="", file=stdout, flush=True)
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        line = line.strip()
        if line in {"/quit", "/exit", "退出"}:
            break
        if line in {"/help", "/start"}:
            say(HELP)
        elif line == "/docs":
            say("\n".join(f"《{d.title}》— {d.passages} 段" for d in service.documents()))
        elif line == "/more":
            if last is None:
                say("请先提问。")
            else:
                last = service.page(last.answer_id, last.page + 1) or last
                say(render_page(last))
        elif line.startswith("/source"):
            say(_source(service, last, line))
        else:
            last = await _ask(service, line, say) or last
    await services.close()


async def _ask(service: ChatService, question: str, say) -> AnswerPage | None:
    try:
        page = await service.ask(question, CONSOLE_USER, CONSOLE_USER)
    except QuestionError as exc:
        say(str(exc))
        return None
    except RateLimited as exc:
        say(texts.TOO_FAST.format(seconds=max(1, round(exc.retry_in))))
        return None
    if not page.answer.found:
        say(texts.NOT_FOUND.format(topics=service.topics()))
        return None
    say(render_page(page))
    return page


def _source(service: ChatService, last: AnswerPage | None, line: str) -> str:
    parts = line.split()
    if last is None or len(parts) != 2 or not parts[1].isdigit():
        return "用法：先提问，再输入 /source 1 查看第 1 条出处的原文上下文。"
    n = int(parts[1])
    if not 1 <= n <= len(last.answer.citations):
        return f"没有第 {n} 条出处。"
    ctx = service.context(last.answer.citations[n - 1].passage_id)
    if ctx is None:
        return texts.STALE_BUTTON
    out = [f"{texts.SOURCE_HEADER}：《{ctx.passage.doc_title}》"]
    for p, mark in ((ctx.before, "  "), (ctx.passage, "▶ "), (ctx.after, "  ")):
        if p is not None:
            out.append(f"{mark}{p.location}\n    {p.text.strip()}")
    return "\n".join(out)
