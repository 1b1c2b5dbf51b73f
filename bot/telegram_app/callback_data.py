"""Every inline button's data, built and read in one place; Telegram's 64-byte limit checked here.

Formats (everything behind a button lives in SQLite or bot state, so the data only points at it):
  p:<answer>:<page>          a page of citations
  c:<answer>:<n>             the source of citation n, in context
  f:<answer>:<1|0>           feedback on an answer
  rm:<key>  /  rm:-          confirm / cancel removing a document
  qa:<session>:<pos>:<opt>   a quiz option chosen by button
Clients can forge data: `decode` returns None for anything this bot did not make.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram.constants import InlineKeyboardButtonLimit

MAX_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64
_ID = r"[A-Za-z0-9_-]{1,40}"
_NUMBER = r"-?[0-9]{1,6}"
# kind → the pattern of each field after it
FIELDS: dict[str, tuple[str, ...]] = {
    "p": (_ID, _NUMBER),
    "c": (_ID, _NUMBER),
    "f": (_ID, _NUMBER),
    "rm": (r"[0-9a-f]{1,40}|-",),
    "qa": (_ID, _NUMBER, _NUMBER),
}
_NUMERIC = {_NUMBER}


class CallbackDataError(ValueError):
    """Data this bot cannot put on a button (a programming error, never a user's)."""


@dataclass(frozen=True)
class Callback:
    """A decoded button: its kind and its fields (numbers as int, ids as str)."""

    kind: str
    values: tuple[str | int, ...]

    def text(self, n: int) -> str:
        return str(self.values[n])

    def number(self, n: int) -> int:
        value = self.values[n]
        assert isinstance(value, int)
        return value


def _regex(kind: str) -> re.Pattern[str]:
    return re.compile(re.escape(kind) + "".join(f":({f})" for f in FIELDS[kind]), re.ASCII)


_REGEX = {kind: _regex(kind) for kind in FIELDS}


def encode(kind: str, *values: str | int) -> str:
    """Button data for `kind`; raises CallbackDataError if it is malformed or over 64 bytes."""
    data = ":".join([kind, *(str(v) for v in values)])
    if kind not in FIELDS or _REGEX[kind].fullmatch(data) is None:
        raise CallbackDataError(f"malformed callback data for {kind!r}: {data!r}")
    if len(data.encode()) > MAX_BYTES:
        raise CallbackDataError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """The button behind `data`, or None for anything this bot did not make."""
    kind = (data or "").split(":", 1)[0]
    match = _REGEX[kind].fullmatch(data or "") if kind in _REGEX else None
    if match is None or len((data or "").encode()) > MAX_BYTES:
        return None
    values = tuple(
        int(value) if pattern in _NUMERIC else value
        for value, pattern in zip(match.groups(), FIELDS[kind], strict=True)
    )
    return Callback(kind, values)


def pattern(*kinds: str) -> re.Pattern[str]:
    """For CallbackQueryHandler: the data of these kinds (routing in one place, app.py)."""
    return re.compile("^(?:" + "|".join(re.escape(k) for k in kinds) + "):")
