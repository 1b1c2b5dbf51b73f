"""What can go wrong with one input file; the messages are Chinese because they reach users."""

from __future__ import annotations

from pathlib import Path, PurePosixPath


class CorpusError(Exception):
    """A problem with one input file. `message` is Chinese because it reaches users."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"“{PurePosixPath(str(self.path)).name}”：{self.message}"


class UnsupportedFormatError(CorpusError):
    """The file's suffix is not one we can read."""


class UnreadableDocumentError(CorpusError):
    """Corrupt, truncated, binary or undecodable content, or bytes that do not match the suffix."""


class EmptyDocumentError(CorpusError):
    """The file was read but contains no usable text."""
