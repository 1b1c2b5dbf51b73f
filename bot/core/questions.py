"""Cleaning what users type before it reaches retrieval."""

from __future__ import annotations

import html
import re
import unicodedata

MAX_QUESTION_CHARS = 10_000  # longer input is cut here; the encoder reads far less anyway
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Markup pasted from a web page or a chat client is not part of what is asked: HTML tags, Markdown
# links (their text stays), bare links, emphasis and code marks around text, heading/quote/list
# marks at a line's start. A lone "*" stays: the speech writes redacted names as "*同志".
_MARKUP = (
    (re.compile(r"</?[A-Za-z][^<>]*>"), " "),
    (re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*\)"), r"\1"),
    (re.compile(r"https?://\S+|www\.\S+"), " "),
    (re.compile(r"(\*\*|~~|`+)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![A-Za-z0-9])(__|\*|_)(?=\S)(.+?)(?<=\S)\1(?![A-Za-z0-9])"), r"\2"),
    (re.compile(r"^\s*(?:(?:#{1,6}|>+|[-+*]|\d+[.)])\s+)+", re.M), ""),
)


class QuestionError(ValueError):
    """The input cannot be a question; the message says why, in Chinese."""


def clean_question(text: str | None) -> str:
    """Drop control and zero-width characters, fold whitespace; refuse what has no words.

    The text is kept as typed (it is shown back to the user); `question_words` is what is searched.
    """
    text = _INVISIBLE.sub("", text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("问题不能为空，请输入要查询的内容。")
    if not any(ch.isalnum() for ch in strip_markup(text)):
        raise QuestionError("没有看懂这个问题，请用文字描述想了解的内容。")
    return text[:MAX_QUESTION_CHARS]


def question_words(question: str) -> str:
    """What is searched and read for a cleaned question: its words without markup."""
    return " ".join(strip_markup(question).split())


def strip_markup(text: str) -> str:
    """The words of a question without the HTML or Markdown around them ("<b>品牌</b>" → "品牌")."""
    text = html.unescape(text)
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text
