"""Records passed from the corpus layer to the index and the chat layers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One study text after loading and cleaning.

    `text` keeps the original characters (for display and offsets), one paragraph or heading per
    line; only website boilerplate and markup (Markdown `#`, HTML comments, tags) are gone.
    """

    doc_id: str  # stable key, from the file name (or the jsonl title)
    title: str
    text: str
    source: str  # file name it came from
    preamble: str = ""  # adoption/issuer lines of a law, shown as the document's note
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    """A citable span of a document: `text == document.text[start:end]`."""

    passage_id: str
    doc_id: str
    doc_title: str
    section: str  # section path, e.g. "第二章 民族自治地方的自治机关 › 第十五条"
    location: str  # human location, e.g. "第二部分 第3段" or "第二章 第十五条"
    text: str
    start: int
    end: int
    heading: str = ""  # the heading text of the enclosing part, used to give retrieval context

    def index_text(self) -> str:
        """What retrievers see: the passage with its title and heading for context."""
        parts = [self.doc_title]
        if self.heading and self.heading not in self.text:
            parts.append(self.heading)
        parts.append(self.text)
        return "\n".join(parts)
