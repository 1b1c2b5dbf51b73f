"""Answers as Telegram HTML: everything from users or the corpus is escaped, tags always balance.

Long output is packed from whole, balanced blocks into messages of at most 4096 characters, so a
split never cuts a tag apart.
"""

from __future__ import annotations

from html import escape

from telegram.constants import MessageLimit

from bot.core import texts
from bot.core.answers import Citation
from bot.core.chat import AnswerPage
from bot.core.library import DocumentSummary, PassageContext
from corpus.model import Passage

LIMIT = MessageLimit.MAX_TEXT_LENGTH


PAGE_EXCERPT = 900  # a citation on an answer page shows at most this much; 原文 shows all


def excerpt(text: str, highlight: str, limit: int = PAGE_EXCERPT) -> str:
    """The passage cut to `limit` characters around its answering sentence, marked with …"""
    text = text.strip()
    if len(text) <= limit:
        return text
    at = max(text.find(highlight), 0) if highlight else 0
    start = max(0, min(at - limit // 3, len(text) - limit))
    body = text[start : start + limit]
    return ("…" if start > 0 else "") + body + ("…" if start + limit < len(text) else "")


def highlighted(text: str, highlight: str) -> str:
    """The passage, escaped, with the answering sentence in bold."""
    text = text.strip()
    at = text.find(highlight) if highlight else -1
    if at < 0:
        return escape(text)
    end = at + len(highlight)
    return f"{escape(text[:at])}<b>{escape(text[at:end])}</b>{escape(text[end:])}"


def citation_block(number: int, citation: Citation, limit: int = PAGE_EXCERPT) -> str:
    head = f"<b>{number}.</b> 《{escape(citation.doc_title)}》{escape(citation.location)}"
    shown = excerpt(citation.text, citation.highlight, limit)
    return f"{head}\n<blockquote>{highlighted(shown, citation.highlight)}</blockquote>"


def answer_blocks(page: AnswerPage, limit: int = PAGE_EXCERPT) -> list[str]:
    answer = page.answer
    first = f"<b>答：</b>{escape(excerpt(answer.answer, '', limit))}"
    if answer.truncated:
        first += f"\n<i>{escape(texts.TRUNCATED)}</i>"
    last = page.first_number + len(page.citations) - 1
    total = len(answer.citations)
    blocks = [first, f"<b>出处</b>（第 {page.first_number}–{last} 条，共 {total} 条）"]
    blocks += [citation_block(page.first_number + i, c, limit) for i, c in enumerate(page.citations)]
    return blocks


def page_message(page: AnswerPage) -> str:
    """A page of the answer as ONE message (paging edits one message): excerpts shrink to fit."""
    for limit in (PAGE_EXCERPT, 600, 400, 250, 120):
        parts = pack(answer_blocks(page, limit))
        if len(parts) == 1:
            break
    return parts[0]


def not_found_text(topics: str) -> str:
    return escape(texts.NOT_FOUND.format(topics=topics))


def context_blocks(ctx: PassageContext) -> list[str]:
    p = ctx.passage
    blocks = [f"<b>{escape(texts.SOURCE_HEADER)}</b>\n《{escape(p.doc_title)}》{escape(p.section)}"]
    if ctx.before is not None:
        blocks.append(_passage_block(ctx.before, current=False))
    blocks.append(_passage_block(p, current=True))
    if ctx.after is not None:
        blocks.append(_passage_block(ctx.after, current=False))
    return blocks


def _passage_block(p: Passage, current: bool) -> str:
    label = f"{'▶ ' if current else ''}{escape(p.location)}"
    body = f"<b>{escape(p.text.strip())}</b>" if current else escape(p.text.strip())
    return f"<i>{label}</i>\n{body}"


def documents_text(documents: list[DocumentSummary]) -> list[str]:
    lines = [f"<b>{escape(texts.DOCS_HEADER.format(count=len(documents)))}</b>"]
    lines += [f"{i}. 《{escape(d.title)}》— {d.passages} 段" for i, d in enumerate(documents, 1)]
    return pack(lines, separator="\n")


def pack(blocks: list[str], separator: str = "\n\n", limit: int = LIMIT) -> list[str]:
    """Greedily pack balanced blocks into messages no longer than `limit`."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _fit(block, limit):
            candidate = f"{current}{separator}{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                if current:
                    messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _fit(block: str, limit: int) -> list[str]:
    """A block longer than a message is cut into escaped plain-text pieces (tags dropped)."""
    if len(block) <= limit:
        return [block]
    import re
    from html import unescape

    plain = unescape(re.sub(r"<[^>]+>", "", block))
    pieces, current = [], ""
    for char in plain:  # measured after escaping: '&' becomes 5 characters, quotes 6
        escaped = escape(char)
        if len(current) + len(escaped) > limit:
            pieces.append(current)
            current = ""
        current += escaped
    pieces.append(current)
    return [piece for piece in pieces if piece.strip()]
