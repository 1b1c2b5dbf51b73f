"""The ranker's answer-kind cue: does a passage hold an answer of the kind the question asks for?

The check lives with the answer kinds (bot/core/answer_types.py); the index cannot import the
bot core, so the assistant passes this function to each search (`answer_check`).
Why a ranking cue: asked "总书记给当地群众回过几次信", the passage that says 三次…回信 is the
answer, and the introduction that names the general secretary without any count is not, however
close its wording.
"""

from __future__ import annotations

from bot.core.answer_types import CHECKED_KINDS, asked_kind, holds_answer_near


def answer_near_flags(question: str, texts: list[str]) -> list[bool]:
    """Per text: an answer of the asked kind beside the question's words (False if no kind)."""
    asked = asked_kind(question)
    if asked.kind not in CHECKED_KINDS:
        return [False] * len(texts)
    return [bool(holds_answer_near(asked, question, [text])) for text in texts]
