"""Plain text and Markdown: decoded with encoding detection, Markdown split into title and body."""

from __future__ import annotations

from corpus.cleaning import split_markdown
from corpus.encoding import decode_text
from corpus.formats.parsed import Parsed


def parse_txt(data: bytes) -> Parsed:
    return Parsed(lines=decode_text(data).split("\n"))


def parse_md(data: bytes) -> Parsed:
    parts = split_markdown(decode_text(data))
    return Parsed(lines=parts.body, title=parts.title, preamble=parts.preamble)
