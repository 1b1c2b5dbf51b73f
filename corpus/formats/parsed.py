"""What a format parser returns, before the clean-up every format shares (corpus.loaders)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Parsed:
    """A format parser's result: raw lines, a title if the format has one, a preamble, metadata."""

    lines: list[str]
    title: str = ""
    preamble: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def clean_title(title: str) -> str:
    return " ".join(title.split())
