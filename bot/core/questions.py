"""Cleaning what users type before it reaches retrieval."""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 10_000  # longer input is cut here; the encoder reads far less anyway
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


class QuestionError(ValueError):
    """The input cannot be a question; the message says why, in Chinese."""


def clean_question(text: str | None) -> str:
    """Drop control and zero-width characters, fold whitespace; refuse what is left empty."""
    text = _INVISIBLE.sub("", text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("问题不能为空，请输入要查询的内容。")
    if not any(ch.isalnum() for ch in text):
        raise QuestionError("没有看懂这个问题，请用文字描述想了解的内容。")
    return text[:MAX_QUESTION_CHARS]
